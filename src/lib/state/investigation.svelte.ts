import { caseFromRecord } from '$lib/agents/case-records';
import { runInvestigation, type InvestigationProgress } from '$lib/agents/investigation';
import { systemClock } from '$lib/agents/ports';
import type { TriageCase } from '$lib/domain/schemas/case';
import { rankFindings } from '$lib/domain/scoring';
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
  loaded = $state(false);
  error = $state<OpsiqError | null>(null);

  /** Reads the latest stored run (cases, actions, trace) from the state worker. */
  async load(): Promise<void> {
    try {
      const api = stateWorker();
      const [run] = await api.listRuns({ limit: 1 });
      this.latest = run ? await this.#read(run) : null;
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

  /** Runs the whole investigation on the active dataset and stores it. */
  async run(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.error = null;
    this.progress = { step: 'status', fraction: 0 };
    // User Timing marks: visible in DevTools' performance panel and read by the click bench.
    performance.mark('opsiq:run:start');
    try {
      const result = await runInvestigation(
        {
          analytics: analyticsWorker(),
          state: stateWorker(),
          clock: systemClock,
          orchestrator: undefined
        },
        { memory: undefined, runId: undefined, onProgress: (p) => (this.progress = p) }
      );
      performance.measure('opsiq:run:pipeline', 'opsiq:run:start');
      // What was just stored, without reading a thousand cases back from the state worker.
      this.latest = {
        run: result.run,
        cases: result.cases,
        actions: result.actions.map(({ caseKey: _key, ...a }) => ({
          ...a,
          status: a.status ?? 'open',
          updatedAt: a.createdAt
        })),
        trace: result.trace
      };
    } catch (error) {
      this.error = asOpsiqError(error);
    } finally {
      this.running = false;
      this.progress = null;
    }
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
      const actions = ofCases(await stateWorker().listActions(), this.latest.cases);
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

function ofCases(actions: ActionRecord[], cases: readonly TriageCase[]): ActionRecord[] {
  const ids = new Map(cases.map((c) => [c.caseId, true]));
  return actions.filter((a) => ids.has(a.caseId));
}
