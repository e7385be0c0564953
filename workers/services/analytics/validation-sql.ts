import type { ColumnSpec } from '../../contracts/tables';

/**
 * SQL expressions that turn a raw VARCHAR cell into its stored type, and the conditions that
 * make a cell a row error. Both are built from the same expression so what is checked is what is
 * stored. Only core DuckDB functions: no extension (ICU, JSON) may be needed offline.
 */

// Quoting lives once, in the domain (the mapping and the analyst quote the same way).
export { ident, literal } from '../../../src/lib/domain/sql-text';

/** Trimmed cell, empty → NULL. */
function cell(raw: string): string {
  return `NULLIF(trim(${raw}), '')`;
}

/**
 * The type DuckDB's reader parses a column as. Timestamps are read as TIMESTAMPTZ: core DuckDB
 * (no ICU) applies a `+02:00` / `Z` offset and a plain date or time is UTC; the stored value is
 * that instant as a naive UTC TIMESTAMP. Money stays text: currency signs and thousands
 * separators are the contract's, not DuckDB's. JSON has no offline parser in DuckDB.
 */
export function readType(col: ColumnSpec): string {
  switch (col.type) {
    case 'timestamp':
      return 'TIMESTAMPTZ';
    case 'number':
      return 'DOUBLE';
    default:
      return 'VARCHAR';
  }
}

// `$1,200.00`, `-€5`, `£ 12.5`, `1200`: one currency sign, comma thousands groups.
const moneyPattern = String.raw`[-+]?[$€£]?\s*[-+]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]*)(?:\.[0-9]+)?`;

// DuckDB's own DECIMAL cast first (it takes `1200.00`, ` 12.5 `); the pattern only for the rest.
function moneyExpr(raw: string): string {
  const v = cell(raw);
  return `COALESCE(TRY_CAST(${raw} AS DECIMAL(18,2)), CASE WHEN regexp_full_match(${v}, '${moneyPattern}') THEN TRY_CAST(regexp_replace(${v}, '[$€£,\\s]', '', 'g') AS DECIMAL(18,2)) END)`;
}

/** Expression for the stored value of `col`, from column `raw` as read with `readType(col)`. */
export function typedExpr(col: ColumnSpec, raw: string): string {
  switch (col.type) {
    case 'timestamp':
      return `${raw}::TIMESTAMP`;
    case 'decimal':
      return moneyExpr(raw);
    case 'number':
      return raw;
    default:
      return cell(raw);
  }
}

export const checkKinds = ['empty', 'money', 'number', 'positive'] as const;
export type CheckKind = (typeof checkKinds)[number];

/** A value as shown in a message: quoted, control characters escaped, at most 40 characters. */
export function shownValue(value: string): string {
  const short = value.length > 40 ? `${value.slice(0, 40)}…` : value;
  return JSON.stringify(short).replace(
    /[\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2066-\u2069]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`
  );
}

/** The reason shown to people for a failed check on `value`. */
export function checkReason(
  kind: CheckKind | 'duplicate' | 'json' | 'timestamp',
  column: string,
  value: string | null,
  extra: string
): string {
  const shown = value === null ? '' : shownValue(value);
  switch (kind) {
    case 'empty':
      return `${column} is empty`;
    case 'timestamp':
      return `${shown} is not an ISO 8601 date or timestamp (e.g. 2026-02-20 or 2026-02-20 14:45:00)`;
    case 'money':
      // An accounting negative, "(100.00)", is not turned into -100.00 silently: it is asked for.
      return value !== null && /^\s*\(.*\)\s*$/.test(value)
        ? `${shown} is not a money amount: a negative in parentheses is not read (write it as -${value.trim().slice(1, -1).trim()})`
        : `${shown} is not a money amount (e.g. 1200.00 or $1,200.00)`;
    case 'number':
      return `${shown} is not a number`;
    case 'positive':
      return `${column} must be greater than 0 (found ${shown})`;
    case 'duplicate':
      return `duplicate ${column} ${shown}${extra}`;
    case 'json':
      return `${column} is not valid JSON (${extra})`;
  }
}
