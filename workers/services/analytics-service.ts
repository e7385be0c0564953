import type { DuckDBBindings, DuckDBConnection } from '@duckdb/duckdb-wasm/blocking';
import { z } from 'zod';
import {
  importCsvInputSchema,
  initInputSchema,
  maxImportFiles,
  problemLimitPerFile,
  queryParamsSchema,
  sqlTextSchema,
  type AnalyticsApi,
  type DatasetStatus,
  type ImportCsvInput,
  type ImportProblem,
  type ImportReport,
  type InitInput,
  type InitResult,
  type QueryParam,
  type QueryResult
} from '../contracts/analytics';
import { OpsiqError } from '../contracts/errors';
import { tableNameSchema, tableNames, type TableName } from '../contracts/tables';
import { contentSize } from './analytics/csv-content';
import { defaultMaxFileBytes, defaultMaxImportBytes, prepareCsv } from './analytics/csv-file';
import { exportIpc } from './analytics/arrow-ipc';
import { buildStatus, datasetId } from './analytics/dataset-status';
import { lookalikeIdNotesOf } from './analytics/lookalike-check';
import { expandMappedFiles, translateProblems } from './analytics/mapped-import';
import {
  loadCsv,
  registerCopy,
  rowsOf,
  type LoadResult,
  type RegisterContent
} from './analytics/load-table';
import { crossCheck, danglingTable, type CheckedTable } from './analytics/cross-checks';
import { DatasetStore } from './analytics/persistence';
import { isMultipleStatementsError, readOnlyRejection } from './analytics/read-only-sql';
import { tableToJson } from './analytics/to-json';
import { ident } from './analytics/validation-sql';

/** Everything the service needs from its host; the browser worker and Node tests pass their own. */
export interface AnalyticsDependencies {
  /** Instantiated (not yet opened) synchronous DuckDB-WASM bindings. */
  readonly createBindings: (options: { wasmUrl: string | undefined }) => Promise<DuckDBBindings>;
  readonly idb: IDBFactory;
  /** Per-file size cap; `undefined` means 1 GB. */
  readonly maxFileBytes: number | undefined;
  /** Cap on the files of one import together; `undefined` means `defaultMaxImportBytes`. */
  readonly maxImportBytes?: number;
  /**
   * How DuckDB gets a file's content. The browser hands DuckDB the `File` itself (read lazily
   * with FileReaderSync); the default copies the bytes into DuckDB's memory.
   */
  readonly registerContent?: RegisterContent;
}

interface Engine {
  readonly db: DuckDBBindings;
  readonly conn: DuckDBConnection;
  readonly version: string;
}

const staging = (name: TableName) => `__stg_${name}`;
/** The in-memory catalog holding the dataset's tables (compressed, see `#start`). */
const datasetCatalog = 'opsiq';

/** Engine tasks timed so far (their User Timing entries are cleared every thousand). */
let measured = 0;

/** DuckDB-WASM over the billing tables: import, persistence, read-only queries. */
export class AnalyticsService implements AnalyticsApi {
  readonly #deps: AnalyticsDependencies;
  readonly #store: DatasetStore;
  #engine: Promise<Engine> | null = null;
  // Calls interleave at every `await`; the engine's tables must not change under a running call.
  #queue: Promise<unknown> = Promise.resolve();
  #status: DatasetStatus | null = null;
  #labels: unknown = null;

  constructor(deps: AnalyticsDependencies) {
    this.#deps = deps;
    this.#store = new DatasetStore(deps.idb);
  }

  async init(input: InitInput = {}): Promise<InitResult> {
    const { wasmUrl } = parse(initInputSchema, input, 'init');
    const engine = await this.#start(wasmUrl);
    return { duckdbVersion: engine.version };
  }

