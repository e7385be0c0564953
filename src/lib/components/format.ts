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
