import { z } from 'zod';
import { mappingFileSchema } from '../../src/lib/domain/mapping/mapping-file';
import { tableNameSchema } from './tables';

/**
 * The typed API of `workers/analytics.worker.ts`, shared by the worker and its main-thread
 * client (`Comlink.wrap<AnalyticsApi>`). Every payload is validated with these schemas where it
 * enters the worker; every result is plain JSON-safe data (numbers, ISO strings, no BigInt).
 * Errors are `OpsiqError`s (see `./errors`).
 */

export const initInputSchema = z.object({
  /** URL of `duckdb-eh.wasm`; required in the browser, ignored in Node. */
  wasmUrl: z.string().min(1).optional()
});
export type InitInput = z.input<typeof initInputSchema>;

export const initResultSchema = z.object({ duckdbVersion: z.string() });
export type InitResult = z.infer<typeof initResultSchema>;

export const datasetSources = ['demo', 'upload', 'synthetic'] as const;
export const datasetSourceSchema = z.enum(datasetSources);

export const csvFileSchema = z.object({
  fileName: z.string().trim().min(1).max(255),
  // Any Uint8Array (Node's Buffer too); `z.instanceof` would narrow the type to ArrayBuffer-backed.
  // A `Blob`/`File` is the cheap way in from the browser: it is read lazily, never copied whole.
  data: z.union([
    z.string(),
    z.custom<Uint8Array>((v) => v instanceof Uint8Array, 'expected text or bytes'),
    z.custom<Blob>((v) => typeof Blob !== 'undefined' && v instanceof Blob, 'expected a file')
  ])
});
export type CsvFile = z.infer<typeof csvFileSchema>;

/** Files one import takes: far more than the seven tables or a billing system's export folder. */
export const maxImportFiles = 50;

export const importCsvInputSchema = z.object({
  name: z.string().trim().min(1).max(200),
  source: datasetSourceSchema,
  files: z.array(csvFileSchema).min(1).max(maxImportFiles),
  /** Save to IndexedDB (default). Off only for throw-away loads such as benchmarks. */
  persist: z.boolean().default(true),
  /**
   * The ground truth of a generated dataset (data/generator `labels`), kept and persisted with
   * it for the QA Lab. Opaque here: its reader validates it with the generator's schema.
   */
  labels: z.unknown().optional(),
  /**
   * `replace` (default): the files become the whole dataset. `add`: tables not in the import are
   * kept from the active dataset (a table in the import still replaces its old version).
   */
  mode: z.enum(['replace', 'add']).default('replace'),
  /**
   * Confirmed column mappings (`opsiq-mapping` files) for exports that are not OpsIQ's own
   * tables; each applies to the files with its header signature. Without one, a known export
   * (Stripe's) is mapped by its preset's suggestion.
   */
  mappings: z.array(mappingFileSchema).max(100).default([])
});
export type ImportMode = 'replace' | 'add';
export type ImportCsvInput = z.input<typeof importCsvInputSchema>;

export const datasetTableSchema = z.object({
  name: tableNameSchema,
  /** Plain words, when the rows were derived from another kind of row (a mapped export). */
  derivedFrom: z.string().optional(),
  /** A limit of such rows, in plain words. */
  caveat: z.string().optional(),
  rowCount: z.number().int().nonnegative(),
  /** Every column of the loaded table, contract columns first, then extras. */
  columns: z.array(z.string()),
  /** Columns the contract does not name; kept as text. */
  extraColumns: z.array(z.string())
});
export type DatasetTable = z.infer<typeof datasetTableSchema>;

export const datasetStatusSchema = z.object({
  id: z.string().min(1),
  name: z.string(),
  source: datasetSourceSchema,
  tables: z.array(datasetTableSchema),
  missingTables: z.array(tableNameSchema),
  /** Latest event date across invoices, payments, refunds, usage and signals (UTC). */
  asOf: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .nullable(),
  /** Same instant as `YYYY-MM-DDTHH:MM:SS.sssZ`. */
  asOfTimestamp: z.string().nullable(),
  /**
   * The datasets loaded before this one on this browser, newest first (at most 20), so runs
   * made on them can be labelled with the dataset they came from.
   */
  earlier: z
    .array(z.object({ id: z.string(), name: z.string(), asOf: z.string().nullable() }))
    .max(20)
    .optional(),
  /** Detectors these files cannot support (a mapped export without a tier, ...), with why. */
  unsupported: z.array(z.object({ detector: z.string(), reason: z.string() })).optional()
});
export type DatasetStatus = z.infer<typeof datasetStatusSchema>;

export const importProblemSchema = z.object({
  table: tableNameSchema.optional(),
  file: z.string(),
  /** 1-based physical line in the file; the header is line 1. */
  line: z.number().int().positive().optional(),
  column: z.string().optional(),
  reason: z.string(),
  /** `error` (default): the row or file was not loaded. `warning`: loaded, but worth a look. */
  severity: z.enum(['error', 'warning']).optional(),
  /** The engine's own message, for the "technical details" fold; never the reason itself. */
  technical: z.string().optional()
});
export type ImportProblem = z.infer<typeof importProblemSchema>;