  async importCsv(input: ImportCsvInput): Promise<ImportReport> {
    const count = Array.isArray(input.files) ? input.files.length : 0;
    if (count > maxImportFiles)
      throw new OpsiqError(
        'import_rejected',
        `${count.toLocaleString('en')} CSV files were chosen; one import takes at most ${maxImportFiles}. OpsIQ reads seven tables (a Stripe export folder has six files): choose the billing exports only. Nothing was changed.`,
        { problems: [], problemsOmitted: 0 }
      );
    const parsed = parse(importCsvInputSchema, input, 'importCsv');
    return this.#exclusive(async ({ db, conn }) => {
      const maxBytes = this.#deps.maxFileBytes ?? defaultMaxFileBytes;
      const problems: ImportProblem[] = [];
      const notes: string[] = [];
      const loaded: LoadResult[] = [];
      const hashed: { fileName: string; digest: Uint8Array }[] = [];
      let problemsOmitted = 0;
      const rejectedTables = new Set<TableName>();
      const total = parsed.files.reduce(
        (n, f) => n + (typeof f.data === 'string' ? f.data.length : contentSize(f.data)),
        0
      );
      const maxTotal = this.#deps.maxImportBytes ?? defaultMaxImportBytes;
      if (total > maxTotal) {
        const mb = (n: number) => `${Math.round(n / 1024 ** 2).toLocaleString('en')} MB`;
        throw new OpsiqError(
          'import_rejected',
          `These files are ${mb(total)} together; one import can hold at most ${mb(maxTotal)} of CSV (DuckDB runs in this browser in at most 4 GB of memory). Load a shorter period or fewer tables at a time (use "add to it" for the rest).`,
          { problems: [], problemsOmitted: 0 }
        );
      }
      dropStaging(conn);
      const register = this.#deps.registerContent ?? registerCopy;
      try {
        // Exports that are not OpsIQ's own tables are mapped onto them first (mapped-import.ts).
        const expansion = await expandMappedFiles(
          db,
          conn,
          parsed.files,
          parsed.mappings,
          register
        );
        problems.push(...expansion.problems);
        notes.push(...expansion.notes);
        for (const p of expansion.problems)
          if (p.table && p.line === 1) rejectedTables.add(p.table);
        for (const file of expansion.files) {
          const csv = await prepareCsv(file.fileName, file.data, maxBytes);
          if (!csv.ok) {
            if (csv.table) rejectedTables.add(csv.table);
            problems.push({
              ...(csv.table ? { table: csv.table } : {}),
              file: file.fileName,
              ...(csv.line === undefined ? {} : { line: csv.line }),
              ...(csv.column === undefined ? {} : { column: csv.column }),
              reason: csv.reason
            });
            continue;
          }
          const earlier = loaded.find((t) => t.table === csv.spec.name);
          if (earlier) {
            problems.push({
              table: csv.spec.name,
              file: file.fileName,
              reason: `${csv.spec.name} is already loaded from ${earlier.file}: give one file per table`
            });
            continue;
          }
          const result = await loadCsv(
            db,
            conn,
            csv,
            staging(csv.spec.name),
            problemLimitPerFile,
            register
          );
          if ('failed' in result) {
            rejectedTables.add(csv.spec.name);
            problems.push({
              table: csv.spec.name,
              file: file.fileName,
              reason: result.failed,
              ...(result.technical ? { technical: result.technical } : {})
            });
            continue;
          }
          notes.push(...csv.notes);
          loaded.push(result);
          if (result.rowsLoaded === 0 && result.rowsRejected === 0)
            problems.push({
              table: csv.spec.name,
              file: file.fileName,
              line: 1,
              severity: 'warning',
              reason: 'the file has a header (line 1) but no rows below it'
            });
          hashed.push({ fileName: file.fileName, digest: csv.digest });
          problems.push(...result.problems);
          problemsOmitted += result.problemsOmitted;
        }
        if (!loaded.some((t) => t.rowsLoaded > 0)) {
          problems.splice(0, problems.length, ...(await translateProblems(expansion, problems)));
          const summary = problems
            .slice(0, 5)
            .map((p) => `${p.file}: ${p.reason}`)
            .join('; ');
          throw new OpsiqError(
            'import_rejected',
            `No table could be loaded, so the current dataset stays active. ${summary}`,
            { problems, problemsOmitted }
          );
        }
        const imported = new Set(loaded.map((t) => t.table));
        const previous = this.#status;
        const kept =
          parsed.mode === 'add' && previous
            ? previous.tables.filter((t) => !imported.has(t.name))
            : [];
        const tableIn = (name: TableName) => (imported.has(name) ? staging(name) : name);
        const checked: CheckedTable[] = [
          ...loaded.map((t) => ({
            name: t.table,
            sqlName: staging(t.table),
            columns: t.columns,
            file: t.file,
            linesOf: t.linesOf
          })),
          ...kept.map((t) => ({ name: t.name, sqlName: t.name, columns: t.columns }))
        ];
        const cross = await crossCheck(conn, checked, problemLimitPerFile);
        notes.push(...lookalikeIdNotesOf(conn, checked));
        problems.push(...cross.problems);
        problemsOmitted += cross.omitted;
        const id = await datasetId(parsed.name, [
          ...hashed,
          ...(kept.length > 0 && previous
            ? [{ fileName: `\u0000kept:${previous.id}`, digest: new Uint8Array() }]
            : [])
        ]);
        const dataset = buildStatus(
          conn,
          { id, name: parsed.name, source: parsed.source },
          [...loaded.map((t) => ({ ...t, name: t.table, rowCount: t.rowsLoaded })), ...kept],
          tableIn,
          cross.plausibleBefore
        );
        if (previous && previous.id !== id) {
          const earlier = [
            { id: previous.id, name: previous.name, asOf: previous.asOf },
            ...(previous.earlier ?? []).filter((e) => e.id !== id && e.id !== previous.id)
          ];
          dataset.earlier = earlier.slice(0, 20);
        }
        if (expansion.virtual.length > 0) {
          problems.splice(0, problems.length, ...(await translateProblems(expansion, problems)));
          const provenance = expansion.provenance;
          dataset.tables = dataset.tables.map((t) => ({
            ...t,
            ...(provenance[t.name]?.derivedFrom
              ? { derivedFrom: provenance[t.name]!.derivedFrom }
              : {}),
            ...(provenance[t.name]?.caveat ? { caveat: provenance[t.name]!.caveat } : {})
          }));
          if (expansion.unsupported.length > 0)
            dataset.unsupported = expansion.unsupported.map((u) => ({
              detector: u.type,
              reason: u.reason
            }));
        }
        const shownFile = (file: string) =>
          expansion.virtual.some((v) => v.fileName === file)
            ? `${file.replace(/^mapped\/|\.csv$/g, '')} (mapped from ${expansion.sources
                .filter((s) => s.outputs.some((o) => `mapped/${o.table}.csv` === file))
                .map((s) => s.file)
                .join(', ')})`
            : file;
        const report: ImportReport = {
          status: dataset,
          tables: loaded.map(
            ({ table, file, delimiter, rowsLoaded, rowsRejected, extraColumns, elapsedMs }) => ({
              table,
              file: shownFile(file),
              delimiter,
              rowsLoaded,
              rowsRejected: rowsRejected + (expansion.rejected[table] ?? 0),
              extraColumns,
              warnings: cross.warnings.get(table) ?? 0,
              ...(elapsedMs === undefined ? {} : { elapsedMs })
            })
          ),
          problems,
          problemsOmitted,
          notes,
          persisted: parsed.persist,
          mode: parsed.mode,
          keptTables: kept.map((t) => t.name),
          droppedTables: [...rejectedTables].filter(
            (t) => !dataset.tables.some((d) => d.name === t)
          ),
          ...(cross.asOfNote ? { asOfNote: cross.asOfNote } : {}),
          ...(expansion.sources.length > 0 ? { mapped: [...expansion.sources] } : {})
        };
        const allTables = dataset.tables.map((t) => t.name);
        if (parsed.persist) {
          await this.#store.save(
            {
              id,
              status: dataset,
              report,
              labels: parsed.labels,
              tables: allTables
            },
            (name) => exportIpc(conn, tableIn(name))
          );
        }
        activate(
          conn,
          loaded.map((t) => t.table),
          kept.map((t) => t.name)
        );
        this.#status = dataset;
        this.#labels = parsed.labels ?? null;
        return report;
      } finally {
        dropStaging(conn);
      }
    });
  }

  status(): Promise<DatasetStatus | null> {
    return Promise.resolve(this.#status);
  }

  labels(): Promise<unknown> {
    return Promise.resolve(this.#labels);
  }

  restore(): Promise<DatasetStatus | null> {
    performance.mark('opsiq:restore:called');
    return this.#exclusive(async ({ conn }) => {
      const t0 = performance.now();
      const stored = await this.#store.loadActive();
      if (!stored) return null;
      // Start-up phases for the bench (User Timing): IndexedDB reads, Arrow inserts.
      performance.measure('opsiq:restore:meta', { start: t0 });
      dropStaging(conn);
      try {
        for (const name of stored.tables) {
          // One table in memory at a time: read, hand to DuckDB, let go.
          const t1 = performance.now();
          const ipc = await stored.readTable(name);
          const t2 = performance.now();
          performance.measure('opsiq:restore:idb', { start: t1, end: t2, detail: name });
          conn.insertArrowFromIPCStream(ipc, { name: staging(name), create: true });
          performance.measure('opsiq:restore:insert', { start: t2, detail: name });
          const [row] = rowsOf(conn, `SELECT count(*)::DOUBLE AS n FROM ${ident(staging(name))}`);
          const expected = stored.status.tables.find((t) => t.name === name)?.rowCount;
          if (row?.n !== expected) {
            throw new OpsiqError(
              'state_corrupted',
              `The saved dataset could not be read (${name} has ${String(row?.n)} rows, expected ${String(expected)}); load your data again.`
            );
          }
        }
        activate(conn, stored.tables);
      } catch (error) {
        if (error instanceof OpsiqError) throw error;
        throw new OpsiqError(
          'state_corrupted',
          `The saved dataset could not be read (${errorMessage(error)}); load your data again.`
        );
      } finally {
        dropStaging(conn);
      }
      this.#status = stored.status;
      this.#labels = stored.labels ?? null;
      return stored.status;
    });
  }

  clear(): Promise<void> {
    return this.#exclusive(async ({ conn }) => {
      activate(conn, []);
      this.#status = null;
      this.#labels = null;
      await this.#store.clear();
    });
  }

  query(sql: string): Promise<QueryResult> {
    return this.queryWithParams(sql, []);
  }

  /** The active tables (for the analyst's sandbox, which copies them). */
  activeTables(): Promise<TableName[]> {
    return Promise.resolve(
      (this.#status?.tables ?? []).map((t) => t.name).filter((n) => tableNames.includes(n))
    );
  }

  /** One active table as an Arrow IPC stream. */
  exportTable(name: TableName): Promise<Uint8Array> {
    const table = parse(tableNameSchema, name, 'exportTable');
    return this.#exclusive(({ conn }) => exportIpc(conn, table));
  }

  async queryWithParams(sql: string, params: QueryParam[]): Promise<QueryResult> {
    const text = parse(sqlTextSchema, sql, 'query');
    const values = parse(queryParamsSchema, params, 'query parameters');
    const rejection = readOnlyRejection(text);
    if (rejection) throw new OpsiqError('query_rejected', rejection);
    const queued = performance.now();
    return this.#exclusive(({ conn }) => {
      const started = performance.now();
      try {
        return runReadOnly(conn, text, values);
      } finally {
        // User Timing in the worker (DevTools, and the click bench reads it): queue wait vs run.
        performance.measure('opsiq:query', {
          start: started,
          detail: { sql: text.replace(/\s+/g, ' ').slice(0, 120), waitMs: started - queued }
        });
      }
    });
  }

  #start(wasmUrl: string | undefined): Promise<Engine> {
    this.#engine ??= (async () => {
      const db = await this.#deps.createBindings({ wasmUrl });
      db.open({});
      performance.mark('opsiq:duckdb:opened');
      const conn = db.connect();
      // Offline, an extension download hangs: a stray read_json or ::JSON must fail at once.
      conn.query('SET autoload_known_extensions = false; SET autoinstall_known_extensions = false');
      // The tables live in a compressed in-memory catalog: DuckDB's default in-memory database
      // stores them uncompressed (1.4× the CSV); compressed they take about 0.3× for ~20% more
      // CPU in the read. This is what keeps a large import inside the memory budget (README).
      conn.query(`ATTACH ':memory:' AS ${datasetCatalog} (COMPRESS); USE ${datasetCatalog}`);
      return { db, conn, version: db.getVersion() };
    })().catch((error: unknown) => {
      this.#engine = null;
      if (error instanceof OpsiqError) throw error;
      throw new OpsiqError('engine_failed', `DuckDB could not start: ${errorMessage(error)}`);
    });
    return this.#engine;
  }

  #exclusive<T>(task: (engine: Engine) => Promise<T> | T): Promise<T> {
    const queued = performance.now();
    const run = this.#queue.then(async () => {
      const started = performance.now();
      try {
        return await task(await this.#start(undefined));
      } finally {
        // Every engine task, with how long it queued (DevTools; the probes read it).
        // Bounded: a long session's thousands of queries must not pile up timing entries.
        if (++measured % 1000 === 0) {
          performance.clearMeasures('opsiq:exclusive');
          performance.clearMeasures('opsiq:query');
        }
        performance.measure('opsiq:exclusive', {
          start: started,
          detail: { waitMs: started - queued }
        });
      }
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }
}

