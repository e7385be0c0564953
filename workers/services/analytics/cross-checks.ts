import type { DuckDBConnection } from '@duckdb/duckdb-wasm/blocking';
import type { ImportProblem } from '../../contracts/analytics';
import {
  tableReferences,
  tableSpec,
  type TableName,
  type TableReference
} from '../../contracts/tables';
import { rowsOf } from './load-table';
import { ident, literal, shownValue } from './validation-sql';

/**
 * Checks across the tables of an import, as set-based SQL over the typed tables: references
 * that point at no row, and dates that cannot be right. Rows are kept and flagged (warnings),
 * never dropped; the as-of date is computed from the plausible rows only.
 */

/** A table of the new dataset: in the import (with a file and lines) or kept from the old one. */
export interface CheckedTable {
  readonly name: TableName;
  /** Where the table sits in DuckDB now. */
  readonly sqlName: string;
  readonly columns: readonly string[];
  /** The file it came from, when it is in this import. */
  readonly file?: string;
  readonly linesOf?: (rowids: readonly number[]) => Promise<(number | undefined)[]>;
}

export interface CrossCheckResult {
  readonly problems: ImportProblem[];
  /** Warnings per table (rows flagged, and summary lines). */
  readonly warnings: Map<TableName, number>;
  readonly omitted: number;
  /** Event times at or after this are implausible (null: none are). */
  readonly plausibleBefore: string | null;
  readonly asOfNote: string | undefined;
}

/**
 * Rows whose reference matches no row: `(ref, rec, v)`, `ref` indexing `tableReferences`, `rec`
 * the rowid in the referencing table. Left in place by `crossCheck` for the lookalike check;
 * the importer drops it.
 */
export const danglingTable = '__dangling';

/** The earliest plausible date: billing exports before 1990 are typing errors. */
export const earliestPlausible = '1990-01-01';
const yearMs = 365 * 24 * 3600 * 1000;
/** Rows above a gap of more than a year count as implausible only while they are this rare (or one row, fewer than the rest). */
const outlierShare = 0.05;

export async function crossCheck(
  conn: DuckDBConnection,
  tables: readonly CheckedTable[],
  limit: number
): Promise<CrossCheckResult> {
  const problems: ImportProblem[] = [];
  const warnings = new Map<TableName, number>();
  let omitted = 0;
  const bump = (t: TableName, n: number) => warnings.set(t, (warnings.get(t) ?? 0) + n);
  const byName = new Map(tables.map((t) => [t.name, t]));
  conn.query(`CREATE OR REPLACE TEMP TABLE ${danglingTable} (ref INTEGER, rec BIGINT, v VARCHAR)`);
  const pending: { refIndex: number; ref: TableReference; from: CheckedTable }[] = [];

  for (const [refIndex, ref] of tableReferences.entries()) {
    const from = byName.get(ref.table);
    if (!from?.file || !from.columns.includes(ref.column)) continue;
    const target = byName.get(ref.target);
    const col = ident(ref.column);
    if (!target || !target.columns.includes(ref.targetColumn)) {
      const [row] = rowsOf(
        conn,
        `SELECT count(${col})::DOUBLE AS n FROM ${ident(from.sqlName)} WHERE ${col} IS NOT NULL`
      );
      const n = Number(row?.n ?? 0);
      if (n === 0) continue;
      problems.push({
        table: ref.table,
        file: from.file,
        column: ref.column,
        severity: 'warning',
        reason: `no ${ref.target} table is loaded, so none of the ${n.toLocaleString('en')} ${ref.column} values can be matched to ${ref.target}; the rows are kept`
      });
      bump(ref.table, 1);
      continue;
    }
    // One anti join per reference, kept in `danglingTable` for the examples and the lookalike
    // check (only values that match no row can add ids a lookalike could hide among).
    conn.query(
      `INSERT INTO ${danglingTable} SELECT ${refIndex}, s.rowid, s.${col} FROM ${ident(from.sqlName)} s ANTI JOIN ${ident(target.sqlName)} t ON t.${ident(ref.targetColumn)} = s.${col} WHERE s.${col} IS NOT NULL`
    );
    pending.push({ refIndex, ref, from });
  }
  const counts = new Map(
    rowsOf(conn, `SELECT ref, count(*)::DOUBLE AS n FROM ${danglingTable} GROUP BY ref`).map(
      (r) => [Number(r.ref), Number(r.n)]
    )
  );
  for (const { refIndex, ref, from } of pending) {
    const n = counts.get(refIndex) ?? 0;
    if (n === 0) continue;
    bump(ref.table, n);
    const examples = rowsOf(
      conn,
      `SELECT rec::DOUBLE AS rec, v FROM ${danglingTable} WHERE ref = ${refIndex} ORDER BY rec LIMIT ${limit}`
    );
    const lines = (await from.linesOf?.(examples.map((e) => Number(e.rec)))) ?? [];
    examples.forEach((e, i) => {
      const line = lines[i];
      problems.push({
        table: ref.table,
        file: from.file!,
        ...(line === undefined ? {} : { line }),
        column: ref.column,
        severity: 'warning',
        reason: `${ref.column} ${shownValue(String(e.v))} is not among the loaded ${ref.target}; the row is kept`
      });
    });
    omitted += n - examples.length;
  }

  const dates = await checkDates(conn, tables, limit);
  for (const [t, n] of dates.warnings) bump(t, n);
  return {
    problems: [...problems, ...dates.problems],
    warnings,
    omitted: omitted + dates.omitted,
    plausibleBefore: dates.plausibleBefore,
    asOfNote: dates.asOfNote
  };
}

