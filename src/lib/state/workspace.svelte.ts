import type { JsonValue, OpenResult } from '$workers/contracts/state';
import { asOpsiqError, type OpsiqError } from '$workers/contracts/errors';
import { Comlink, assetUrl, stateWorker } from '$lib/services/workers';

/**
 * The product's own state in sql.js (settings here; runs, cases and memory build on it).
 * It opens independently of DuckDB so the UI shows what is stored without waiting for the
 * analytics engine.
 */
export class WorkspaceState {
  phase = $state<'idle' | 'opening' | 'ready' | 'error'>('idle');
  info = $state.raw<OpenResult | null>(null);
  settings = $state.raw<Record<string, JsonValue>>({});
  counts = $state.raw<Record<string, number>>({});
  error = $state<OpsiqError | null>(null);
  /** Bumped whenever another tab (or this one) changed stored state; views re-read on it. */
  revision = $state(0);

  #opened: Promise<void> | undefined;

  start(): Promise<void> {
    this.#opened ??= this.#open();
    return this.#opened;
  }

  async #open(): Promise<void> {
    this.phase = 'opening';
    try {
      const api = stateWorker();
      this.info = await api.open({ wasmUrl: assetUrl(__SQLJS_WASM__) });
      await api.onChange(
        Comlink.proxy(() => {
          void this.refresh();
        })
      );
      await this.refresh();
      this.phase = 'ready';
    } catch (error) {
      this.error = asOpsiqError(error);
      this.phase = 'error';
    }
  }

  async refresh(): Promise<void> {
    const api = stateWorker();
    const [settings, counts] = await Promise.all([api.getSettings(), api.counts()]);
    this.settings = settings;
    this.counts = counts;
    this.revision += 1;
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
