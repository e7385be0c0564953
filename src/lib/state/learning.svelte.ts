import { systemClock } from '$lib/agents/ports';
import {
  learnFromAnswerFeedback,
  learnFromFeedback,
  standingVerdicts,
  restoreMemory,
  type MemoryUpdate,
  type ProposedChange,
  type Verdict
} from '$lib/domain/memory-agent';
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

/** A stored memory version with its memory parsed (defaults fill what an older version lacks). */
export interface MemoryVersionView extends MemoryVersion {
  parsed: Memory;
}

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

  readonly current = $derived<Memory>(this.versions.at(-1)?.parsed ?? defaultMemory());

  async load(): Promise<void> {
    try {
      const api = stateWorker();
      const [versions, feedback, evaluations] = await Promise.all([
        api.listMemoryVersions(),
        api.listFeedback({ limit: 500 }),
        api.listEvaluations({ limit: 200 })
      ]);
      this.versions = versions.map((v) => ({ ...v, parsed: parseMemory(v) }));
      this.feedback = feedback;
      this.evaluations = evaluations;
      this.error = null;
    } catch (error) {
      this.error = asOpsiqError(error);
    } finally {
      this.loaded = true;
    }
  }

  /** Re-reads only the evaluations (after the evaluator saved one). */
  async loadEvaluations(): Promise<void> {
    try {
      this.evaluations = await stateWorker().listEvaluations({ limit: 200 });
    } catch (error) {
      this.error = asOpsiqError(error);
    }
  }

  /** People's standing approve / reject verdicts by finding key (latest wins), for reruns. */
  decisions(): Map<string, 'approved' | 'rejected'> {
    return standingVerdicts(this.feedback);
  }

  /**
   * Approve, Reject or False positive on a case: the case status follows, the feedback is
   * stored with the case's key, and the memory agent's changes become a new memory version,
   * all in one durable write. Returns the update (changes, and what the guardrails refused).
   */
  async giveFeedback(
    c: TriageCase,
    verdict: Verdict,
    comment: string,
    reviewer: string,
    /** The memory version the case's run used (a threshold moves at most a step per run). */
    runMemoryVersion: number | null = null
  ): Promise<MemoryUpdate> {
    const feedbackId = crypto.randomUUID();
    const at = systemClock.now();
    const runMemory =
      runMemoryVersion === null
        ? undefined
        : (this.versions.find((v) => v.version === runMemoryVersion)?.parsed ?? defaultMemory());
    const update = learnFromFeedback(this.current, { verdict, feedbackId, finding: c, runMemory });
    await stateWorker().giveFeedback({
      feedbackId,
      caseId: c.caseId,
      verdict,
      comment: comment.trim() === '' ? null : comment.trim(),
      actor: { type: 'user', name: reviewer },
      at,
      memoryVersions: this.#versionsFor(update, at, 'rule', reasonOf(update.changes))
    });
    await this.load();
    return update;
  }

  /**
   * Useful / Not useful on an analyst answer: "not useful" switches the explanation style
   * (a new memory version); returns what changed, in words.
   */
  async giveAnswerFeedback(useful: boolean): Promise<string> {
    const update = learnFromAnswerFeedback(this.current, useful, null);
    if (update.changes.length === 0) return 'Thanks: the explanation style stays as it is.';
    const at = systemClock.now();
    const reason = reasonOf(update.changes);
    await stateWorker().appendMemoryVersions(this.#versionsFor(update, at, 'rule', reason));
    await this.load();
    return reason;
  }

  /** A new version with the content of version `target` (a person's roll back). */
  async rollback(target: number, reviewer: string): Promise<void> {
    const to = this.versions.find((v) => v.version === target);
    if (!to) return;
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

  async #restore(target: Memory, reason: string): Promise<void> {
    const update = restoreMemory(this.current, target, reason);
    if (update.changes.length === 0) return;
    const at = systemClock.now();
    await stateWorker().appendMemoryVersions(this.#versionsFor(update, at, 'person', reason));
    await this.load();
  }

  /** The versions to append: the defaults as version 0 first when nothing is stored yet. */
  #versionsFor(
    update: MemoryUpdate,
    at: string,
    source: MemoryVersion['source'],
    reason: string
  ): MemoryVersion[] {
    if (update.changes.length === 0) return [];
    const out: MemoryVersion[] = [];
    if (this.versions.length === 0) {
      out.push({
        version: 0,
        parentVersion: null,
        createdAt: at,
        source: 'default',
        reason: 'The defaults',
        memory: defaultMemory(),
        changes: []
      });
    }
    out.push({
      version: update.memory.version,
      parentVersion: this.current.version,
      createdAt: at,
      source,
      reason,
      memory: update.memory,
      changes: update.changes.map((c) => ({
        key: c.key,
        old: c.old,
        new: c.new,
        reason: c.reason,
        source: c.source,
        feedbackId: c.feedbackId
      }))
    });
    return out;
  }
}

function parseMemory(v: MemoryVersion): Memory {
  const parsed = memorySchema.safeParse(v.memory);
  // A version that no longer validates (bounds tightened since) reads as the defaults.
  return parsed.success ? { ...parsed.data, version: v.version } : defaultMemory();
}

function toProposed(c: MemoryChange): ProposedChange {
  const scalar = (x: unknown) =>
    typeof x === 'number' || typeof x === 'boolean' || typeof x === 'string' ? x : null;
  return { ...c, old: scalar(c.old), new: scalar(c.new) };
}

function reasonOf(changes: readonly ProposedChange[]): string {
  return changes.map((c) => c.reason).join(' ');
}
