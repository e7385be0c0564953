import { z } from 'zod';

/**
 * The seven billing tables of `DATA_CONTRACT.md` as data: the loader, the dataset status and
 * the detectors read this one list, so a column is added or renamed in exactly one place.
 */

export const logicalTypes = ['id', 'text', 'timestamp', 'decimal', 'number', 'json'] as const;
export const logicalTypeSchema = z.enum(logicalTypes);
export type LogicalType = z.infer<typeof logicalTypeSchema>;

export const tableNames = [
  'customers',
  'subscriptions',
  'invoices',
  'payments',
  'refunds',
  'usage_events',
  'signal_events'
] as const;
export const tableNameSchema = z.enum(tableNames);
export type TableName = z.infer<typeof tableNameSchema>;

export interface ColumnSpec {
  readonly name: string;
  readonly type: LogicalType;
  /** A file without this column is rejected; optional columns are loaded when present. */
  readonly required: boolean;
  /** An empty value is a row error (ids, and amounts that must be positive). */
  readonly notNull: boolean;
  /** The value must be > 0. */
  readonly positive: boolean;
}

export interface TableSpec {
  readonly name: TableName;
  readonly columns: readonly ColumnSpec[];
  /** The column holding this table's event time, used for the dataset's as-of date. */
  readonly eventTime: string | null;
}

type Shorthand = readonly [name: string, type: LogicalType, flags?: 'optional' | 'positive'];

function table(name: TableName, eventTime: string | null, cols: readonly Shorthand[]): TableSpec {
  return {
    name,
    eventTime,
    columns: cols.map(([col, type, flag]) => ({
      name: col,
      type,
      required: flag !== 'optional',
      notNull: type === 'id' || flag === 'positive',
      positive: flag === 'positive'
    }))
  };
}

export const tableSpecs: readonly TableSpec[] = [
  table('customers', null, [
    ['customer_id', 'id'],
    ['customer_name', 'text'],
    ['region', 'text'],
    ['plan_tier', 'text'],
    ['status', 'text']
  ]),
  table('subscriptions', null, [
    ['subscription_id', 'id'],
    ['customer_id', 'text'],
    ['plan_tier', 'text'],
    ['start_date', 'timestamp'],
    ['monthly_price', 'decimal'],
    ['billing_status', 'text']
  ]),
  table('invoices', 'invoice_date', [
    ['invoice_id', 'id'],
    ['customer_id', 'text'],
    ['invoice_date', 'timestamp'],
    ['billed_amount', 'decimal'],
    ['expected_amount', 'decimal'],
    ['plan_tier_billed', 'text'],
    ['status', 'text'],
    ['note', 'text', 'optional']
  ]),
  table('payments', 'payment_date', [
    ['payment_id', 'id'],
    ['invoice_id', 'text'],
    ['customer_id', 'text'],
    ['payment_date', 'timestamp'],
    ['amount', 'decimal'],
    ['payment_processor', 'text'],
    ['status', 'text']
  ]),
  table('refunds', 'refund_date', [
    ['refund_id', 'id'],
    ['customer_id', 'text'],
    ['refund_date', 'timestamp'],
    ['amount', 'decimal', 'positive'],
    ['reason', 'text'],
    ['processor', 'text'],
    ['linked_payment_id', 'text'],
    ['note', 'text', 'optional'],
    ['approved_by', 'text', 'optional']
  ]),
  table('usage_events', 'event_time', [
    ['event_id', 'id'],
    ['customer_id', 'text'],
    ['event_time', 'timestamp'],
    ['usage_units', 'number'],
    ['feature_type', 'text']
  ]),
  table('signal_events', 'timestamp', [
    ['signal_id', 'id'],
    ['timestamp', 'timestamp'],
    ['signal_type', 'text'],
    ['severity', 'text'],
    ['source', 'text'],
    ['related_entity', 'text'],
    ['payload_json', 'json']
  ])
];

export function tableSpec(name: TableName): TableSpec {
  const spec = tableSpecs.find((t) => t.name === name);
  if (!spec) throw new Error(`unknown table ${name}`);
  return spec;
}

export function requiredColumns(spec: TableSpec): string[] {
  return spec.columns.filter((c) => c.required).map((c) => c.name);
}

/** A column that names a row of another table (`→` in DATA_CONTRACT.md). */
export interface TableReference {
  readonly table: TableName;
  readonly column: string;
  readonly target: TableName;
  readonly targetColumn: string;
}

export const tableReferences: readonly TableReference[] = [
  {
    table: 'subscriptions',
    column: 'customer_id',
    target: 'customers',
    targetColumn: 'customer_id'
  },
  { table: 'invoices', column: 'customer_id', target: 'customers', targetColumn: 'customer_id' },
  { table: 'payments', column: 'invoice_id', target: 'invoices', targetColumn: 'invoice_id' },
  { table: 'payments', column: 'customer_id', target: 'customers', targetColumn: 'customer_id' },
  { table: 'refunds', column: 'customer_id', target: 'customers', targetColumn: 'customer_id' },
  { table: 'refunds', column: 'linked_payment_id', target: 'payments', targetColumn: 'payment_id' },
  { table: 'usage_events', column: 'customer_id', target: 'customers', targetColumn: 'customer_id' }
];
