/**
 * The native side of `triage-scale.bench.ts`: the same CSV files and detector SQL in DuckDB's
 * native build (@duckdb/node-api, pinned to the DuckDB version of duckdb-wasm 1.32).
 *
 * Two ways to load, both into the same typed tables the app's loader produces
 * (VARCHAR ids/text/json, TIMESTAMP, DECIMAL(18,2) money, DOUBLE numbers):
 *  - `loadTyped`: DuckDB's own typed `read_csv` straight into each table (no validation);
 *  - `loadLikeApp`: the SQL the app's importer runs (workers/services/analytics/load-table.ts):
 *    one typed read stored straight into the table, the row checks collected into `__errs`. The JSON check of `payload_json` (TypeScript, 911 rows) and the
 *    listing of problems (none in generated data) are left out.
 */
import type { DuckDBConnection, DuckDBInstance as Instance } from '@duckdb/node-api';
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { tableSpecs, type LogicalType, type TableName } from '../../workers/contracts/tables';
import { prepareCsv } from '../../workers/services/analytics/csv-file';
import {
  loadSql,
  planColumns,
  readOptions,
  rowCheckSql
} from '../../workers/services/analytics/load-table';
import { ident, literal } from '../../workers/services/analytics/validation-sql';

export interface Native {
  conn: DuckDBConnection;
  threads: number;
  version: string;
  close(): void;
}

/**
 * An in-memory database; `threads` undefined keeps DuckDB's default (one per core). Each thread
 * setting gets its own instance: changing `threads` between queries makes the next query pay
 * for restarting the scheduler (it tripled a 250 ms query here).
 */
export async function openNative(threads?: number): Promise<Native> {
  const { DuckDBInstance } = nodeApi();
  const instance = await DuckDBInstance.create(
    ':memory:',
    threads === undefined ? {} : { threads: String(Math.trunc(threads)) }
  );
  const conn = await instance.connect();
  // As the app does: no extension may be fetched (the browser is offline).
  await conn.run('SET autoload_known_extensions = false; SET autoinstall_known_extensions = false');
  const [row] = (
    await conn.runAndReadAll(`SELECT version() AS v, current_setting('threads')::INTEGER AS t`)
  ).getRowObjectsJson();
  return {
    conn,
    threads: Number(row?.t),
    version: String(row?.v),
    close: () => {
      conn.closeSync();
      instance.closeSync();
    }
  };
}

const sqlType: Record<LogicalType, string> = {
  id: 'VARCHAR',
  text: 'VARCHAR',
  json: 'VARCHAR',
  timestamp: 'TIMESTAMP',
  decimal: 'DECIMAL(18,2)',
  number: 'DOUBLE'
};

/** The header line of a CSV file (the files are ASCII, comma-separated). */
function headerOf(path: string): string {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(64 * 1024);
    const n = readSync(fd, buf, 0, buf.length, 0);
    const text = buf.subarray(0, n).toString('utf8');
    return text.slice(0, text.indexOf('\n') + 1);
  } finally {
    closeSync(fd);
  }
}

const csvOptions = `header=true, auto_detect=false, delim=',', quote='"', escape='"'`;

/** DuckDB's typed read_csv into each table, columns in the file's order. */
export async function loadTyped(conn: DuckDBConnection, dir: string, tables: readonly TableName[]) {
  for (const name of tables) {
    const path = join(dir, `${name}.csv`);
    const spec = tableSpecs.find((t) => t.name === name)!;
    const header = headerOf(path).trim().split(',');
    const columns = header
      .map((h) => {
        const col = spec.columns.find((c) => c.name === h.toLowerCase());
        return `${literal(h)}: '${col ? sqlType[col.type] : 'VARCHAR'}'`;
      })
      .join(', ');
    await conn.run(
      `CREATE OR REPLACE TABLE ${ident(name)} AS SELECT * FROM read_csv(${literal(path)}, ${csvOptions}, columns={${columns}})`
    );
  }
}

