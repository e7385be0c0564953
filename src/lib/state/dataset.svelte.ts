import type { DatasetStatus, ImportMode, ImportReport } from '$workers/contracts/analytics';
import { asOpsiqError, type OpsiqError } from '$workers/contracts/errors';
import { fetchDemoFiles } from '$lib/services/demo';
import type { GenerateInput } from '$workers/contracts/generator';
import {
  Comlink,
  analyticsClient,
  analyticsWorker,
  assetUrl,
  generatorWorker
} from '$lib/services/workers';

const noImport = Promise.resolve(false);

export type DatasetPhase = 'idle' | 'booting' | 'loading' | 'generating' | 'ready' | 'error';

/** The active billing dataset in DuckDB-WASM, as the UI sees it. */
export class DatasetState {
  phase = $state<DatasetPhase>('idle');
  /** What the engine is doing now, in words, for the progress line. */
  activity = $state('');
  status = $state.raw<DatasetStatus | null>(null);
  duckdbVersion = $state<string | null>(null);
  error = $state<OpsiqError | null>(null);
  /** Which action the error belongs to, so each part of the UI shows only its own. */
  errorOrigin = $state<'start' | 'import' | 'synthetic' | null>(null);
  lastImport = $state.raw<ImportReport | null>(null);
  /** Fraction (0–1) of a running synthetic-data generation, else null. */
  generation = $state<number | null>(null);

  #started: Promise<void> | undefined;
  /** The user's import (files or generated data) in flight: true when it succeeded. */
  #userImport: Promise<boolean> = noImport;
  #userImported = false;

