import type { DuckDBBindings, DuckDBConnection } from '@duckdb/duckdb-wasm/blocking';
import { tableFromIPC } from 'apache-arrow';
import type { QueryResult } from '../contracts/analytics';
import { OpsiqError } from '../contracts/errors';
import type { TableName } from '../contracts/tables';
import { tableToJson } from './analytics/to-json';

/** Where the sandbox gets the dataset: each active table as an Arrow IPC stream. */
export interface TableSource {
  activeTables(): Promise<readonly TableName[]>;
  exportTable(name: TableName): Promise<Uint8Array>;
}

export const defaultTimeLimitMs = 15_000;

/**
 * The analyst's own DuckDB database: a separate instance that receives a copy of the dataset's
 * tables, then turns external access off and locks its configuration. The importer's database
 * keeps reading registered CSV files; SQL from the analyst (compiled, typed or from a model) can
 * reach no file, URL or extension, and cannot turn that back on. Queries run as pending queries
 * polled between macrotasks, so a time limit (or `cancel()`) interrupts them.
 */
export class AnalystSandbox {
  readonly #db: DuckDBBindings;
  readonly #conn: DuckDBConnection;
  #running: { cancelled: boolean } | null = null;

  private constructor(db: DuckDBBindings, conn: DuckDBConnection) {
    this.#db = db;
    this.#conn = conn;
  }

  static async create(
    createBindings: () => Promise<DuckDBBindings>,
    tables: readonly { name: TableName; ipc: Uint8Array }[]
  ): Promise<AnalystSandbox> {
    const db = await createBindings();
    db.open({});
    const conn = db.connect();
    conn.query('SET autoload_known_extensions = false; SET autoinstall_known_extensions = false');
    for (const t of tables) conn.insertArrowFromIPCStream(t.ipc, { name: t.name, create: true });
    conn.query('SET enable_external_access = false');
    conn.query('SET lock_configuration = true');
    return new AnalystSandbox(db, conn);
  }

  /** A sandbox holding a copy of the service's active tables. */
  static async fromService(
    source: TableSource,
    createBindings: () => Promise<DuckDBBindings>
  ): Promise<AnalystSandbox> {
    const names = await source.activeTables();
    const tables = [];
    for (const name of names) tables.push({ name, ipc: await source.exportTable(name) });
    return AnalystSandbox.create(createBindings, tables);
  }

  /** Runs one statement with a time limit; DuckDB's pending query is cancelled when it passes. */
  async query(sql: string, timeLimitMs = defaultTimeLimitMs): Promise<QueryResult> {
    if (this.#running) throw new OpsiqError('query_rejected', 'Another analyst query is running.');
    const token = { cancelled: false };
    this.#running = token;
    const started = Date.now();
    try {
      const bytes = await this.#conn.useUnsafe(async (b, id) => {
        let header: Uint8Array | null;
        try {
          header = b.startPendingQuery(id, sql, false);
          while (header === null) {
            if (token.cancelled || Date.now() - started > timeLimitMs) {
              b.cancelPendingQuery(id);
              throw new OpsiqError(
                'query_failed',
                token.cancelled
                  ? 'The query was cancelled.'
                  : `The query took longer than ${Math.round(timeLimitMs / 1000)} s and was stopped.`
              );
            }
            await new Promise((resolve) => setTimeout(resolve, 0));
            header = b.pollPendingQuery(id);
          }
        } catch (error) {
          if (error instanceof OpsiqError) throw error;
          throw new OpsiqError(
            'query_failed',
            error instanceof Error ? error.message : String(error)
          );
        }
        const chunks = [header];
        for (
          let chunk = b.fetchQueryResults(id);
          chunk && chunk.length > 0;
          chunk = b.fetchQueryResults(id)
        )
          chunks.push(chunk);
        return concat(chunks);
      });
      return tableToJson(tableFromIPC(bytes));
    } finally {
      this.#running = null;
    }
  }

  /** Stops the running query, if any. */
  cancel(): void {
    if (this.#running) this.#running.cancelled = true;
  }

  /** A setting's current value (for tests and the UI's safety note). */
  setting(name: string): string {
    const t = this.#conn.query(
      `SELECT current_setting(${`'${name.replace(/'/g, "''")}'`})::VARCHAR AS v`
    );
    return String(t.getChildAt(0)?.get(0));
  }

  tableNames(): string[] {
    const t = this.#conn.query('SELECT table_name FROM duckdb_tables() ORDER BY 1');
    const col = t.getChildAt(0);
    return Array.from({ length: t.numRows }, (_, i) => String(col?.get(i)));
  }

  close(): void {
    try {
      this.#conn.close();
      this.#db.reset();
    } catch {
      // Already gone.
    }
  }
}

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  const total = chunks.reduce((n, c) => n + c.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