/** The importer's SQL (typed strict read, row checks, stored columns of the clean rows). */
export async function loadLikeApp(
  conn: DuckDBConnection,
  dir: string,
  tables: readonly TableName[]
) {
  for (const name of tables) {
    const path = join(dir, `${name}.csv`);
    const csv = await prepareCsv(
      `${name}.csv`,
      new TextEncoder().encode(headerOf(path)),
      1024 ** 3
    );
    if (!csv.ok) throw new Error(`${name}: ${csv.reason}`);
    const plan = planColumns(csv);
    const sql = loadSql(csv, plan);
    await conn.run(
      `CREATE OR REPLACE TABLE __load AS SELECT ${sql.select} FROM read_csv(${literal(path)}, ${readOptions(csv, plan)})`
    );
    await conn.run(
      `CREATE OR REPLACE TEMP TABLE __errs (rec BIGINT, col VARCHAR, kind VARCHAR, val VARCHAR, ref BIGINT)`
    );
    const parts = rowCheckSql(sql);
    if (parts.length > 0) await conn.run(`INSERT INTO __errs ${parts.join(' UNION ALL ')}`);
    for (const h of sql.hidden) await conn.run(`ALTER TABLE __load DROP COLUMN ${h}`);
    await conn.run(
      `DROP TABLE IF EXISTS ${ident(name)}; ALTER TABLE __load RENAME TO ${ident(name)}`
    );
    await conn.runAndReadAll(`SELECT count(*) AS n FROM ${ident(name)}`);
    await conn.run('DROP TABLE IF EXISTS __errs');
  }
}

/** Columns of each loaded table, and the as-of date computed as the app's dataset status does. */
export async function datasetShape(
  conn: DuckDBConnection,
  tables: readonly TableName[]
): Promise<{ columns: Partial<Record<TableName, string[]>>; asOf: string; rows: number[] }> {
  const columns: Partial<Record<TableName, string[]>> = {};
  const rows: number[] = [];
  const events: string[] = [];
  for (const name of tables) {
    const described = (await conn.runAndReadAll(`DESCRIBE ${ident(name)}`)).getRowObjectsJson();
    columns[name] = described.map((r) => String(r.column_name));
    const [count] = (
      await conn.runAndReadAll(`SELECT count(*)::DOUBLE AS n FROM ${ident(name)}`)
    ).getRowObjectsJson();
    rows.push(Number(count?.n));
    const eventTime = tableSpecs.find((t) => t.name === name)?.eventTime;
    if (eventTime && columns[name].includes(eventTime))
      events.push(`SELECT max(${ident(eventTime)}) AS t FROM ${ident(name)}`);
  }
  const [row] = (
    await conn.runAndReadAll(
      `SELECT strftime(max(t), '%Y-%m-%d') AS d FROM (${events.join(' UNION ALL ')})`
    )
  ).getRowObjectsJson();
  return { columns, asOf: String(row?.d), rows };
}

/** Runs one statement with positional parameters and reads every row, as JSON values. */
export async function queryJson(
  conn: DuckDBConnection,
  sql: string,
  params: (string | number | boolean | null)[]
): Promise<Record<string, unknown>[]> {
  const reader = await conn.runAndReadAll(sql, params);
  return reader.getRowObjectsJson() as Record<string, unknown>[];
}

/**
 * @duckdb/node-api, installed on first use into the bench's own folder rather than as a
 * devDependency: the registry here serves only its linux-x64 binding, so a lockfile entry for it
 * makes `npm ci` fail everywhere. Pinned to 1.4.3-r.3, the DuckDB version of duckdb-wasm 1.32.
 */
function nodeApi(): { DuckDBInstance: typeof Instance } {
  const prefix = join(import.meta.dirname, 'out', 'native-duckdb');
  if (!existsSync(join(prefix, 'node_modules', '@duckdb', 'node-api'))) {
    console.log('installing @duckdb/node-api@1.4.3-r.3 into tests/bench/out/native-duckdb …');
    execFileSync(
      'npm',
      [
        'install',
        '--no-save',
        '--no-package-lock',
        '--prefix',
        prefix,
        '@duckdb/node-api@1.4.3-r.3'
      ],
      { stdio: 'inherit' }
    );
  }
  return createRequire(join(prefix, 'package.json'))('@duckdb/node-api') as {
    DuckDBInstance: typeof Instance;
  };
}
