import type { DuckDBConnection } from '@duckdb/duckdb-wasm/blocking';
import {
  ASCII_FOLD,
  findLookalikeIds,
  lookalikeNotes
} from '../../../src/lib/domain/lookalike-ids';
import { tableReferences, tableSpec } from '../../contracts/tables';
import { danglingTable, type CheckedTable } from './cross-checks';
import { rowsOf } from './load-table';
import { ident } from './validation-sql';

/**
 * Import notes for lookalike ids (src/lib/domain/lookalike-ids.ts), per id column name across
 * the tables of the new dataset. Only values that can differ are read: a table's own id column
 * (unique once duplicates are rejected) and, for a reference checked by `crossCheck`, just the
 * values that match no row (`danglingTable`): the others are among the ids already. A cheap SQL
 * pass skips a family whose values are all printable ASCII and distinct after the ASCII fold (the
 * usual case; folded values are compared by hash: a collision only costs the exact check in
 * TypeScript); only then are its values read. Run after `crossCheck`.
 */
export function lookalikeIdNotesOf(
  conn: DuckDBConnection,
  tables: readonly CheckedTable[]
): string[] {
  const families = new Map<string, { selects: string[]; distinct: boolean }>();
  const present = new Set(tables.map((t) => t.name));
  const add = (col: string, select: string, distinct: boolean) => {
    const family = families.get(col) ?? { selects: [], distinct: false };
    family.selects.push(select);
    family.distinct ||= distinct || family.selects.length > 1;
    families.set(col, family);
  };
  for (const t of tables) {
    const spec = tableSpec(t.name);
    for (const col of t.columns) {
      if (!col.endsWith('_id')) continue;
      const from = `FROM ${ident(t.sqlName)} WHERE ${ident(col)} IS NOT NULL`;
      if (spec.columns.some((c) => c.name === col && c.type === 'id')) {
        add(col, `SELECT CAST(${ident(col)} AS VARCHAR) AS v ${from}`, false);
        continue;
      }
      if (!t.file) continue; // a kept table's references were checked when it was loaded
      const ref = tableReferences.findIndex(
        (r) => r.table === t.name && r.column === col && present.has(r.target)
      );
      if (ref !== -1) add(col, `SELECT v FROM ${danglingTable} WHERE ref = ${ref}`, true);
      else add(col, `SELECT CAST(${ident(col)} AS VARCHAR) AS v ${from}`, true);
    }
  }
  const groups = [...families.entries()].flatMap(([col, { selects, distinct }]) => {
    const union = selects.join(' UNION ALL ');
    const values = distinct ? `(SELECT DISTINCT v FROM (${union}))` : `(${union})`;
    const [probe] = rowsOf(
      conn,
      `SELECT coalesce(bool_or(NOT regexp_full_match(v, '[!-~]*')), false)
          OR count(*) > count(DISTINCT hash(translate(lower(v), '${ASCII_FOLD.from}', '${ASCII_FOLD.to}'))) AS suspicious
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
