/** Row counts of the bundled demo dataset (data/demo), as the issue states them. */
export const demoCounts = {
  customers: 10,
  subscriptions: 10,
  invoices: 16,
  payments: 16,
  refunds: 11,
  usage_events: 120,
  signal_events: 5
} as const;
