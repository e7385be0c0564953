/**
 * The data view: one table of the active dataset a page at a time, sorted by any column,
 * filtered by text (in one column or any) and by exact values (the rows of a case). Its state
 * lives in the URL (`/data?table=refunds&f.refund_id=REF003&f.refund_id=REF004&sort=amount`), so
 * "show the rows" from a case is a plain link. Pure: this module builds the SQL; identifiers are
 * only ever the table's own column names (checked, then quoted), values are always parameters.
 */
import type { TriageCase } from './schemas/case';
import { tableNames, type TableName } from '../../../workers/contracts/tables';

export const DATA_PAGE_SIZE = 50;
/** Values of one exact filter kept in a link (the engine binds at most 1000 parameters). */
export const MAX_FILTER_VALUES = 400;

export interface ValueFilter {
  readonly column: string;
  readonly values: readonly string[];
}

export interface DataViewState {
  readonly table: TableName;
  /** Exact values, e.g. the refunds of a case (a row matches every filter). */
  readonly filters: readonly ValueFilter[];
  /** Case-insensitive text the row must contain. */
  readonly text: string;
  /** The column `text` is searched in; null for any column. */
  readonly textColumn: string | null;
  readonly sort: string | null;
  readonly desc: boolean;
  /** 0-based. */
  readonly page: number;
}

export function defaultView(table: TableName): DataViewState {
  return { table, filters: [], text: '', textColumn: null, sort: null, desc: false, page: 0 };
}

const isTable = (t: string | null): t is TableName =>
  t !== null && (tableNames as readonly string[]).includes(t);

/** The view a URL's query asks for; `fallback` when it names no known table. */
export function parseView(params: URLSearchParams, fallback: TableName): DataViewState {
  const t = params.get('table');
  const table = isTable(t) ? t : fallback;
  const filters = new Map<string, string[]>();
  for (const [k, v] of params) {
    if (!k.startsWith('f.') || k.length <= 2) continue;
    const list = filters.get(k.slice(2)) ?? [];
    if (list.length < MAX_FILTER_VALUES) list.push(v);
    filters.set(k.slice(2), list);
  }
  const page = Number(params.get('page') ?? '1');
  return {
    table,
    filters: [...filters].map(([column, values]) => ({ column, values })),
    text: params.get('q') ?? '',
    textColumn: params.get('in') || null,
    sort: params.get('sort') || null,
    desc: params.get('desc') === '1',
    page: Number.isInteger(page) && page > 1 ? page - 1 : 0
  };
}

/** The query string of a view (without defaults), the inverse of `parseView`. */
export function viewSearch(v: DataViewState): string {
  const p = new URLSearchParams({ table: v.table });
  for (const f of v.filters) for (const value of f.values) p.append(`f.${f.column}`, value);
  if (v.text) p.set('q', v.text);
  if (v.text && v.textColumn) p.set('in', v.textColumn);
  if (v.sort) p.set('sort', v.sort);
  if (v.sort && v.desc) p.set('desc', '1');
  if (v.page > 0) p.set('page', String(v.page + 1));
  return p.toString();
}

/**
 * The rows a case rests on, as a data view: the refunds of a spike, a duplicate or a credit,
 * the invoice of an underbilling or a tier mismatch, else the customer.
 */
export function caseRows(c: TriageCase): DataViewState | null {
  const e = c.entities;
  const refunds = [...(e.refund_ids ?? []), ...(e.refund_id ? [e.refund_id] : [])];
  const view = (table: TableName, column: string, values: string[]): DataViewState => ({
    ...defaultView(table),
    filters: [{ column, values: [...new Set(values)].slice(0, MAX_FILTER_VALUES) }]
  });
  if (c.type === 'underbilling' || c.type === 'tier_mismatch') {
    if (e.invoice_id) return view('invoices', 'invoice_id', [e.invoice_id]);
  }
  if (refunds.length) return view('refunds', 'refund_id', refunds);
  if (e.invoice_id) return view('invoices', 'invoice_id', [e.invoice_id]);
  if (e.customer_id) return view('customers', 'customer_id', [e.customer_id]);
  return null;
}

export const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

export interface DataViewSql {
  readonly rows: { readonly sql: string; readonly params: string[] };
  readonly count: { readonly sql: string; readonly params: string[] };
  /** Filters on columns the table does not have: dropped, and named to the user. */
  readonly ignored: readonly string[];
}

/** The page's SQL for `view` over a table with `columns` (the dataset status lists them). */
export function dataViewSql(view: DataViewState, columns: readonly string[]): DataViewSql {
  const has = (c: string | null): c is string => c !== null && columns.includes(c);
  const where: string[] = [];
  const params: string[] = [];
  const ignored: string[] = [];
  for (const f of view.filters) {
    if (!has(f.column) || f.values.length === 0) {
      ignored.push(f.column);
      continue;
    }
    where.push(
      `CAST(${quoteIdent(f.column)} AS VARCHAR) IN (${f.values.map(() => '?').join(', ')})`
    );
    params.push(...f.values);
  }
  if (view.text) {
    const searched = has(view.textColumn) ? [view.textColumn] : columns;
    where.push(
      `(${searched.map((c) => `contains(lower(CAST(${quoteIdent(c)} AS VARCHAR)), lower(?))`).join(' OR ')})`
    );
    params.push(...searched.map(() => view.text));
  }
  const from = `FROM ${quoteIdent(view.table)}${where.length ? ` WHERE ${where.join(' AND ')}` : ''}`;
  // A stable order for paging: the chosen column, then every column as a tie-break.
  const order = [
    ...(has(view.sort)
      ? [`${quoteIdent(view.sort)} ${view.desc ? 'DESC' : 'ASC'} NULLS LAST`]
      : []),
    ...columns.filter((c) => c !== view.sort).map((c) => `${quoteIdent(c)} ASC NULLS LAST`)
  ];
  return {
    rows: {
      sql: `SELECT * ${from}${order.length ? ` ORDER BY ${order.join(', ')}` : ''} LIMIT ${DATA_PAGE_SIZE} OFFSET ${view.page * DATA_PAGE_SIZE}`,
      params
    },
    count: { sql: `SELECT count(*) AS n ${from}`, params },
    ignored
  };
}
