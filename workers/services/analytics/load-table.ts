import type { DuckDBBindings, DuckDBConnection } from '@duckdb/duckdb-wasm/blocking';
import type { ImportProblem, ImportedTable } from '../../contracts/analytics';
import type { CsvContent } from './csv-content';
import type { AcceptedCsv } from './csv-file';
import { CsvLineIndex } from './csv-lines';
import {
  checkReason,
  ident,
  literal,
  rowChecks,
  typedExpr,
  type CheckKind
} from './validation-sql';

/**
 * Loads one accepted CSV into a typed staging table. DuckDB parses the file into VARCHAR columns
 * (`__raw`, whose rowid is the file order); SQL checks collect row errors into `__errs`; the rows
 * without errors are cast into `target`. Line numbers are computed only when something failed.
 */

export interface LoadResult extends ImportedTable {
  readonly columns: string[];
  readonly problems: ImportProblem[];
  readonly problemsOmitted: number;
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
): Promise<LoadResult | { failed: string }> {
  const fileId = `opsiq_import_${++fileCounter}.csv`;
  await register(db, fileId, csv.content);
  try {
    const structural = readRaw(conn, csv, fileId);
    if ('failed' in structural) return structural;
    collectRowErrors(conn, csv);
    const [counts] = rowsOf(
      conn,
      'SELECT count(DISTINCT rec) AS rejected, count(*) AS total FROM __errs'
    );
    const rowErrors = { rejected: num(counts?.rejected), total: num(counts?.total) };

    const known = csv.columns.filter((c) => c.spec !== null);
    const ordered = csv.spec.columns.flatMap((s) => known.filter((c) => c.spec === s));
    const extras = csv.columns.filter((c) => c.spec === null);
    const select = [
      ...ordered.map(
        (c) => `${c.spec ? typedExpr(c.spec, `c${c.index}`) : ''} AS ${ident(c.name)}`
      ),
      ...extras.map((c) => `c${c.index} AS ${ident(c.name)}`)
    ].join(', ');
    const filter =
      rowErrors.total > 0 ? 'WHERE NOT EXISTS (SELECT 1 FROM __errs e WHERE e.rec = r.rowid)' : '';
    conn.query(
      `CREATE TABLE ${ident(target)} AS SELECT ${select} FROM __raw r ${filter} ORDER BY r.rowid`
    );
    const [loaded] = rowsOf(conn, `SELECT count(*) AS n FROM ${ident(target)}`);

    const listed =
      structural.problems.length + rowErrors.total > 0
        ? await listProblems(conn, csv, structural.problems, limit)
        : [];
    return {
      table: csv.spec.name,
      file: csv.fileName,
      delimiter: csv.delimiter,
      rowsLoaded: num(loaded?.n),
      rowsRejected: structural.units.size + rowErrors.rejected,
      columns: [...ordered, ...extras].map((c) => c.name),
      extraColumns: [...csv.extraColumns],
      problems: listed,
      problemsOmitted: Math.max(0, structural.problems.length + rowErrors.total - listed.length)
    };
  } finally {
    conn.query(
      'DROP TABLE IF EXISTS __raw; DROP TABLE IF EXISTS __errs; DROP TABLE IF EXISTS __rej_errors; DROP TABLE IF EXISTS __rej_scans'
    );
    db.dropFile(fileId);
  }
}

interface StructuralProblem {
  readonly unit: number;
  readonly column: string | undefined;
  readonly reason: string;
}

/**
 * A strict read first: it is twice as fast as one that stores rejects, and most files are clean.
 * Only when it fails is the file read again keeping the malformed records aside.
 */
function readRaw(
  conn: DuckDBConnection,
  csv: AcceptedCsv,
  fileId: string
): { units: Set<number>; problems: StructuralProblem[] } | { failed: string } {
  const columns = csv.columns.map((c) => `${literal(`c${c.index}`)}: 'VARCHAR'`).join(', ');
  const options = `header=true, auto_detect=false, columns={${columns}}, delim=${literal(csv.delimiter)}, quote='"', escape='"'`;
  try {
    conn.query(`CREATE TEMP TABLE __raw AS SELECT * FROM read_csv(${literal(fileId)}, ${options})`);
    return { units: new Set(), problems: [] };
  } catch {
    conn.query('DROP TABLE IF EXISTS __raw');
  }
  try {
    conn.query(
      `CREATE TEMP TABLE __raw AS SELECT * FROM read_csv(${literal(fileId)}, ${options}, store_rejects=true, rejects_table='__rej_errors', rejects_scan='__rej_scans')`
    );
  } catch (error) {
    return {
      failed: `DuckDB could not read the file: ${error instanceof Error ? error.message : String(error)}`
    };
  }
  const rejects = rowsOf(
    conn,
    `SELECT line, first(error_type ORDER BY column_idx) AS type, first(error_message ORDER BY column_idx) AS message,
       first(column_name ORDER BY column_idx) AS col FROM __rej_errors GROUP BY line ORDER BY line`
  );
  const problems = rejects.map((r) => ({
    unit: num(r.line),
    column: columnName(csv, r.col),
    reason: structuralReason(String(r.type), String(r.message))
  }));
  return { units: new Set(problems.map((p) => p.unit)), problems };
}

