import type { DuckDBBindings } from '@duckdb/duckdb-wasm/blocking';
import type { AnalystApi } from '../contracts/analyst';
import type { DatasetStatus, QueryResult } from '../contracts/analytics';
import { OpsiqError } from '../contracts/errors';
import { AnalystSandbox, type TableSource } from './analyst-sandbox';

/** Keeps one sandbox per active dataset: rebuilt (a fresh copy) when the dataset changes. */
export class AnalystHost implements AnalystApi {
  readonly #source: TableSource & { status(): Promise<DatasetStatus | null> };
  readonly #createBindings: () => Promise<DuckDBBindings>;
  #current: { id: string; sandbox: Promise<AnalystSandbox> } | null = null;

  constructor(
    source: TableSource & { status(): Promise<DatasetStatus | null> },
    createBindings: () => Promise<DuckDBBindings>
  ) {
    this.#source = source;
    this.#createBindings = createBindings;
  }

  async #sandbox(): Promise<AnalystSandbox> {
    const status = await this.#source.status();
    if (!status) throw new OpsiqError('query_failed', 'No dataset is loaded yet.');
    if (this.#current?.id !== status.id) {
      const old = this.#current;
      this.#current = {
        id: status.id,
        sandbox: AnalystSandbox.fromService(this.#source, this.#createBindings)
      };
      if (old)
        void old.sandbox.then(
          (s) => s.close(),
          () => undefined
        );
      this.#current.sandbox.catch(() => (this.#current = null));
    }
    return this.#current.sandbox;
  }

  async analystQuery(sql: string, timeLimitMs?: number): Promise<QueryResult> {
    return (await this.#sandbox()).query(sql, timeLimitMs);
  }

  async analystCancel(): Promise<void> {
    if (this.#current) (await this.#current.sandbox).cancel();
  }
}