export const importedTableSchema = z.object({
  table: tableNameSchema,
  file: z.string(),
  /** `,` unless the header showed another delimiter. */
  delimiter: z.string(),
  rowsLoaded: z.number().int().nonnegative(),
  rowsRejected: z.number().int().nonnegative(),
  extraColumns: z.array(z.string()),
  /** Rows loaded but flagged (dangling references, implausible dates). */
  warnings: z.number().int().nonnegative().optional(),
  /** Wall time of this table's load in the worker (for benchmarks; not part of the dataset). */
  elapsedMs: z.number().nonnegative().optional()
});
export type ImportedTable = z.infer<typeof importedTableSchema>;

/** One export file mapped onto OpsIQ's tables: what it was taken for and where each column came from. */
export const mappedSourceSchema = z.object({
  file: z.string(),
  recognisedAs: z.string(),
  preset: z.string().nullable(),
  signature: z.string(),
  headers: z.array(z.string()),
  outputs: z.array(
    z.object({
      table: tableNameSchema,
      rows: z.number().int().nonnegative(),
      columns: z.array(
        z.object({
          column: z.string(),
          from: z.string().nullable(),
          constant: z.string().optional(),
          derived: z.string().optional(),
          source: z.string().nullable(),
          transforms: z.array(z.string())
        })
      ),
      derivedFrom: z.string().optional(),
      caveat: z.string().optional()
    })
  )
});
export type MappedSource = z.infer<typeof mappedSourceSchema>;

export const importReportSchema = z.object({
  /** The dataset now active. */
  status: datasetStatusSchema,
  tables: z.array(importedTableSchema),
  /** At most `problemLimitPerFile` per file, in line order. */
  problems: z.array(importProblemSchema),
  /** Problems found but not listed, because of the per-file cap. */
  problemsOmitted: z.number().int().nonnegative(),
  /** Things worth saying that are not problems (e.g. a `;` delimiter was detected). */
  notes: z.array(z.string()),
  persisted: z.boolean(),
  /** What happened to the tables that were not in the import (absent in older reports). */
  mode: z.enum(['replace', 'add']).optional(),
  /** `add`: tables kept from the previous dataset. */
  keptTables: z.array(tableNameSchema).optional(),
  /** Tables whose file was rejected whole: the dataset has no such table now. */
  droppedTables: z.array(tableNameSchema).optional(),
  /** Why the as-of date left some rows out (implausible dates), when it did. */
  asOfNote: z.string().optional(),
  /** Files that were mapped onto OpsIQ's tables, and how each column was found. */
  mapped: z.array(z.lazy(() => mappedSourceSchema)).optional()
});
export type ImportReport = z.infer<typeof importReportSchema>;

export const problemLimitPerFile = 100;

export const sqlTextSchema = z.string().trim().min(1, 'The query is empty.').max(200_000);
export const queryParamSchema = z.union([z.string(), z.number(), z.boolean(), z.null()]);
export type QueryParam = z.infer<typeof queryParamSchema>;
export const queryParamsSchema = z.array(queryParamSchema).max(1000);

/**
 * Column types of a query result, as the JSON values carry them: `integer`, `decimal` and
 * `number` are JS numbers (a 64-bit integer beyond 2^53 becomes a decimal string); `timestamp`
 * is `YYYY-MM-DDTHH:MM:SS.sssZ` (naive timestamps are UTC); `date` is `YYYY-MM-DD`; `time` is
 * `HH:MM:SS[.ffffff]`; `other` (lists, structs, intervals) is JSON text.
 */
export const resultTypes = [
  'integer',
  'decimal',
  'number',
  'text',
  'boolean',
  'timestamp',
  'date',
  'time',
  'other'
] as const;
export const resultValueSchema = z.union([z.string(), z.number(), z.boolean(), z.null()]);
export type ResultValue = z.infer<typeof resultValueSchema>;

export const queryResultSchema = z.object({
  columns: z.array(z.object({ name: z.string(), type: z.enum(resultTypes) })),
  rows: z.array(z.record(z.string(), resultValueSchema))
});
export type QueryResult = z.infer<typeof queryResultSchema>;

export interface AnalyticsApi {
  /** Starts DuckDB once; later calls return the same result. */
  init(input?: InitInput): Promise<InitResult>;
  /** Loads CSV files as the new active dataset (staged: a rejected import changes nothing). */
  importCsv(input: ImportCsvInput): Promise<ImportReport>;
  /** The active dataset, or null when none is loaded. */
  status(): Promise<DatasetStatus | null>;
  /** Loads the dataset saved in IndexedDB; null when nothing is stored. */
  restore(): Promise<DatasetStatus | null>;
  /** Drops the active dataset from DuckDB and IndexedDB. */
  clear(): Promise<void>;
  /** The labels stored with the active dataset (synthetic data only), else null. */
  labels(): Promise<unknown>;
  /** Runs one read-only statement, inside a transaction that is always rolled back. */
  query(sql: string): Promise<QueryResult>;
  /** As `query`, with `?`/`$1` parameters bound by a prepared statement. */
  queryWithParams(sql: string, params: QueryParam[]): Promise<QueryResult>;
}
