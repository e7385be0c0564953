import type { DuckDBConnection } from '@duckdb/duckdb-wasm/blocking';
import type { DatasetStatus } from '../../contracts/analytics';
import { tableNames, tableSpec, type TableName } from '../../contracts/tables';
import { concat, sha256 } from './csv-content';
import { rowsOf } from './load-table';
import { ident } from './validation-sql';

/** Deterministic id: the same name and file contents give the same id on every machine. */
export async function datasetId(
  name: string,
  files: readonly { fileName: string; digest: Uint8Array }[]
): Promise<string> {
  const encoder = new TextEncoder();
  const parts: Uint8Array[] = [encoder.encode(name)];
  const sorted = [...files].sort((a, b) =>
    a.fileName < b.fileName ? -1 : a.fileName > b.fileName ? 1 : 0
  );
  for (const file of sorted)
    parts.push(encoder.encode(`\u0000${file.fileName}\u0000`), file.digest);
  const digest = await sha256(concat(parts));
  return `ds_${Array.from(digest.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

export interface LoadedTableInfo {
  readonly name: TableName;
  readonly rowCount: number;
  readonly columns: readonly string[];
  readonly extraColumns: readonly string[];
}

/** Status of a dataset whose tables sit in DuckDB under `tableIn(name)`. */
export function buildStatus(
  conn: DuckDBConnection,
  meta: { id: string; name: string; source: DatasetStatus['source'] },
  tables: readonly LoadedTableInfo[],
  tableIn: (name: TableName) => string,
  /** Event times at or after this instant are implausible and left out of the as-of date. */
  plausibleBefore: string | null = null
): DatasetStatus {
  const cutoff = plausibleBefore
    ? `TIMESTAMP '${plausibleBefore.replace('T', ' ').replace('Z', '')}'`
    : null;
  const present = new Set(tables.map((t) => t.name));
  const events = tables.flatMap((t) => {
    const column = tableSpec(t.name).eventTime;
    return column && t.columns.includes(column)
      ? [
          `SELECT max(${ident(column)}) AS t FROM ${ident(tableIn(t.name))}${cutoff ? ` WHERE ${ident(column)} < ${cutoff}` : ''}`
        ]
      : [];
  });
  let asOfTimestamp: string | null = null;
  if (events.length > 0) {
    const [row] = rowsOf(
      conn,
      `SELECT strftime(max(t), '%Y-%m-%dT%H:%M:%S.%gZ') AS t FROM (${events.join(' UNION ALL ')})`
    );
    asOfTimestamp = typeof row?.t === 'string' ? row.t : null;
  }
  return {
    ...meta,
    tables: tableNames
      .filter((n) => present.has(n))
      .map((n) => {
        const t = tables.find((x) => x.name === n);
        return {
          name: n,
          rowCount: t?.rowCount ?? 0,
          columns: [...(t?.columns ?? [])],
          extraColumns: [...(t?.extraColumns ?? [])]
        };
      }),
    missingTables: tableNames.filter((n) => !present.has(n)),
    asOf: asOfTimestamp ? asOfTimestamp.slice(0, 10) : null,
    asOfTimestamp
  };
}
