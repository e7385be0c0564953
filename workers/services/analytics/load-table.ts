import type { DuckDBBindings, DuckDBConnection } from '@duckdb/duckdb-wasm/blocking';
import type { ImportProblem, ImportedTable } from '../../contracts/analytics';
import type { ColumnSpec } from '../../contracts/tables';
import { readRange, type CsvContent } from './csv-content';
import { splitHeader, type AcceptedCsv } from './csv-file';
import { CsvLineIndex, type RejectedRecord } from './csv-lines';
import { checkReason, ident, literal, readType, typedExpr, type CheckKind } from './validation-sql';

/**
 * Loads one accepted CSV into a typed staging table, on DuckDB's own reader:
 *  1. `planColumns`: what each file column is read as and how it is stored;
 *  2. a typed `read_csv` (`__raw`): DuckDB parses timestamps and numbers itself, and rejects
 *     the records it cannot read (`store_rejects`); a clean file is read once, strictly;
 *  3. set-based SQL over the typed rows for what the reader cannot check (money with currency
 *     signs, empty ids, `> 0`, duplicate ids, finite numbers) and TypeScript for JSON payloads;
 *  4. the rows without errors are stored into `target`.
 * Physical line numbers are computed only when there is something to report.
 */

export interface LoadResult extends ImportedTable {
  readonly columns: string[];
  readonly problems: ImportProblem[];
  readonly problemsOmitted: number;
  /** Physical lines of rows of `target` (by rowid), for the checks across tables. */
  readonly linesOf: (rowids: readonly number[]) => Promise<(number | undefined)[]>;
}

/**
 * One column of the file as the importer reads and stores it. This is the seam for a column
 * mapping / transform step (issue #13: exports whose headers and formats differ from the
 * contract): such a step maps header columns to contract columns (`spec`) before the read and
 * may give `store` another expression over the read value; the read, the checks and the line
 * mapping below stay as they are.
 */
export interface ColumnPlan {
  /** Position in the file (0-based); DuckDB reads it as column `raw`. */
  readonly index: number;
  readonly raw: string;
  /** Name in the stored table. */
  readonly name: string;
  /** The contract column, or null for an extra column (kept as text). */
  readonly spec: ColumnSpec | null;
  /** DuckDB type of the read. */
  readonly readAs: string;
  /** SQL expression for the stored value, over `raw`. */
  readonly store: string;
}

export function planColumns(csv: AcceptedCsv): ColumnPlan[] {
  return csv.columns.map((c) => {
    const raw = `c${c.index}`;
    return {
      index: c.index,
      raw,
      name: c.name,
      spec: c.spec,
      readAs: c.spec ? readType(c.spec) : 'VARCHAR',
      store: c.spec ? typedExpr(c.spec, raw) : raw
    };
  });
}

/** DuckDB's default `max_line_size`, stated in messages. */
export const maxLineBytes = 2_097_152;

/** `read_csv`'s buffer: at least one line (`maxLineBytes`). */
export const readBufferBytes = 4 * maxLineBytes;

/** The `read_csv` options for a planned file (no auto-detection: the contract decides). */
export function readOptions(csv: AcceptedCsv, plan: readonly ColumnPlan[]): string {
  const columns = plan.map((c) => `${literal(c.raw)}: '${c.readAs}'`).join(', ');
  // Lines ending partly in LF, partly in CR LF are valid CSV; DuckDB's strict parser refuses them.
  const lenient = csv.mixedLineEndings ? ', strict_mode=false' : '';
  // Read buffers of 8 MB instead of DuckDB's 32 MB: the same speed, and ~100 MB less peak
  // memory on a large file (DuckDB-WASM's heap never shrinks, so the read's peak stays).
  return `header=true, auto_detect=false, columns={${columns}}, delim=${literal(csv.delimiter)}, quote='"', escape='"', max_line_size=${maxLineBytes}, buffer_size=${readBufferBytes}${lenient}`;
}

