import { getContext, setContext } from 'svelte';
import { ConnectivityState } from './connectivity.svelte';
import { DatasetState } from './dataset.svelte';
import { InvestigationState } from './investigation.svelte';
import { LearningState } from './learning.svelte';
import { LlmState } from './llm.svelte';
import { WorkspaceState } from './workspace.svelte';

/** Everything the pages share, created once by the root layout. */
export class AppState {
  readonly dataset = new DatasetState();
  readonly workspace = new WorkspaceState();
  readonly connectivity = new ConnectivityState();
  readonly learning = new LearningState();
  readonly llm = new LlmState();
  readonly investigation = new InvestigationState(this.learning, this.llm);
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
