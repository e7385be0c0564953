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
import type { LlmState } from './llm.svelte';
import { llmAssessment } from '$lib/agents/reasoning/steps';
import { analyticsWorker, stateWorker } from '$lib/services/workers';
import { indexedDbResultStore } from '$lib/services/result-store';
import { version } from '$app/environment';
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
  /** Every stored run, latest first (QA Lab → Traces), once `loadRuns` was called. */
  runs = $state.raw<RunRecord[]>([]);
  runsLoaded = $state(false);

  /** Set while the model may still be asked; Stop aborts it (the run finishes on rules). */
  stopping = $state(false);

  #runsWanted = false;

  /** The tables this view shows: the change feed refreshes it when another tab writes them. */
  static readonly tables = ['runs', 'cases', 'actions', 'action_events', 'traces'];

  readonly #learning: LearningState;
  readonly #llm: LlmState | undefined;
  #abort: AbortController | undefined;
  /** Every run and the idle-time warm-up read the dataset through one result cache. */
  readonly #analytics = cachingAnalytics(
    {
      status: () => analyticsWorker().status(),
      queryWithParams: (sql, params) => analyticsWorker().queryWithParams(sql, params)
    },
    96,
    // Kept across reloads: the first click after one reads the rows back (same data, same SQL).
    typeof indexedDB === 'undefined' ? undefined : indexedDbResultStore(version)
  );
  #warmedFor = '';

  constructor(learning: LearningState, llm?: LlmState) {
    this.#learning = learning;
    this.#llm = llm;
  }

  /** Stop: cancels the model's call in flight and any to come; the rules finish the run. */
  stop(): void {
    this.stopping = true;
    this.#abort?.abort();
  }

  /**
   * Another tab wrote some of `tables`: a new finished run replaces the latest (and its diff);
   * otherwise only the latest run's cases (statuses) or actions are read again.
   */
  async refresh(changed: readonly string[]): Promise<void> {
    if (this.running) return;
    const api = stateWorker();
    const has = (t: string) => changed.includes(t);
    if (has('runs') && this.#runsWanted) await this.loadRuns();
    if (has('runs')) {
      const [run] = await api.listRuns({ limit: 1, finished: true });
      if ((run?.runId ?? null) !== (this.latest?.run.runId ?? null)) return this.load();
    }
    // A verdict given here meanwhile replaces `latest`: read again so neither change is lost.
    for (let attempt = 0; attempt < 3; attempt++) {
      const view = this.latest;
      if (!view) return;
      const [records, actions] = await Promise.all([
        has('cases') ? api.listCases({ runId: view.run.runId }) : null,
        has('actions') || has('action_events') ? api.listActions() : null
      ]);
      if (this.latest !== view) continue;
      const cases = records ? rankFindings(records.map(caseFromRecord)) : view.cases;
      this.latest = { ...view, cases, actions: actions ? ofCases(actions, cases) : view.actions };
      return;
    }
  }

  /** Reads every stored run (latest first) and keeps them fresh as runs are stored. */
  async loadRuns(): Promise<void> {
    this.#runsWanted = true;
    try {
      this.runs = await stateWorker().listRuns({ limit: 50 });
    } finally {
      this.runsLoaded = true;
    }
  }

  /** The steps of a stored run. */
  traces(runId: string): Promise<TraceStep[]> {
    return stateWorker().listTraces(runId);
  }

  /** Reads the latest finished run (cases, actions, trace), and its diff to the one before. */
  async load(): Promise<void> {
    try {
      const api = stateWorker();
      // Finished runs only: a run still going (or one that failed) is not "the latest".
      const [run, previous] = await api.listRuns({ limit: 2, finished: true });
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
    // A new run supersedes any model call of the one before.
    this.#abort?.abort();
    const abort = (this.#abort = new AbortController());
    this.stopping = false;
    try {
      // The SDK chunk failing to load (offline, first visit) leaves the run on rules.
      const llm = this.#llm?.configured
        ? await this.#llm.session(abort.signal).catch(() => undefined)
        : undefined;
      const result = await runInvestigation(
        {
          analytics: this.#analytics,
          state: stateWorker(),
          clock: systemClock,
          orchestrator: undefined,
          ...(llm ? { llm } : {})
        },
        {
          memory: this.#learning.current,
          runId: undefined,
          onProgress: (p) => (this.progress = p),
          // Every standing verdict, computed in SQL (no cap at the loaded feedback list).
          decisions: await this.#learning.standingDecisions()
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
      this.stopping = false;
      this.progress = null;
    }
    // The ranked cases are on screen; the diff and the evaluation follow without holding the
    // button (a rerun on a thousand cases reads the previous run back for the diff).
    try {
      const view = this.latest;
      const [, previous] = await stateWorker().listRuns({ limit: 2, finished: true });
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
    // Every stored verdict (uncapped, from SQL).
    const feedback = await this.#learning.evaluationFeedback();
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
    if (this.#llm?.configured) await this.#assess(view, evaluation, feedback);
  }

  /** The model's assessment, stored beside the rule evaluator's (never replacing it). */
  async #assess(view: RunView, ruleScores: unknown, feedback: unknown): Promise<void> {
    if (!this.#llm) return;
    const session = await this.#llm.session(this.#abort?.signal, view.run.runId);
    const assessment = await llmAssessment(session, { cases: view.cases, ruleScores, feedback });
    await this.#llm.store(session);
    if (!assessment) return;
    const createdAt = systemClock.now();
    const mean =
      (assessment.actionability.score +
        assessment.correctness.score +
        assessment.specificity.score) /
      3;
    await stateWorker().saveEvaluation({
      evaluationId: stableId('eval-llm', view.run.runId, createdAt),
      runId: view.run.runId,
      createdAt,
      evaluator: 'llm',
      score: Math.round(mean * 1000) / 1000,
      metrics: assessment,
      notes: assessment.calibrationAdvice.join(' ')
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