/** The SELECT list that stores the planned columns: contract columns in contract order, then extras. */
export function storeSelect(csv: AcceptedCsv, plan: readonly ColumnPlan[]): ColumnPlan[] {
  const known = plan.filter((c) => c.spec !== null);
  return [
    ...csv.spec.columns.flatMap((s) => known.filter((c) => c.spec === s)),
    ...plan.filter((c) => c.spec === null)
  ];
}

/**
 * The one pass over the file: DuckDB's typed read, stored straight into the table. Each money
 * column also keeps its text where it did not parse (or is not > 0 where it must be), so a
 * message can quote it; these `__txt_*` columns are dropped before the table is used.
 */
export interface LoadSql {
  readonly select: string;
  readonly hidden: readonly string[];
  readonly checks: readonly LoadCheck[];
}

interface LoadCheck {
  readonly column: string;
  readonly kind: CheckKind;
  /** True when the row is in error, over the loaded columns. */
  readonly failing: string;
  /** The value quoted in the message. */
  readonly value: string;
}

export function loadSql(csv: AcceptedCsv, plan: readonly ColumnPlan[]): LoadSql {
  const stored = storeSelect(csv, plan);
  const parts = stored.map((c) => `${c.store} AS ${ident(c.name)}`);
  const hidden: string[] = [];
  const checks: LoadCheck[] = [];
  for (const [k, c] of stored.entries()) {
    const spec = c.spec;
    if (!spec) continue;
    const col = ident(c.name);
    const check = (kind: CheckKind, failing: string, value: string) =>
      checks.push({ column: spec.name, kind, failing, value });
    if (spec.type === 'decimal') {
      const txt = `__txt_${k}`;
      hidden.push(txt);
      const notPositive = spec.positive ? ` OR ${c.store} <= 0` : '';
      parts.push(
        `CASE WHEN ${c.store} IS NULL${notPositive} THEN NULLIF(trim(${c.raw}), '') END AS ${txt}`
      );
      if (spec.notNull) check('empty', `${col} IS NULL AND ${txt} IS NULL`, 'NULL');
      check('money', `${col} IS NULL AND ${txt} IS NOT NULL`, txt);
      if (spec.positive) check('positive', `${col} <= 0`, txt);
      continue;
    }
    if (spec.notNull) check('empty', `${col} IS NULL`, 'NULL');
    if (spec.type === 'number') check('number', `NOT isfinite(${col})`, `${col}::VARCHAR`);
  }
  return { select: parts.join(', '), hidden, checks };
}

/** The SQL that collects the row errors of `table` into `(rec, col, kind, val, ref)` rows. */
export function rowCheckSql(sql: LoadSql, table = '__load'): string[] {
  return sql.checks.map(
    (ch) =>
      `SELECT rowid AS rec, ${literal(ch.column)} AS col, '${ch.kind}' AS kind, ${ch.value}::VARCHAR AS val, NULL::BIGINT AS ref FROM ${table} WHERE ${ch.failing}`
  );
}

type Row = Record<string, unknown>;

export function rowsOf(conn: DuckDBConnection, sql: string): Row[] {
  return conn
    .query(sql)
    .toArray()
    .map((r: { toJSON(): Row }) => r.toJSON());
}

function num(value: unknown): number {
  return typeof value === 'bigint' ? Number(value) : Number(value ?? 0);
}

let fileCounter = 0;

/** Makes `content` readable by DuckDB under `name`: a `Blob` is read by DuckDB lazily where the host can. */
export type RegisterContent = (
  db: DuckDBBindings,
  name: string,
  content: CsvContent
) => void | Promise<void>;

/** Copies the bytes into DuckDB's memory: the Node host, and any in-memory content. */
export async function registerCopy(
  db: DuckDBBindings,
  name: string,
  content: CsvContent
): Promise<void> {
  db.registerFileBuffer(
    name,
    content instanceof Uint8Array ? content : new Uint8Array(await content.arrayBuffer())
  );
}

