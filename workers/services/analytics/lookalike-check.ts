import type { DuckDBConnection } from '@duckdb/duckdb-wasm/blocking';
import {
  ASCII_FOLD,
  findLookalikeIds,
  lookalikeNotes
} from '../../../src/lib/domain/lookalike-ids';
import type { TableName } from '../../contracts/tables';
import { rowsOf } from './load-table';
import { ident } from './validation-sql';

/**
 * Import notes for lookalike ids (src/lib/domain/lookalike-ids.ts), per id column name across
 * every loaded table. A cheap SQL pass skips a column whose values are all printable ASCII
 * and distinct after the ASCII fold (the usual case); only then are its values read.
 */
export function lookalikeIdNotesOf(
  conn: DuckDBConnection,
  tables: readonly { table: TableName; columns: readonly string[] }[],
  tableIn: (name: TableName) => string
): string[] {
  const families = new Map<string, string[]>();
  for (const t of tables) {
    for (const col of t.columns) {
      if (!col.endsWith('_id')) continue;
      const selects = families.get(col) ?? [];
      selects.push(
        `SELECT CAST(${ident(col)} AS VARCHAR) AS v FROM ${ident(tableIn(t.table))} WHERE ${ident(col)} IS NOT NULL`
      );
      families.set(col, selects);
    }
  }
  const groups = [...families.entries()].flatMap(([col, selects]) => {
    const values = `(SELECT DISTINCT v FROM (${selects.join(' UNION ALL ')}))`;
    const [probe] = rowsOf(
      conn,
      `SELECT coalesce(bool_or(NOT regexp_full_match(v, '[!-~]*')), false)
          OR count(*) > count(DISTINCT translate(lower(v), '${ASCII_FOLD.from}', '${ASCII_FOLD.to}')) AS suspicious
       FROM ${values}`
    );
    if (!probe?.['suspicious']) return [];
    const rows = rowsOf(conn, `SELECT v FROM ${values}`);
    return findLookalikeIds(
      col,
      rows.map((r) => String(r['v']))
    );
  });
  return lookalikeNotes(groups);
}
