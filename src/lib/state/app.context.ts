import { getContext, setContext } from 'svelte';
import { AnalystState } from './analyst.svelte';
import { ConnectivityState } from './connectivity.svelte';
import { DatasetState } from './dataset.svelte';
import { InvestigationState } from './investigation.svelte';
import { LearningState } from './learning.svelte';
import { LlmState } from './llm.svelte';
import { WorkerHealthState } from './workers.svelte';
import { WorkspaceState } from './workspace.svelte';

/** Everything the pages share, created once by the root layout. */
export class AppState {
  readonly dataset = new DatasetState();
  readonly workspace = new WorkspaceState();
  readonly connectivity = new ConnectivityState();
  readonly learning = new LearningState();
  readonly llm = new LlmState();
  readonly investigation = new InvestigationState(this.learning, this.llm);
  readonly analyst = new AnalystState(this.llm);
  readonly workers = new WorkerHealthState();

  constructor() {
    // Every tab in sync: each view refreshes the tables another tab (or a restarted worker)
    // changed; this tab's own writes update the views that made them.
    this.workspace.subscribe(LearningState.tables, (t) => this.learning.refresh(t));
    this.workspace.subscribe(InvestigationState.tables, (t) => this.investigation.refresh(t));
    this.workspace.subscribe(LlmState.tables, () => this.llm.refreshCalls(), ['local', 'remote']);
  }
}

const key = Symbol('opsiq.app');

export function setAppState(app: AppState): AppState {
  return setContext(key, app);
}

/** The shared app state; throws when a component is used outside the root layout. */
export function getAppState(): AppState {
  const app = getContext<AppState | undefined>(key);
  if (!app) throw new Error('getAppState() called outside the OpsIQ root layout');
  return app;
}