export async function loadCsv(
  db: DuckDBBindings,
  conn: DuckDBConnection,
  csv: AcceptedCsv,
  target: string,
  limit: number,
  register: RegisterContent
): Promise<LoadResult | { failed: string; technical?: string }> {
  const started = performance.now();
  const fileId = `opsiq_import_${++fileCounter}.csv`;
  await register(db, fileId, csv.content);
  const plan = planColumns(csv);
  try {
    const sql = loadSql(csv, plan);
    const read = readTyped(conn, csv, plan, sql, fileId);
    if ('failed' in read) return read;
    collectRowErrors(conn, csv, sql);
    const [counts] = rowsOf(
      conn,
      'SELECT count(DISTINCT rec) AS rejected, count(*) AS total FROM __errs'
    );
    const rowErrors = { rejected: num(counts?.rejected), total: num(counts?.total) };
    const stored = storeSelect(csv, plan);
    if (rowErrors.total > 0) {
      // Rare: copy the good rows. A clean file's table is used as read (no copy).
      const names = stored.map((c) => ident(c.name)).join(', ');
      conn.query(
        `CREATE TABLE ${ident(target)} AS SELECT ${names} FROM __load WHERE rowid NOT IN (SELECT DISTINCT rec FROM __errs)`
      );
    } else {
      for (const h of sql.hidden) conn.query(`ALTER TABLE __load DROP COLUMN ${h}`);
      conn.query(`ALTER TABLE __load RENAME TO ${ident(target)}`);
    }
    const [loaded] = rowsOf(conn, `SELECT count(*) AS n FROM ${ident(target)}`);
    const errRecs =
      rowErrors.total > 0
        ? rowsOf(conn, 'SELECT DISTINCT rec FROM __errs ORDER BY rec').map((r) => num(r.rec))
        : [];

    // The line index is built once, on demand, and kept for the checks across tables.
    let index: Promise<CsvLineIndex> | null = null;
    const lineIndex = () => (index ??= CsvLineIndex.of(csv.content, read.records));
    const rawRow = (stagedRowid: number) => {
      let r = stagedRowid;
      for (const e of errRecs) {
        if (e <= r) r++;
        else break;
      }
      return r;
    };
    const linesOf = async (rowids: readonly number[]) => {
      const idx = await lineIndex();
      return rowids.map((id) => idx.lineOfRow(rawRow(id)));
    };

    let swallowed = 0;
    let listed: ImportProblem[] = [];
    if (read.records.length + rowErrors.total > 0) {
      const idx = await lineIndex();
      const rejectProblems: ImportProblem[] = [];
      for (const [i, d] of read.details.slice(0, limit).entries())
        rejectProblems.push(...(await rejectProblem(csv, plan, d, idx.spanOfRejected(i))));
      for (const [i, d] of read.details.entries()) {
        if (d.swallows) {
          const span = idx.spanOfRejected(i);
          if (span) swallowed += span.last - span.first;
        }
      }
      listed = [...rejectProblems, ...rowProblems(conn, csv, idx, limit)]
        .sort((a, b) => (a.line ?? 0) - (b.line ?? 0))
        .slice(0, limit);
    }
    return {
      table: csv.spec.name,
      file: csv.fileName,
      delimiter: csv.delimiter,
      rowsLoaded: num(loaded?.n),
      rowsRejected: read.records.length + swallowed + rowErrors.rejected,
      columns: stored.map((c) => c.name),
      extraColumns: [...csv.extraColumns],
      problems: listed,
      problemsOmitted: Math.max(0, read.problemCount + rowErrors.total - listed.length),
      elapsedMs: Math.round(performance.now() - started),
      linesOf
    };
  } finally {
    conn.query(
      'DROP TABLE IF EXISTS __load; DROP TABLE IF EXISTS __errs; DROP TABLE IF EXISTS __rej_errors; DROP TABLE IF EXISTS __rej_scans'
    );
    db.dropFile(fileId);
  }
}