function parse<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success)
    throw new OpsiqError(
      'invalid_input',
      `Invalid ${what} input: ${z.prettifyError(result.error)}`
    );
  return result.data;
}

/** Replaces the active tables with the staged ones, atomically; `kept` tables stay as they are. */
function activate(
  conn: DuckDBConnection,
  staged: readonly TableName[],
  kept: readonly TableName[] = []
): void {
  const statements = [
    ...tableNames.filter((n) => !kept.includes(n)).map((n) => `DROP TABLE IF EXISTS ${ident(n)}`),
    ...staged.map((n) => `ALTER TABLE ${ident(staging(n))} RENAME TO ${ident(n)}`)
  ];
  conn.query('BEGIN TRANSACTION');
  try {
    for (const statement of statements) conn.query(statement);
    conn.query('COMMIT');
  } catch (error) {
    conn.query('ROLLBACK');
    throw new OpsiqError(
      'engine_failed',
      `The dataset could not be activated: ${errorMessage(error)}`
    );
  }
}

function dropStaging(conn: DuckDBConnection): void {
  conn.query(
    [...tableNames.map(staging), danglingTable]
      .map((n) => `DROP TABLE IF EXISTS ${ident(n)};`)
      .join(' ')
  );
}

function runReadOnly(conn: DuckDBConnection, sql: string, params: QueryParam[]): QueryResult {
  conn.query('BEGIN TRANSACTION');
  let statement: ReturnType<DuckDBConnection['prepare']> | undefined;
  try {
    try {
      statement = conn.prepare(sql);
    } catch (error) {
      const message = errorMessage(error);
      if (isMultipleStatementsError(message))
        throw new OpsiqError('query_rejected', 'Only one statement may run at a time.');
      throw new OpsiqError('query_failed', message);
    }
    try {
      return tableToJson(statement.query(...params));
    } catch (error) {
      throw new OpsiqError('query_failed', errorMessage(error));
    }
  } finally {
    statement?.close();
    conn.query('ROLLBACK');
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