  /** Whether the user has imported a dataset (waiting for one in flight). */
  async #userImportSucceeded(): Promise<boolean> {
    await this.#userImport;
    return this.#userImported;
  }

  /** Marks the start of a user's import; call the result with whether it succeeded. */
  #beginUserImport(): (ok: boolean) => void {
    let settle: (ok: boolean) => void = () => {};
    this.#userImport = new Promise<boolean>((resolve) => (settle = resolve));
    return (ok) => {
      if (ok) this.#userImported = true;
      settle(ok);
    };
  }
  /** Tells other tabs that the active dataset changed, so they reload it from IndexedDB. */
  #channel: BroadcastChannel | undefined;

  readonly ready = $derived(this.phase === 'ready' && this.status !== null);

  /** Boots DuckDB once, restores the persisted dataset, or loads the demo on first start. */
  start(): Promise<void> {
    this.#started ??= this.#boot();
    return this.#started;
  }

  #listen(): void {
    this.#channel = new BroadcastChannel('opsiq-dataset');
    this.#channel.onmessage = async (event: MessageEvent<{ id?: string | null }>) => {
      // Another tab made a dataset active: reload it from IndexedDB, unless it is the one
      // this tab already shows (every import gets a new id).
      if (event.data?.id && event.data.id === this.status?.id) return;
      const restored = await analyticsWorker().restore();
      if (restored) this.status = restored;
    };
  }

  #announce(): void {
    this.#channel?.postMessage({ type: 'dataset-changed', id: this.status?.id ?? null });
  }

  async #boot(): Promise<void> {
    this.phase = 'booting';
    this.activity = 'Starting DuckDB…';
    try {
      // A restarted engine (after a crash) boots again and restores the stored dataset.
      analyticsClient().onRestart(async (restarted) => {
        await restarted.init({ wasmUrl: assetUrl(__DUCKDB_WASM__) });
        const back = await restarted.restore();
        if (back) this.status = back;
      });
      const api = analyticsWorker();
      // The restore is asked for at once, not after init answers: it queues in the worker
      // behind the engine's start, so no round trip through a busy main thread lies between.
      const started = api.init({ wasmUrl: assetUrl(__DUCKDB_WASM__) });
      const early = this.#userImport === noImport ? api.restore() : null;
      early?.catch(() => undefined);
      const info = await started;
      this.duckdbVersion = info.duckdbVersion;
      this.#listen();
      // An import chosen while DuckDB was still starting is the newer dataset: restoring the
      // stored one behind it would read it back from IndexedDB (seconds on large data, which
      // the first run's monitor step waited for), and loading the demo would replace it. A
      // failed import leaves the boot to restore as usual.
      if (!(await this.#userImportSucceeded())) {
        this.activity = 'Restoring your dataset…';
        const restored = await (early ?? api.restore());
        if (restored && !this.#userImported) {
          this.status = restored;
          this.phase = 'ready';
        } else if (!restored && !(await this.#userImportSucceeded())) {
          await this.loadDemo();
        }
      }
      // Read by `npm run bench` (navigation → dataset ready); costs nothing otherwise.
      if (this.phase === 'ready') performance.mark('opsiq:dataset-ready');
    } catch (error) {
      this.#fail(error);
    }
  }

  /** Replaces the active dataset with the bundled demo data. */
  async loadDemo(): Promise<void> {
    this.phase = 'loading';
    this.activity = 'Loading the demo dataset…';
    try {
      const files = await fetchDemoFiles();
      const report = await analyticsWorker().importCsv({
        name: 'Demo data',
        source: 'demo',
        files
      });
      this.lastImport = report;
      this.status = report.status;
      this.phase = 'ready';
      this.#announce();
    } catch (error) {
      this.#fail(error);
    }
  }

  /**
   * Imports CSV files the user chose. A rejected import leaves the previous dataset active,
   * so the page keeps showing it beside the report of what was wrong.
   */
  async importFiles(
    files: readonly File[],
    name: string,
    mode: ImportMode = 'replace'
  ): Promise<ImportReport | null> {
    const previousPhase = this.phase;
    const settled = this.#beginUserImport();
    this.phase = 'loading';
    this.activity = `Checking and loading ${files.length} file${files.length === 1 ? '' : 's'}…`;
    this.error = null;
    try {
      // The File objects themselves: the worker streams over them and DuckDB reads them in
      // slices, so a 300 MB export is never read into memory whole on either side.
      const report = await analyticsWorker().importCsv({
        name,
        source: 'upload',
        files: files.map((f) => ({ fileName: f.name, data: f })),
        mode
      });
      this.lastImport = report;
      this.status = report.status;
      this.phase = 'ready';
      settled(true);
      this.#announce();
      return report;
    } catch (error) {
      settled(false);
      this.error = asOpsiqError(error);
      this.errorOrigin = 'import';
      this.phase = this.status ? 'ready' : previousPhase === 'error' ? 'error' : 'ready';
      return null;
    }
  }

  /**
   * Generates a labelled synthetic dataset in a worker and makes it the active dataset, with
   * its labels kept beside it for the QA Lab. Cancelling leaves the current dataset as it was.
   */
  async loadSynthetic(input: GenerateInput): Promise<ImportReport | null> {
    this.error = null;
    const settled = this.#beginUserImport();
    this.phase = 'generating';
    this.generation = 0;
    this.activity = `Generating ${input.scale} data (seed ${input.seed})…`;
    try {
      const generated = await generatorWorker().generate(
        input,
        Comlink.proxy((fraction: number) => {
          this.generation = fraction;
        })
      );
      this.phase = 'loading';
      this.activity = 'Checking and loading rows into DuckDB…';
      const report = await analyticsWorker().importCsv({
        name: `Synthetic ${input.scale} · seed ${input.seed}`,
        source: 'synthetic',
        files: generated.files,
        labels: generated.labels
      });
      this.lastImport = report;
      this.status = report.status;
      settled(true);
      this.#announce();
      return report;
    } catch (error) {
      settled(false);
      this.error = asOpsiqError(error);
      this.errorOrigin = 'synthetic';
      return null;
    } finally {
      this.generation = null;
      this.phase = this.status ? 'ready' : 'error';
    }
  }

  /** Stops a running generation. */
  cancelGeneration(): void {
    void generatorWorker().cancel();
  }

  /** Forgets the stored dataset and loads the demo again ("Reset demo"). */
  async resetToDemo(): Promise<void> {
    await analyticsWorker().clear();
    this.status = null;
    this.lastImport = null;
    this.error = null;
    await this.loadDemo();
  }

  #fail(error: unknown): void {
    this.error = asOpsiqError(error);
    this.errorOrigin = 'start';
    this.phase = 'error';
  }
}