/** One record DuckDB's reader rejected, with every error it found in it. */
interface RejectDetail {
  readonly bytePosition: number;
  readonly types: string[];
  readonly columns: (string | null)[];
  readonly messages: string[];
  readonly csvLine: string;
  /** An unclosed quote that ran over the following lines: they are rejected with it. */
  readonly swallows: boolean;
}

interface TypedRead {
  /** Every rejected record, in file order (for the line index). */
  readonly records: RejectedRecord[];
  /** The same records' errors, in file order. */
  readonly details: RejectDetail[];
  readonly problemCount: number;
}

/**
 * A strict read first: it is about twice as fast as one that stores rejects, and most files
 * are clean. Only when it fails is the file read again keeping the rejected records aside.
 */
function readTyped(
  conn: DuckDBConnection,
  csv: AcceptedCsv,
  plan: readonly ColumnPlan[],
  sql: LoadSql,
  fileId: string
): TypedRead | { failed: string; technical?: string } {
  const options = readOptions(csv, plan);
  const load = `CREATE TABLE __load AS SELECT ${sql.select} FROM read_csv(${literal(fileId)}, ${options}`;
  try {
    conn.query(`${load})`);
    return { records: [], details: [], problemCount: 0 };
  } catch {
    conn.query('DROP TABLE IF EXISTS __load');
  }
  try {
    conn.query(
      `${load}, store_rejects=true, rejects_table='__rej_errors', rejects_scan='__rej_scans')`
    );
  } catch (error) {
    return {
      failed: 'the file could not be read as CSV with the header it has',
      technical: error instanceof Error ? error.message : String(error)
    };
  }
  const rows = rowsOf(
    conn,
    `SELECT min(line_byte_position) AS pos, list(error_type ORDER BY column_idx) AS types,
       list(column_name ORDER BY column_idx) AS cols, list(error_message ORDER BY column_idx) AS messages,
       first(csv_line) AS csv_line
     FROM __rej_errors GROUP BY line ORDER BY line`
  );
  const details = rows.map((r): RejectDetail => {
    const csvLine = typeof r.csv_line === 'string' ? r.csv_line.replace(/^\r?\n/, '') : '';
    const types = listOf(r.types).map(String);
    return {
      bytePosition: num(r.pos),
      types,
      columns: listOf(r.cols).map((c) => (typeof c === 'string' ? c : null)),
      messages: listOf(r.messages).map(String),
      csvLine,
      swallows: types.includes('UNQUOTED VALUE') && /[\r\n]/.test(csvLine)
    };
  });
  const encoder = new TextEncoder();
  return {
    records: details.map((d) => ({
      bytePosition: d.bytePosition,
      byteLength: encoder.encode(d.csvLine).length
    })),
    details,
    problemCount: details.reduce((n, d) => n + Math.max(1, castCount(d)), 0)
  };
}

function listOf(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (value && typeof (value as { toArray?: unknown }).toArray === 'function')
    return [...(value as { toArray(): unknown[] }).toArray()];
  return [];
}

function castCount(d: RejectDetail): number {
  return d.types.filter((t) => t === 'CAST').length;
}

function planOf(plan: readonly ColumnPlan[], raw: string | null): ColumnPlan | undefined {
  return raw === null ? undefined : plan.find((c) => c.raw === raw);
}

