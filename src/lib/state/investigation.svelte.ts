import { caseFromRecord } from '$lib/agents/case-records';
import { runInvestigation, type InvestigationProgress } from '$lib/agents/investigation';
import { systemClock } from '$lib/agents/ports';
import { cachingAnalytics } from '$lib/agents/query-cache';
import type { TriageCase } from '$lib/domain/schemas/case';
import { rankFindings } from '$lib/domain/scoring';
import { diffRuns, type RunDiff } from '$lib/domain/run-diff';
import { evaluateRun } from '$lib/domain/evaluator';
import { stableId } from '$lib/domain/keys';
import type { LearningState } from './learning.svelte';
import { analyticsWorker, stateWorker } from '$lib/services/workers';
import { asOpsiqError, type OpsiqError } from '$workers/contracts/errors';
import type {
  ActionEvent,
  ActionRecord,
  ActionStatus,
  RunRecord,
  TraceStep
} from '$workers/contracts/state';

/** A run as the pages show it: what it found, what it opened, and how each step went. */
export interface RunView {
  run: RunRecord;
  /** Ranked: severity, then impact (as the run stored them). */
  cases: TriageCase[];
  actions: ActionRecord[];
  trace: TraceStep[];
}

/** The latest investigation: running one from Mission Control, and reading it back after a reload. */
export class InvestigationState {
  running = $state(false);
  progress = $state.raw<InvestigationProgress | null>(null);
  latest = $state.raw<RunView | null>(null);
  /** The latest run against the one before it: what the memory changed, case by case. */
  diff = $state.raw<(RunDiff & { from: RunRecord; to: RunRecord }) | null>(null);
  loaded = $state(false);
  error = $state<OpsiqError | null>(null);