function columnName(csv: AcceptedCsv, raw: unknown): string | undefined {
  const match = typeof raw === 'string' ? /^c(\d+)$/.exec(raw) : null;
  return match ? csv.columns.find((c) => c.index === Number(match[1]))?.name : undefined;
}

function structuralReason(type: string, message: string): string {
  const counts = /Expected Number of Columns: (\d+) Found: (\d+)/.exec(message);
  if (counts) return `wrong number of fields: expected ${counts[1]}, found ${counts[2]}`;
  if (type === 'UNQUOTED VALUE')
    return 'badly quoted field (a quote inside a field must be doubled)';
  if (type === 'LINE SIZE OVER MAXIMUM') return 'line is too long';
  if (type === 'INVALID UNICODE' || type === 'INVALID ENCODING') return 'not valid UTF-8 text';
  return message;
}

function collectRowErrors(conn: DuckDBConnection, csv: AcceptedCsv): void {
  const parts: string[] = [];
  for (const c of csv.columns) {
    if (!c.spec) continue;
    const raw = `c${c.index}`;
    for (const check of rowChecks(c.spec, raw)) {
      parts.push(
        `SELECT rowid AS rec, ${literal(check.column)} AS col, '${check.kind}' AS kind, ${raw} AS val, NULL::BIGINT AS ref FROM __raw WHERE ${check.failing}`
      );
    }
    if (c.spec.type === 'id') {
      const v = `NULLIF(trim(${raw}), '')`;
      parts.push(
        `SELECT rec, ${literal(c.name)}, 'duplicate', val, first FROM (SELECT rowid AS rec, ${v} AS val, min(rowid) OVER (PARTITION BY ${v}) AS first FROM __raw WHERE ${v} IS NOT NULL) WHERE rec <> first`
      );
    }
  }
  conn.query(
    `CREATE TEMP TABLE __errs (rec BIGINT, col VARCHAR, kind VARCHAR, val VARCHAR, ref BIGINT); INSERT INTO __errs ${parts.join(' UNION ALL ')}`
  );
  for (const c of csv.columns) {
    if (c.spec?.type === 'json') checkJson(conn, `c${c.index}`, c.name);
  }
}

// No JSON extension offline: parse in TypeScript. Failures are inserted after the scan, since
// a statement on the same connection would invalidate a result still being read.
function checkJson(conn: DuckDBConnection, raw: string, column: string): void {
  const failures: [number, string][] = [];
  const result = conn.query(
    `SELECT rowid AS rec, ${raw} AS v FROM __raw WHERE NULLIF(trim(${raw}), '') IS NOT NULL`
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

async function listProblems(
  conn: DuckDBConnection,
  csv: AcceptedCsv,
  structural: readonly StructuralProblem[],
  limit: number
): Promise<ImportProblem[]> {
  const index = await CsvLineIndex.of(csv.content, new Set(structural.map((p) => p.unit)));
  const table = csv.spec.name;
  const file = csv.fileName;
  const rowProblems = rowsOf(
    conn,
    `SELECT rec, col, kind, val, ref FROM __errs ORDER BY rec, col LIMIT ${limit}`
  ).map((r): ImportProblem => {
    const kind = String(r.kind) as CheckKind | 'duplicate' | 'json';
    const val = r.val === null || r.val === undefined ? null : String(r.val);
    const firstLine =
      r.ref === null || r.ref === undefined ? undefined : index.lineOfRow(num(r.ref));
    const extra =
      kind === 'duplicate'
        ? ` (first on line ${firstLine ?? '?'})`
        : kind === 'json'
          ? (val ?? '')
          : '';
    return {
      table,
      file,
      line: index.lineOfRow(num(r.rec)),
      column: String(r.col),
      reason: checkReason(kind, String(r.col), kind === 'json' ? null : val, extra)
    };
  });
  const structuralProblems = structural.slice(0, limit).map((p): ImportProblem => ({
    table,
    file,
    line: index.lineOfUnit(p.unit),
    column: p.column,
    reason: p.reason
  }));
  return [...structuralProblems, ...rowProblems]
    .map((p) => (p.column === undefined ? withoutColumn(p) : p))
    .sort((a, b) => (a.line ?? 0) - (b.line ?? 0))
    .slice(0, limit);
}

// Structural problems may have no column; leave the key out rather than set it to undefined.
function withoutColumn(p: ImportProblem): ImportProblem {
  const rest: ImportProblem = { ...p };
  delete rest.column;
  return rest;
}