/** A rejected record in plain words; the engine's message goes to `technical`. */
async function rejectProblem(
  csv: AcceptedCsv,
  plan: readonly ColumnPlan[],
  d: RejectDetail,
  span: { first: number; last: number } | undefined
): Promise<ImportProblem[]> {
  const base = { table: csv.spec.name, file: csv.fileName, ...(span ? { line: span.first } : {}) };
  const technical = [...new Set(d.messages)].join('; ');
  const casts = d.types.flatMap((t, k) => (t === 'CAST' ? [k] : []));
  if (casts.length > 0 && casts.length === d.types.length) {
    return casts.map((k) => {
      const col = planOf(plan, d.columns[k] ?? null);
      const value =
        /Could not convert string "([\s\S]*)" to '/.exec(d.messages[k] ?? '')?.[1] ?? null;
      const kind = col?.spec?.type === 'timestamp' ? 'timestamp' : 'number';
      return {
        ...base,
        ...(col ? { column: col.name } : {}),
        reason: checkReason(kind, col?.name ?? '', value, ''),
        technical: d.messages[k] ?? technical
      };
    });
  }
  const type = d.types.find((t) => t !== 'CAST') ?? '';
  const col = planOf(plan, d.columns[d.types.indexOf(type)] ?? null);
  const column = col ? { column: col.name } : {};
  if (type === 'TOO MANY COLUMNS' || type === 'MISSING COLUMNS') {
    const found = splitHeader(d.csvLine, csv.delimiter).length;
    return [
      {
        ...base,
        ...(type === 'MISSING COLUMNS' ? column : {}),
        reason: `wrong number of fields: expected ${plan.length}, found ${found}`,
        technical
      }
    ];
  }
  if (type === 'UNQUOTED VALUE') {
    if (d.swallows && span) {
      const rows = span.last - span.first + 1;
      return [
        {
          ...base,
          ...column,
          reason: `a quote opened on line ${span.first}${col ? ` (${col.name})` : ''} is not closed where the field ends, so lines ${span.first}–${span.last} ran together: all ${rows} rows are rejected (close or double the quote)`,
          technical
        }
      ];
    }
    return [
      {
        ...base,
        ...column,
        reason: 'badly quoted field (a quote inside a field must be doubled: "")',
        technical
      }
    ];
  }
  if (type === 'LINE SIZE OVER MAXIMUM') {
    const longest = await longestField(csv, plan, d.bytePosition);
    return [
      {
        ...base,
        ...(longest ? { column: longest } : {}),
        reason: `line is longer than the ${maxLineBytes.toLocaleString('en')}-byte limit for one line${longest ? ` (mostly ${longest})` : ''}`,
        technical
      }
    ];
  }
  if (type === 'INVALID UNICODE' || type === 'INVALID ENCODING')
    return [{ ...base, reason: 'not valid UTF-8 text', technical }];
  return [{ ...base, ...column, reason: 'this line could not be read as CSV', technical }];
}

/** The column holding most of an over-long line (read from the file, at most 8 MB of it). */
async function longestField(
  csv: AcceptedCsv,
  plan: readonly ColumnPlan[],
  bytePosition: number
): Promise<string | undefined> {
  const start = Math.max(0, bytePosition - 1);
  const bytes = await readRange(csv.content, start, start + 8 * 1024 * 1024);
  const end = bytes.indexOf(0x0a);
  const text = new TextDecoder().decode(bytes.subarray(0, end === -1 ? bytes.length : end));
  const fields = splitHeader(text.replace(/^\r?\n/, ''), csv.delimiter);
  let best = -1;
  for (const [k, f] of fields.entries())
    if (best === -1 || f.length > (fields[best]?.length ?? 0)) best = k;
  return plan.find((c) => c.index === best)?.name;
}