async function checkDates(
  conn: DuckDBConnection,
  tables: readonly CheckedTable[],
  limit: number
): Promise<
  Omit<CrossCheckResult, 'plausibleBefore' | 'asOfNote'> & {
    plausibleBefore: string | null;
    asOfNote: string | undefined;
  }
> {
  const events = tables.flatMap((t) => {
    const column = tableSpec(t.name).eventTime;
    return column && t.columns.includes(column)
      ? [`SELECT ${ident(column)} AS t FROM ${ident(t.sqlName)}`]
      : [];
  });
  const problems: ImportProblem[] = [];
  const warnings = new Map<TableName, number>();
  if (events.length === 0)
    return { problems, warnings, omitted: 0, plausibleBefore: null, asOfNote: undefined };
  // Days with their row counts; the plausible range ends below the lowest gap of more than a
  // year above which only a few rows lie (a century typo, a placeholder 9999-12-31).
  const days = rowsOf(
    conn,
    `SELECT epoch_ms(date_trunc('day', t))::DOUBLE AS d, count(*)::DOUBLE AS n FROM (${events.join(' UNION ALL ')}) WHERE t >= TIMESTAMP '${earliestPlausible}' GROUP BY 1 ORDER BY 1`
  ).map((r) => ({ d: Number(r.d), n: Number(r.n) }));
  const total = days.reduce((s, x) => s + x.n, 0);
  let above = total;
  let cutoff: number | null = null;
  for (let i = 0; i < days.length; i++) {
    above -= days[i]!.n;
    const next = days[i + 1];
    if (
      next &&
      next.d - days[i]!.d > yearMs &&
      above <= Math.max(outlierShare * total, 1) &&
      above < total - above
    ) {
      cutoff = next.d;
      break;
    }
  }
  const plausibleBefore = cutoff === null ? null : new Date(cutoff).toISOString();
  let omitted = 0;
  let excluded = 0;
  let firstExcluded: string | undefined;
  for (const t of tables) {
    const spec = tableSpec(t.name);
    for (const c of spec.columns) {
      if (c.type !== 'timestamp' || !t.columns.includes(c.name) || !t.file) continue;
      const col = ident(c.name);
      const late = plausibleBefore
        ? `${col} >= TIMESTAMP ${literal(plausibleBefore.replace('T', ' ').replace('Z', ''))}`
        : 'false';
      const where = `FROM ${ident(t.sqlName)} WHERE ${col} < TIMESTAMP '${earliestPlausible}' OR ${late}`;
      const [count] = rowsOf(conn, `SELECT count(*)::DOUBLE AS n ${where}`);
      const n = Number(count?.n ?? 0);
      if (n === 0) continue;
      warnings.set(t.name, (warnings.get(t.name) ?? 0) + n);
      const examples = rowsOf(
        conn,
        `SELECT rowid::DOUBLE AS rec, strftime(${col}, '%Y-%m-%d %H:%M:%S') AS v, ${col} < TIMESTAMP '${earliestPlausible}' AS early ${where} ORDER BY rowid LIMIT ${limit}`
      );
      const lines = (await t.linesOf?.(examples.map((e) => Number(e.rec)))) ?? [];
      const asOfColumn = spec.eventTime === c.name;
      examples.forEach((e, i) => {
        const line = lines[i];
        const value = String(e.v).replace(/ 00:00:00$/, '');
        const why = e.early
          ? `is before ${earliestPlausible.slice(0, 4)}`
          : 'is more than a year after the rest of the data';
        problems.push({
          table: t.name,
          file: t.file!,
          ...(line === undefined ? {} : { line }),
          column: c.name,
          severity: 'warning',
          reason: `${c.name} ${shownValue(value)} ${why}; the row is kept${asOfColumn ? ' but left out of the as-of date' : ''}`
        });
        if (asOfColumn && !e.early) firstExcluded ??= `${t.name} line ${line ?? '?'}: ${value}`;
      });
      if (asOfColumn) {
        const [lateCount] = rowsOf(
          conn,
          `SELECT count(*)::DOUBLE AS n FROM ${ident(t.sqlName)} WHERE ${late}`
        );
        excluded += Number(lateCount?.n ?? 0);
      }
      omitted += n - examples.length;
    }
  }
  const asOfNote =
    excluded > 0
      ? `The as-of date leaves out ${excluded.toLocaleString('en')} row${excluded === 1 ? '' : 's'} dated more than a year after the rest of the data (first: ${firstExcluded ?? '?'}).`
      : undefined;
  return { problems, warnings, omitted, plausibleBefore, asOfNote };
}
