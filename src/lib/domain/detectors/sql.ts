/**
 * Small SQL helpers shared by the detectors. Values go in as parameters; the only text spliced
 * in is identifiers from the table contract and whole numbers already validated by memory.
 */
import type { DetectorContext, TableName } from './types';

/** `alias.column` when the table has the column, else a typed NULL (optional columns). */
export function optionalColumn(
  ctx: DetectorContext,
  table: TableName,
  alias: string,
  column: string
): string {
  const has = ctx.columns[table]?.some((c) => c.toLowerCase() === column.toLowerCase()) ?? false;
  return has ? `${alias}."${column.replaceAll('"', '""')}"` : 'NULL::VARCHAR';
}

export function hasTable(ctx: DetectorContext, table: TableName): boolean {
  return ctx.columns[table] !== undefined;
}

/** A whole number for a window frame (frames take no parameters). */
export function frameRows(value: number): number {
  const n = Math.trunc(value);
  if (!Number.isFinite(n) || n < 1) throw new Error(`invalid frame size ${value}`);
  return n;
}

/** SQL for the first instant after the as-of day; its one parameter is the as-of date. */
export const AS_OF_END = `(CAST(?::DATE AS TIMESTAMP) + INTERVAL 1 DAY)`;

/** A timestamp as DuckDB returns it (`…T…Z`) to `YYYY-MM-DD HH:MM`. */
export function shortTime(iso: string): string {
  return iso.slice(0, 16).replace('T', ' ');
}

/** Trimmed text, or undefined when empty. */
export function text(value: string | null | undefined): string | undefined {
  const t = value?.trim();
  return t ? t : undefined;
}
