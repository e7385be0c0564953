import { tableSpec, type TableName } from '../../../../workers/contracts/tables';
import { ident, literal } from '../sql-text';
import { findHeader } from './headers';
import type { ColumnRule, RowFilter } from './presets';
import type { ColumnChoice } from './suggest';
import { cellSql, dateSql, numericSql, textSql } from './transforms';

/**
 * A confirmed mapping compiled to one SELECT over the source file as read (every column text):
 * the contract's columns, in contract order, each from its source column through its
 * transforms, plus a row filter. Money is parsed by the importer's own rules (`parseMoney`), so a
 * mapped file and a native one accept the same amounts; what does not parse stays NULL and the
 * importer reports it against the source line.
 */
export interface CompiledOutput {
  readonly table: TableName;
  /** `expr AS "column"`, in contract order. */
  readonly select: readonly {
    readonly column: string;
    readonly sql: string;
    readonly from: string | null;
  }[];
  /** Rows of the source that are rows of this table (SQL), or `true`. */
  readonly where: string;
  /** Id, date and amount columns that no source column, constant or derivation gives. */
  readonly unmapped: readonly string[];
  /** Text columns that nothing gives: loaded empty. */
  readonly absent: readonly string[];
}

export interface CompileOptions {
  /** SQL of a source column by its header (its position in the read). */
  readonly column: (header: string) => string;
  /** The importer's money parse of a text expression (DECIMAL, NULL when it is not money). */
  readonly parseMoney: (sql: string) => string;
  readonly idPrefix?: string;
}

function filterSql(f: RowFilter, col: (h: string) => string, money: (s: string) => string): string {
  if ('oneOf' in f)
    return `lower(trim(${col(f.column)})) IN (${f.oneOf.map((v) => literal(v.toLowerCase())).join(', ')})`;
  const v = money(col(f.column));
  return f.sign === 'negative' ? `${v} < 0` : `${v} > 0`;
}

export function compileOutput(
  table: TableName,
  choices: readonly ColumnChoice[],
  headers: readonly string[],
  opts: CompileOptions,
  filter: readonly RowFilter[] = [],
  helpers: Readonly<Record<string, ColumnRule>> = {}
): CompiledOutput {
  const spec = tableSpec(table);
  const resolve = (h: string) => {
    const i = findHeader(headers, [h]);
    return i >= 0 ? opts.column(headers[i] as string) : 'NULL::VARCHAR';
  };
  const byColumn = new Map(choices.map((c) => [c.column, c]));
  const select: CompiledOutput['select'][number][] = [];
  const unmapped: string[] = [];
  const absent: string[] = [];
  for (const c of spec.columns) {
    const choice = byColumn.get(c.name);
    if (!choice || (choice.from === null && choice.constant === undefined && !choice.derived)) {
      // An export may lack a descriptive column (a refund's reason): it is left empty and said.
      // Ids, dates and amounts cannot be left out.
      if (c.required && c.type !== 'text') unmapped.push(c.name);
      else if (c.required) {
        absent.push(c.name);
        select.push({ column: c.name, sql: 'NULL::VARCHAR', from: null });
      }
      continue;
    }
    let sql: string;
    if (choice.from === null) {
      sql =
        choice.constant !== undefined && choice.constant !== '' ? literal(choice.constant) : 'NULL';
      sql =
        c.type === 'decimal'
          ? `${sql}::DECIMAL(18,2)`
          : c.type === 'timestamp'
            ? `${sql}::TIMESTAMP`
            : `${sql}::VARCHAR`;
    } else {
      const raw = resolve(choice.from);
      const date = choice.transforms.find((t) => t.kind === 'date');
      switch (c.type) {
        case 'decimal':
          sql = numericSql(opts.parseMoney(raw), choice.transforms, resolve);
          break;
        case 'timestamp':
          sql = dateSql(raw, date?.kind === 'date' ? date.format : 'iso');
          break;
        case 'number':
          sql = numericSql(`TRY_CAST(${cellSql(raw)} AS DOUBLE)`, choice.transforms, resolve);
          break;
        default:
          sql = textSql(cellSql(raw), choice.transforms);
          if (c.type === 'id' && opts.idPrefix && c.name === spec.columns[0]?.name)
            sql = `${literal(opts.idPrefix)} || ${sql}`;
      }
    }
    select.push({ column: c.name, sql, from: choice.from });
  }
  // Money columns a derivation reads (a recorded discount), named `__helper_<name>`.
  for (const [name, rule] of Object.entries(helpers)) {
    const i = rule.from ? findHeader(headers, rule.from) : -1;
    if (i < 0) continue;
    const from = headers[i] as string;
    select.push({ column: helperColumn(name), sql: opts.parseMoney(opts.column(from)), from });
  }
  const where = filter.length
    ? filter.map((f) => filterSql(f, resolve, opts.parseMoney)).join(' AND ')
    : 'true';
  return { table, select, where, unmapped, absent };
}

/** The compiled output as a SELECT over `source` (a relation whose columns are the headers). */
export function outputSelectSql(out: CompiledOutput, source: string): string {
  const cols = out.select.map((s) => `${s.sql} AS ${ident(s.column)}`).join(', ');
  return `SELECT ${cols || '1 AS __none'} FROM ${source} WHERE ${out.where}`;
}

export const helperColumn = (name: string): string => `__helper_${name}`;
