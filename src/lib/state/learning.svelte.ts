import { systemClock } from '$lib/agents/ports';
import {
  learnFromAnswerFeedback,
  standingVerdicts,
  restoreMemory,
  type MemoryUpdate,
  type ProposedChange,
  type Verdict
} from '$lib/domain/memory-agent';
import {
  decisionMap,
  parseStoredMemory,
  versionsToAppend,
  type MemoryHead
} from '$lib/domain/memory-history';
import {
  defaultMemory,
  MEMORY_SETTINGS,
  memorySchema,
  type Memory,
  type MemoryKey
} from '$lib/domain/memory';
import type { TriageCase } from '$lib/domain/schemas/case';
import { stateWorker } from '$lib/services/workers';
import { asOpsiqError, type OpsiqError } from '$workers/contracts/errors';
import type {
  EvaluationRecord,
  FeedbackRecord,
  MemoryChange,
  MemoryVersion
} from '$workers/contracts/state';

/**
 * A stored memory version with its memory parsed (defaults fill what an older version lacks).
 * A version that no longer validates is kept and shown as set aside (`invalid` says why): it is
 * never read as the defaults, and new versions build on the latest valid one.
 */
export interface MemoryVersionView extends MemoryVersion {
  parsed: Memory;
  invalid: string | null;
}

/** The tables each part of the learning view shows (the change feed refreshes only those). */
const MEMORY_TABLES = ['memory_versions', 'memory_changes'];
const FEEDBACK_TABLES = ['feedback', 'cases'];
const EVALUATION_TABLES = ['evaluations'];

/**
 * The learning loop as the pages see it: feedback on cases, the memory versions it produced,
 * rolling memory back or resetting it, and the evaluations of runs. Memory lives in the state
 * worker as versions; the current memory is the latest one (the defaults before any).
 */
export class LearningState {
  versions = $state.raw<MemoryVersionView[]>([]);
  feedback = $state.raw<FeedbackRecord[]>([]);
  evaluations = $state.raw<EvaluationRecord[]>([]);
  loaded = $state(false);
  error = $state<OpsiqError | null>(null);

  /** The latest version that validates (the defaults before any is stored). */
  readonly current = $derived<Memory>(
    this.versions.findLast((v) => v.invalid === null)?.parsed ?? defaultMemory()
  );
  /** Stored versions that no longer validate: reported, kept, never built on. */
  readonly setAside = $derived(this.versions.filter((v) => v.invalid !== null));

  /** Re-reads what another tab's write changed (the change feed calls it with the tables). */
  async refresh(tables: readonly string[]): Promise<void> {
    const api = stateWorker();
    const touches = (list: readonly string[]) => list.some((t) => tables.includes(t));
    await Promise.all([
      touches(MEMORY_TABLES) ? api.listMemoryVersions().then((v) => this.#setVersions(v)) : null,
      touches(FEEDBACK_TABLES)
        ? api.listFeedback({ limit: 500 }).then((f) => (this.feedback = f))
        : null,
      touches(EVALUATION_TABLES) ? this.loadEvaluations() : null
    ]);
  }

  /** The tables `refresh` reads. */
  static readonly tables = [...MEMORY_TABLES, ...FEEDBACK_TABLES, ...EVALUATION_TABLES];

  async load(): Promise<void> {
    try {
      const api = stateWorker();
      const [versions, feedback, evaluations] = await Promise.all([
        api.listMemoryVersions(),
        // The recent feedback list the QA Lab shows; reruns and the evaluator read every
        // verdict in SQL (`standingDecisions`, `evaluationFeedback`), never this list.
        api.listFeedback({ limit: 500 }),
        api.listEvaluations({ limit: 200 })
      ]);
      this.#setVersions(versions);
      this.feedback = feedback;
      this.evaluations = evaluations;
      this.error = null;
    } catch (error) {
      this.error = asOpsiqError(error);
    } finally {
      this.loaded = true;
    }
  }

  #setVersions(versions: MemoryVersion[]): void {
    this.versions = versions.map((v) => {
      const parsed = parseStoredMemory(v.memory, v.version);
      return parsed.ok
        ? { ...v, parsed: parsed.memory, invalid: null }
        : { ...v, parsed: defaultMemory(), invalid: parsed.reason };
    });
  }

  /** Re-reads only the evaluations (after the evaluator saved one). */
  async loadEvaluations(): Promise<void> {
    try {
      this.evaluations = await stateWorker().listEvaluations({ limit: 200 });
    } catch (error) {
      this.error = asOpsiqError(error);
    }
  }

  /**
   * People's standing approve / reject verdicts by finding key (latest wins), from the loaded
   * recent feedback only. Reruns use `standingDecisions()`, which reads every verdict.
   * @deprecated capped at the loaded list; use `standingDecisions()`.
   */
  decisions(): Map<string, 'approved' | 'rejected'> {
    return standingVerdicts(this.feedback);
  }

  /** Every standing verdict (latest per finding key), computed in SQL in the worker, uncapped. */
  async standingDecisions(): Promise<Map<string, 'approved' | 'rejected'>> {
    return decisionMap(await stateWorker().standingVerdicts());
  }

