/** Display formats shared by the pages (money in USD, as the demo data is). */
const money = new Intl.NumberFormat('en-US', {
  style: 'currency',
  currency: 'USD',
  maximumFractionDigits: 2
});
const whole = new Intl.NumberFormat('en-US', {
  style: 'currency',
  currency: 'USD',
  maximumFractionDigits: 0
});

export const formatMoney = (n: number): string => money.format(n);
export const formatMoneyWhole = (n: number): string => whole.format(n);
export const formatPercent = (p: number): string => `${Math.round(p * 100)}%`;
export const typeLabel: Record<string, string> = {
  duplicate_refund: 'Duplicate refund',
  underbilling: 'Underbilling',
  tier_mismatch: 'Tier mismatch',
  refund_spike: 'Refund spike',
  manual_credit: 'Manual credit'
};
export const actionLabel: Record<'case_record' | 'alert' | 'approval_task', string> = {
  case_record: 'Case record',
  alert: 'Alert',
  approval_task: 'Approval task'
};

const moneySettings = new Set([
  'underbilling_min_gap',
  'underbilling_prorate_tolerance',
  'manual_credit_bar',
  'approval_impact_bar'
]);

/** A memory setting's value with its unit: `$35`, `1.5 h`, `2.5×`, `0.15`, `true`. */
export function formatSetting(key: string, value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value !== 'number') return String(value);
  const n = Number.isInteger(value) ? String(value) : String(Math.round(value * 1e4) / 1e4);
  if (moneySettings.has(key)) return `$${n}`;
  if (key.endsWith('_hours')) return `${n} h`;
  if (key === 'spike_ratio') return `${n}×`;
  return n;
}
