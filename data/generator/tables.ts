/**
 * The seven tables of the data contract (shared/DATA_CONTRACT.md) with the columns the generator
 * writes, optional ones (`invoices.note`, `refunds.approved_by`, `refunds.note`) included.
 */

export const TABLE_COLUMNS = {
  customers: ['customer_id', 'customer_name', 'region', 'plan_tier', 'status'],
  subscriptions: [
    'subscription_id',
    'customer_id',
    'plan_tier',
    'start_date',
    'monthly_price',
    'billing_status'
  ],
  invoices: [
    'invoice_id',
    'customer_id',
    'invoice_date',
    'billed_amount',
    'expected_amount',
    'plan_tier_billed',
    'status',
    'note'
  ],
  payments: [
    'payment_id',
    'invoice_id',
    'customer_id',
    'payment_date',
    'amount',
    'payment_processor',
    'status'
  ],
  refunds: [
    'refund_id',
    'customer_id',
    'refund_date',
    'amount',
    'reason',
    'processor',
    'linked_payment_id',
    'approved_by',
    'note'
  ],
  usage_events: ['event_id', 'customer_id', 'event_time', 'usage_units', 'feature_type'],
  signal_events: [
    'signal_id',
    'timestamp',
    'signal_type',
    'severity',
    'source',
    'related_entity',
    'payload_json'
  ]
} as const;

export type TableName = keyof typeof TABLE_COLUMNS;
export const TABLE_NAMES = Object.keys(TABLE_COLUMNS) as TableName[];

export type RowCounts = Record<TableName, number>;

export function emptyCounts(): RowCounts {
  return {
    customers: 0,
    subscriptions: 0,
    invoices: 0,
    payments: 0,
    refunds: 0,
    usage_events: 0,
    signal_events: 0
  };
}

/** Id prefixes and zero-padded widths; widths fit the `large` scale so ids sort as text. */
export const ID_FORMAT: Readonly<Record<TableName, readonly [string, number]>> = {
  customers: ['C', 6],
  subscriptions: ['SUB', 6],
  invoices: ['INV', 7],
  payments: ['PAY', 7],
  refunds: ['REF', 6],
  usage_events: ['EVT', 8],
  signal_events: ['SIG', 5]
};

export function formatId(table: TableName, n: number): string {
  const [prefix, width] = ID_FORMAT[table];
  return prefix + String(n).padStart(width, '0');
}