function collectRowErrors(conn: DuckDBConnection, csv: AcceptedCsv, sql: LoadSql): void {
  conn.query(
    'CREATE TEMP TABLE __errs (rec BIGINT, col VARCHAR, kind VARCHAR, val VARCHAR, ref BIGINT)'
  );
  const parts: string[] = [];
  const ids = csv.spec.columns.filter(
    (c) => c.type === 'id' && csv.columns.some((h) => h.spec === c)
  );
  // One scan says whether any row fails a check and which id columns have duplicates (by
  // hash: a collision only runs the exact query below, which then finds none); the listing
  // queries run only then.
  const probes = [
    sql.checks.length > 0
      ? `count(*) FILTER (WHERE ${sql.checks.map((c) => `(${c.failing})`).join(' OR ')})`
      : '0',
    // hash(NULL) is not NULL: empty ids are left out explicitly.
    ...ids.map(
      (c) =>
        `count(${ident(c.name)}) - count(DISTINCT hash(${ident(c.name)})) FILTER (WHERE ${ident(c.name)} IS NOT NULL)`
    )
  ];
  const [probe] = rowsOf(
    conn,
    `SELECT ${probes.map((p, k) => `(${p})::DOUBLE AS p${k}`).join(', ')} FROM __load`
  );
  if (num(probe?.p0) > 0) parts.push(...rowCheckSql(sql));
  for (const [k, c] of ids.entries()) {
    if (num(probe?.[`p${k + 1}`]) === 0) continue;
    const v = ident(c.name);
    parts.push(
      `SELECT rec, ${literal(c.name)}, 'duplicate', val, first FROM (SELECT rowid AS rec, ${v} AS val, min(rowid) OVER (PARTITION BY ${v}) AS first FROM __load WHERE ${v} IN (SELECT ${v} FROM __load GROUP BY ${v} HAVING count(*) > 1)) WHERE rec <> first`
    );
  }
  if (parts.length > 0) conn.query(`INSERT INTO __errs ${parts.join(' UNION ALL ')}`);
  for (const c of csv.spec.columns) {
    if (c.type === 'json' && csv.columns.some((h) => h.spec === c))
      checkJson(conn, ident(c.name), c.name);
  }
}

// No JSON extension offline: parse in TypeScript. Failures are inserted after the scan, since
// a statement on the same connection would invalidate a result still being read.
function checkJson(conn: DuckDBConnection, raw: string, column: string): void {
  const failures: [number, string][] = [];
  const result = conn.query(
    `SELECT rowid AS rec, ${raw} AS v FROM __load WHERE ${raw} IS NOT NULL`
  );
  const recs = result.getChild('rec');
  const values = result.getChild('v');
  for (let i = 0; i < result.numRows; i++) {
    try {
      JSON.parse(String(values?.get(i)));
    } catch (error) {
      failures.push([num(recs?.get(i)), error instanceof Error ? error.message : 'parse error']);
    }
  }
  if (failures.length === 0) return;
  const insert = conn.prepare(`INSERT INTO __errs VALUES (?, ${literal(column)}, 'json', ?, NULL)`);
  try {
    for (const [rec, message] of failures) insert.query(rec, message);
  } finally {
    insert.close();
  }
}

function rowProblems(
  conn: DuckDBConnection,
  csv: AcceptedCsv,
  index: CsvLineIndex,
  limit: number
): ImportProblem[] {
  const table = csv.spec.name;
  const file = csv.fileName;
  return rowsOf(
    conn,
    `SELECT rec, col, kind, val, ref FROM __errs ORDER BY rec, col LIMIT ${limit}`
  ).map((r): ImportProblem => {
    const kind = String(r.kind) as CheckKind | 'duplicate' | 'json';
    const val = r.val === null || r.val === undefined ? null : String(r.val);
    const firstLine =
      r.ref === null || r.ref === undefined ? undefined : index.lineOfRow(num(r.ref));
    const line = index.lineOfRow(num(r.rec));
    const extra =
      kind === 'duplicate'
        ? ` (first on line ${firstLine ?? '?'})`
        : kind === 'json'
          ? (val ?? '')
          : '';
    return {
      table,
      file,
      ...(line === undefined ? {} : { line }),
      column: String(r.col),
      reason: checkReason(kind, String(r.col), kind === 'json' ? null : val, extra),
      ...(kind === 'json' && val ? { technical: val } : {})
    };
  });
}