  readonly #learning: LearningState;
  /** Every run and the idle-time warm-up read the dataset through one result cache. */
  readonly #analytics = cachingAnalytics({
    status: () => analyticsWorker().status(),
    queryWithParams: (sql, params) => analyticsWorker().queryWithParams(sql, params)
  });
  #warmedFor = '';

  constructor(learning: LearningState) {
    this.#learning = learning;
  }

  /** Reads the latest stored run (cases, actions, trace), and its diff to the one before. */
  async load(): Promise<void> {
    try {
      const api = stateWorker();
      const [run, previous] = await api.listRuns({ limit: 2 });
      this.latest = run ? await this.#read(run) : null;
      this.diff =
        this.latest && previous
          ? await this.#diff(previous, this.latest.run, this.latest.cases)
          : null;
    } catch (error) {
      this.error = asOpsiqError(error);
    } finally {
      this.loaded = true;
    }
  }

  async #read(run: RunRecord): Promise<RunView> {
    const api = stateWorker();
    const [records, trace] = await Promise.all([
      api.listCases({ runId: run.runId }),
      api.listTraces(run.runId)
    ]);
    const cases = rankFindings(records.map(caseFromRecord));
    const actions = ofCases(await api.listActions(), cases);
    return { run, cases, actions, trace };
  }

  async #diff(previous: RunRecord, run: RunRecord, cases: TriageCase[]) {
    const before = rankFindings(
      (await stateWorker().listCases({ runId: previous.runId })).map(caseFromRecord)
    );
    const changes = this.#learning.changesBetween(previous.memoryVersion, run.memoryVersion);
    return { ...diffRuns(before, cases, changes), from: previous, to: run };
  }

  /**
   * Runs the investigation's queries once, right after a dataset is ready (nothing stored, rules only, no model
   * call) after a dataset is ready, so the first click reuses their rows and warm engine code.
   * Once per dataset and memory version.
   */
  warm(datasetId: string | null | undefined): void {
    const key = `${datasetId ?? ''}:${this.#learning.current.version}`;
    if (!datasetId || this.running || key === this.#warmedFor) return;
    this.#warmedFor = key;
    const go = () => {
      if (this.running) return;
      performance.mark('opsiq:warm:start');
      void runInvestigation(
        {
          analytics: this.#analytics,
          state: undefined,
          clock: systemClock,
          orchestrator: undefined
        },
        {
          memory: this.#learning.current,
          runId: 'warm-up',
          onProgress: undefined,
          decisions: this.#learning.decisions()
        }
      )
        .then(() => performance.measure('opsiq:warm', 'opsiq:warm:start'))
        .catch(() => {
          // A warm-up that fails changes nothing: the click runs the queries itself.
          this.#warmedFor = '';
        });
    };
    // Now, not at idle: the work is in the worker, and a click during it waits on the same
    // queries instead of queueing its own behind them.
    setTimeout(go, 0);
  }

  /**
   * Runs the whole investigation on the active dataset with the current memory and people's
   * standing verdicts, stores it, and diffs it against the run before ("Rerun with Memory").
   */
  async run(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.error = null;
    this.diff = null;
    this.progress = { step: 'status', fraction: 0 };
    // User Timing marks: visible in DevTools' performance panel and read by the click bench.
    performance.mark('opsiq:run:start');
    try {
      const result = await runInvestigation(
        {
          analytics: this.#analytics,
          state: stateWorker(),
          clock: systemClock,
          orchestrator: undefined
        },
        {
          memory: this.#learning.current,
          runId: undefined,
          onProgress: (p) => (this.progress = p),
          decisions: this.#learning.decisions()
        }
      );
      performance.measure('opsiq:run:pipeline', 'opsiq:run:start');
      // What was just stored, without reading a thousand cases back from the state worker.
      this.latest = {
        run: result.run,
        cases: result.cases,
        actions: ofCases(
          result.actions.map(({ caseKey: _key, ...a }) => ({
            ...a,
            status: a.status ?? 'open',
            updatedAt: a.createdAt
          })),
          result.cases
        ),
        trace: result.trace
      };
    } catch (error) {
      this.error = asOpsiqError(error);
      return;
    } finally {
      this.running = false;
      this.progress = null;
    }
    // The ranked cases are on screen; the diff and the evaluation follow without holding the
    // button (a rerun on a thousand cases reads the previous run back for the diff).
    try {
      const view = this.latest;
      const [, previous] = await stateWorker().listRuns({ limit: 2 });
      this.diff = previous ? await this.#diff(previous, view.run, view.cases) : null;
      await this.evaluateLatest();
    } catch (error) {
      this.error = asOpsiqError(error);
    }
  }

  /**
   * The evaluator's judgement of the latest run with the feedback so far, stored (after each run
   * and after each verdict) so the QA Lab can chart how it moves.
   */
  async evaluateLatest(): Promise<void> {
    const view = this.latest;
    if (!view) return;
    const feedback = this.#learning.feedback.map((f) => ({
      caseKey: f.caseKey,
      anomalyType: f.anomalyType,
      verdict: f.verdict
    }));
    const evaluation = evaluateRun({ cases: view.cases, feedback });
    const createdAt = systemClock.now();
    await stateWorker().saveEvaluation({
      evaluationId: stableId('eval', view.run.runId, feedback.length, createdAt),
      runId: view.run.runId,
      createdAt,
      evaluator: 'rule',
      score: evaluation.score,
      metrics: evaluation,
      notes: evaluation.advice.join(' ')
    });
    await this.#learning.loadEvaluations();
  }

  /** Shows a case's new status (the feedback itself was stored by `LearningState`). */
  setCaseStatus(caseId: string, status: TriageCase['status']): void {
    if (!this.latest) return;
    const cases = this.latest.cases.map((c) => (c.caseId === caseId ? { ...c, status } : c));
    this.latest = { ...this.latest, cases };
  }

  /** Moves an action to a new status; the audit event records who did it. */
  async transition(actionId: string, to: ActionStatus, actorName: string, note?: string) {
    const event = await stateWorker().transitionAction(
      actionId,
      to,
      { type: 'user', name: actorName },
      note
    );
    if (this.latest) {
      // In place, so the list keeps its order (and nothing else needs reading back).
      const actions = this.latest.actions.map((a) =>
        a.actionId === actionId ? { ...a, status: event.toStatus, updatedAt: event.at } : a
      );
      this.latest = { ...this.latest, actions };
    }
    return event;
  }

  events(actionId: string): Promise<ActionEvent[]> {
    return stateWorker().listActionEvents(actionId);
  }

  /** Forgets the loaded run (after "Reset demo" cleared the state). */
  clear(): void {
    this.latest = null;
  }
}

const kindOrder: Record<ActionRecord['kind'], number> = {
  case_record: 0,
  alert: 1,
  approval_task: 2
};

/** The actions of these cases, in the cases' rank order, then case record, alert, approval. */
function ofCases(actions: ActionRecord[], cases: readonly TriageCase[]): ActionRecord[] {
  const rank = new Map(cases.map((c, i) => [c.caseId, i]));
  return actions
    .filter((a) => rank.has(a.caseId))
    .sort(
      (a, b) =>
        (rank.get(a.caseId) ?? 0) - (rank.get(b.caseId) ?? 0) ||
        kindOrder[a.kind] - kindOrder[b.kind] ||
        a.actionId.localeCompare(b.actionId)
    );
}
