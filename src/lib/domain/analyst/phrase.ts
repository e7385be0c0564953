import { dimensions, metrics } from './catalog';
import type { Filter, MetricId, SemanticQuery, Window } from './query';
import { monthNames } from './windows';

/** Canonical English for a semantic query: follow-ups and alternatives are asked in these words. */
export const metricPhrases: Readonly<Record<MetricId, string>> = {
  billed_revenue: 'billed revenue',
  expected_revenue: 'expected revenue',
  invoice_count: 'number of invoices',
  average_invoice: 'average invoice',
  collected_cash: 'cash collected',
  payment_count: 'number of payments',
  failed_payments: 'number of failed payments',
  failed_payment_rate: 'failed payment rate',
  refund_count: 'number of refunds',
  refund_amount: 'refund amount',
  average_refund: 'average refund',
  refund_rate: 'refund rate',
  underbilling_gap: 'underbilling gap',
  underbilled_invoices: 'number of underbilled invoices',
  mrr: 'MRR',
  arr: 'ARR',
  active_subscriptions: 'active subscriptions',
  customers: 'number of customers',
  active_customers: 'active customers',
  churned_customers: 'churned customers',
  churn_rate: 'churn rate',
  new_customers: 'new customers',
  usage_units: 'usage units'
};

export function windowPhrase(w: Window): string {
  switch (w.kind) {
    case 'all':
      return 'of all time';
    case 'last_days':
      return `in the last ${w.n} days`;
    case 'last_weeks':
      return `in the last ${w.n} weeks`;
    case 'last_months':
      return `in the last ${w.n} months`;
    case 'ytd':
      return 'year to date';
    case 'month':
      return `in ${monthNames[w.month - 1]}${w.year ? ` ${w.year}` : ''}`;
    case 'quarter':
      return `in Q${w.quarter}${w.year ? ` ${w.year}` : ''}`;
    case 'year':
      return `in ${w.year}`;
    case 'range':
      return `from ${w.from} to ${w.to}`;
    default:
      return w.kind.replace(/_/g, ' ');
  }
}

function filterPhrase(f: Filter): string {
  if (f.kind === 'amount') {
    const word = { '>': 'over', '>=': 'at least', '<': 'under', '<=': 'at most' }[f.op];
    return `${word} $${f.value}`;
  }
  if (f.dimension === 'status') return '';
  return `${f.negate ? 'excluding ' : 'for '}${f.values.join(' and ')}`;
}

export function questionFor(q: SemanticQuery): string {
  const metric = metricPhrases[q.metric];
  const timed = metrics[q.metric].time !== null;
  const win = timed ? ` ${windowPhrase(q.window)}` : '';
  const filters = [...q.filters, ...q.part].map(filterPhrase).filter(Boolean).join(' ');
  const fil = filters ? ` ${filters}` : '';
  const dim = q.groupBy ? dimensions[q.groupBy] : null;
  let text: string;
  if (dim && q.rank) {
    const head = q.rank.order === 'desc' ? 'top' : 'bottom';
    text = q.rank.limit
      ? `${head} ${q.rank.limit} ${dim.plural} by ${metric}${fil}${win}`
      : `rank ${dim.plural} by ${metric}${fil}${win}`;
  } else if (dim) {
    text = `${q.share ? 'share of ' : ''}${metric} by ${dim.label}${fil}${win}`;
  } else {
    text = `${q.part.length ? 'share of ' : ''}${metric}${fil}${win}`;
  }
  if (q.compare)
    text += q.compare.against
      ? ` vs ${windowPhrase(q.compare.against)}`
      : ' vs the previous period';
  return text.charAt(0).toUpperCase() + text.slice(1);
}
