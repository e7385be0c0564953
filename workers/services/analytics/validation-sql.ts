import type { ColumnSpec } from '../../contracts/tables';

/**
 * SQL expressions that turn a raw VARCHAR cell into its stored type, and the conditions that
 * make a cell a row error. Both are built from the same expression so what is checked is what is
 * stored. Only core DuckDB functions: no extension (ICU, JSON) may be needed offline.
 */

export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function literal(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** Trimmed cell, empty → NULL. */
function cell(raw: string): string {
  return `NULLIF(trim(${raw}), '')`;
}

// `$1,200.00`, `-€5`, `£ 12.5`, `1200`: one currency sign, comma thousands groups.
const moneyPattern = String.raw`[-+]?[$€£]?\s*[-+]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]*)(?:\.[0-9]+)?`;
// DuckDB's TIMESTAMP cast accepts `Z` but silently drops other offsets: apply them ourselves.
const offsetAfterTime = String.raw`[0-9]:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?\s*[+-][0-9]{2}(?::?[0-9]{2})?$`;
const offsetSuffix = String.raw`\s*([+-])([0-9]{2}):?([0-9]{2})?$`;

function moneyExpr(v: string): string {
  return `CASE WHEN regexp_full_match(${v}, '${moneyPattern}') THEN TRY_CAST(regexp_replace(${v}, '[$€£,\\s]', '', 'g') AS DECIMAL(18,2)) END`;
}

function timestampExpr(v: string): string {
  const part = (n: number) => `regexp_extract(${v}, '${offsetSuffix}', ${n})`;
  const minutes = `(CAST(${part(2)} AS INTEGER) * 60 + COALESCE(TRY_CAST(${part(3)} AS INTEGER), 0))`;
  const signed = `(CASE WHEN ${part(1)} = '-' THEN -1 ELSE 1 END) * ${minutes}`;
  const local = `TRY_CAST(regexp_replace(${v}, '${offsetSuffix}', '') AS TIMESTAMP)`;
  return `CASE WHEN regexp_matches(${v}, '${offsetAfterTime}') THEN ${local} - ${signed} * INTERVAL 1 MINUTE ELSE TRY_CAST(${v} AS TIMESTAMP) END`;
}

function numberExpr(v: string): string {
  return `TRY_CAST(${v} AS DOUBLE)`;
}

/** Expression for the stored value of `col`, read from raw column `raw`. */
export function typedExpr(col: ColumnSpec, raw: string): string {
  const v = cell(raw);
  switch (col.type) {
    case 'timestamp':
      return timestampExpr(v);
    case 'decimal':
      return moneyExpr(v);
    case 'number':
      return numberExpr(v);
    default:
      return v;
  }
}

export const checkKinds = ['empty', 'timestamp', 'money', 'number', 'positive'] as const;
export type CheckKind = (typeof checkKinds)[number];

export interface RowCheck {
  readonly column: string;
  readonly kind: CheckKind;
  /** True when the row is in error. */
  readonly failing: string;
}

export function rowChecks(col: ColumnSpec, raw: string): RowCheck[] {
  const v = cell(raw);
  const typed = typedExpr(col, raw);
  const checks: RowCheck[] = [];
  if (col.notNull) checks.push({ column: col.name, kind: 'empty', failing: `${v} IS NULL` });
  if (col.type === 'timestamp')
    checks.push({
      column: col.name,
      kind: 'timestamp',
      failing: `${v} IS NOT NULL AND ${typed} IS NULL`
    });
  if (col.type === 'decimal')
    checks.push({
      column: col.name,
      kind: 'money',
      failing: `${v} IS NOT NULL AND ${typed} IS NULL`
    });
  if (col.type === 'number') {
    checks.push({
      column: col.name,
      kind: 'number',
      failing: `${v} IS NOT NULL AND NOT COALESCE(isfinite(${typed}), false)`
    });
  }
  if (col.positive) checks.push({ column: col.name, kind: 'positive', failing: `${typed} <= 0` });
  return checks;
}

/** The reason shown to people for a failed check on `value`. */
export function checkReason(
  kind: CheckKind | 'duplicate' | 'json',
  column: string,
  value: string | null,
  extra: string
): string {
  const shown =
    value === null ? '' : JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  switch (kind) {
    case 'empty':
      return `${column} is empty`;
    case 'timestamp':
      return `${shown} is not an ISO 8601 date or timestamp (e.g. 2026-02-20 or 2026-02-20 14:45:00)`;
    case 'money':
      return `${shown} is not a money amount (e.g. 1200.00 or $1,200.00)`;
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