  /** Every stored verdict with its case's key and type, for the evaluator (uncapped). */
  evaluationFeedback() {
    return stateWorker().evaluationFeedback();
  }

  /**
   * Approve, Reject or False positive on a case: one durable write in the state worker, which
   * derives the memory change from the LATEST stored memory inside the write lock (whatever
   * another tab stored a moment before), so a verdict is never refused as stale. Returns the
   * update: its `memory.version` is the version the verdict landed on.
   */
  async giveFeedback(
    c: TriageCase,
    verdict: Verdict,
    comment: string,
    reviewer: string,
    /** Unused: the worker reads the memory version of the case's run itself. */
    _runMemoryVersion: number | null = null
  ): Promise<MemoryUpdate & { landedOn: number | null }> {
    const result = await stateWorker().giveVerdict({
      feedbackId: crypto.randomUUID(),
      caseId: c.caseId,
      verdict,
      comment: comment.trim() === '' ? null : comment.trim(),
      actor: { type: 'user', name: reviewer },
      at: systemClock.now()
    });
    await this.refresh([...MEMORY_TABLES, ...FEEDBACK_TABLES]);
    const parsed = parseStoredMemory(result.memory, result.memoryVersion ?? 0);
    return {
      memory: parsed.ok ? parsed.memory : this.current,
      changes: result.changes,
      refused: result.refused,
      landedOn: result.memoryVersion
    };
  }

  /**
   * Useful / Not useful on an analyst answer: "not useful" switches the explanation style
   * (a new memory version); returns what changed, in words.
   */
  async giveAnswerFeedback(useful: boolean): Promise<string> {
    const head = this.#head();
    const update = learnFromAnswerFeedback(
      { ...this.current, version: head.maxVersion ?? 0 },
      useful,
      null
    );
    if (update.changes.length === 0) return 'Thanks: the explanation style stays as it is.';
    const at = systemClock.now();
    const reason = update.changes.map((c) => c.reason).join(' ');
    await stateWorker().appendMemoryVersions(
      versionsToAppend(head, update, at, 'rule', reason) as MemoryVersion[]
    );
    await this.refresh(MEMORY_TABLES);
    return reason;
  }

  /** A new version with the content of version `target` (a person's roll back). */
  async rollback(target: number, reviewer: string): Promise<void> {
    const to = this.versions.find((v) => v.version === target);
    if (!to || to.invalid !== null) return;
    await this.#restore(to.parsed, `${reviewer} rolled memory back to version ${target}`);
  }

  /**
   * A person sets one setting (within its bounds; a person may step further than a rule), e.g.
   * past a limit the memory agent stopped at. Throws with the guardrail's words when refused.
   */
  async setValue(key: MemoryKey, value: number | boolean, reviewer: string): Promise<void> {
    const target = memorySchema.safeParse({
      ...this.current,
      values: { ...this.current.values, [key]: value }
    });
    if (!target.success) {
      const s = MEMORY_SETTINGS[key];
      throw new Error(
        s.kind === 'number'
          ? `${key} must lie within [${s.min}, ${s.max}]`
          : `${key} is true or false`
      );
    }
    await this.#restore(target.data, `${reviewer} set ${key} to ${String(value)}`);
  }

  /** A new version with every default (a person's reset). */
  async reset(reviewer: string): Promise<void> {
    await this.#restore(defaultMemory(), `${reviewer} reset memory to the defaults`);
  }

  /** The changes between two stored versions, in order (for a rerun's diff). */
  changesBetween(from: number | null, to: number | null): ProposedChange[] {
    const lo = from ?? 0;
    const hi = to ?? this.current.version;
    return this.versions
      .filter((v) => v.version > lo && v.version <= hi)
      .flatMap((v) => v.changes.map(toProposed));
  }

  /**
   * A person's edit: derived from the memory this page shows. If another tab changed memory
   * meanwhile the worker answers `conflict` (the person decides again on what is stored now).
   */
  async #restore(target: Memory, reason: string): Promise<void> {
    const head = this.#head();
    const update = restoreMemory(
      { ...this.current, version: head.maxVersion ?? 0 },
      target,
      reason
    );
    if (update.changes.length === 0) return;
    const at = systemClock.now();
    await stateWorker().appendMemoryVersions(
      versionsToAppend(head, update, at, 'person', reason) as MemoryVersion[]
    );
    await this.refresh(MEMORY_TABLES);
  }

  #head(): MemoryHead {
    const latestValid = this.versions.findLast((v) => v.invalid === null);
    return {
      maxVersion: this.versions.at(-1)?.version ?? null,
      latestValid: latestValid ? { version: latestValid.version, memory: latestValid.parsed } : null
    };
  }
}

function toProposed(c: MemoryChange): ProposedChange {
  const scalar = (x: unknown) =>
    typeof x === 'number' || typeof x === 'boolean' || typeof x === 'string' ? x : null;
  return { ...c, old: scalar(c.old), new: scalar(c.new) };
}
