import type { JsonValue, OpenResult, StateChange } from '$workers/contracts/state';
import { asOpsiqError, type OpsiqError } from '$workers/contracts/errors';
import { Comlink, assetUrl, stateClient, stateWorker } from '$lib/services/workers';
import { ChangeFeed } from './change-feed';

/**
 * The product's own state in sql.js: opening it, settings and counts, and the change feed.
 * It opens independently of DuckDB so the UI shows what is stored without waiting for the
 * analytics engine.
 *
 * Change feed: the state worker reports every write (this tab's, and other tabs' as soon as
 * their log record is applied) with the tables it touched. Views `subscribe` to the tables they
 * show and refresh only those, within the worker's catch-up (a channel message, or a 1 s poll).
 * A subscriber's refreshes never overlap: changes during one are folded into the next.
 */
export class WorkspaceState {
  phase = $state<'idle' | 'opening' | 'ready' | 'error'>('idle');
  info = $state.raw<OpenResult | null>(null);
  settings = $state.raw<Record<string, JsonValue>>({});
  counts = $state.raw<Record<string, number>>({});
  error = $state<OpsiqError | null>(null);
  /** Bumped whenever another tab (or this one) changed stored state; views re-read on it. */
  revision = $state(0);
  /** The last log position this page heard of. */
  seq = $state(0);

  #opened: Promise<void> | undefined;
  readonly #feed = new ChangeFeed();

  constructor() {
    this.subscribe(['settings'], () => this.#readSettings(), ['local', 'remote']);
  }

  start(): Promise<void> {
    this.#opened ??= this.#open();
    return this.#opened;
  }

  /**
   * Calls `refresh` with the changed tables whenever a write touches one of `tables` (from
   * `origins`: another tab's writes only, by default; a view updates itself after its own).
   * Returns the unsubscribe function.
   */
  subscribe(
    tables: readonly string[],
    refresh: (tables: readonly string[]) => Promise<void>,
    origins: readonly StateChange['origin'][] = ['remote']
  ): () => void {
    return this.#feed.subscribe(tables, refresh, origins);
  }

  /** Routes one change to the subscribers of its tables. */
  dispatch(change: StateChange): void {
    if (change.seq !== undefined && change.seq > this.seq) this.seq = change.seq;
    void this.#feed.dispatch(change);
    void this.#readCounts();
  }

  async #open(): Promise<void> {
    this.phase = 'opening';
    try {
      const client = stateClient();
      // A restarted worker (after a crash) is opened again and rejoins the change feed; then
      // every view re-reads what it shows.
      client.onRestart(async (api) => {
        await api.open({ wasmUrl: assetUrl(__SQLJS_WASM__) });
        await api.onChange(Comlink.proxy((change: StateChange) => this.dispatch(change)));
      });
      client.onIncident((incident) => {
        if (incident.recovered) this.#everythingChanged();
      });
      const api = stateWorker();
      this.info = await api.open({ wasmUrl: assetUrl(__SQLJS_WASM__) });
      await api.onChange(Comlink.proxy((change: StateChange) => this.dispatch(change)));
      await this.refresh();
      this.phase = 'ready';
    } catch (error) {
      this.error = asOpsiqError(error);
      this.phase = 'error';
    }
  }

  #everythingChanged(): void {
    this.dispatch({ tables: this.#feed.watchedTables(), origin: 'remote' });
  }

  async refresh(): Promise<void> {
    await Promise.all([this.#readSettings(), this.#readCounts()]);
  }

  async #readSettings(): Promise<void> {
    this.settings = await stateWorker().getSettings();
    this.revision += 1;
  }

  async #readCounts(): Promise<void> {
    try {
      this.counts = await stateWorker().counts();
    } catch {
      // Counts are a convenience; the next change reads them again.
    }
  }

  /** Stores a setting; resolves once it is durable in IndexedDB. */
  async setSetting(key: string, value: JsonValue): Promise<void> {
    this.error = null;
    try {
      await stateWorker().setSetting(key, value);
      await this.refresh();
    } catch (error) {
      this.error = asOpsiqError(error);
      throw this.error;
    }
  }

  /** Clears every case, run, memory version and setting (part of "Reset demo"). */
  async resetAll(): Promise<void> {
    await stateWorker().resetAll();
    await this.refresh();
  }

  /** Makes pending state durable now (called on `pagehide`). */
  async flush(): Promise<void> {
    await stateWorker().flush();
  }
}
