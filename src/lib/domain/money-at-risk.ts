/**
 * Money at risk of a run's cases, by type and by month, for Mission Control's chart. A case's
 * month is the month of the event it is about (invoice, refund or spike day), from its facts.
 */
import type { TriageCase } from './schemas/case';
import type { AnomalyType } from './schemas/finding';
import { anomalyTypes } from './schemas/finding';

export interface RiskBucket {
  readonly key: string;
  readonly amount: number;
  readonly cases: number;
}

const DATE_FACTS = ['invoice_date', 'refund_date', 'first_refund_at', 'day', 'date'] as const;

/** `YYYY-MM` of the event the case is about, or null when its facts name no date. */
export function caseMonth(c: Pick<TriageCase, 'facts' | 'entities'>): string | null {
  for (const f of DATE_FACTS) {
    const v = c.facts[f] ?? (f === 'date' ? c.entities.date : undefined);
    if (typeof v === 'string' && /^\d{4}-\d{2}/.test(v)) return v.slice(0, 7);
  }
  return null;
}

const add = (m: Map<string, { amount: number; cases: number }>, key: string, amount: number) => {
  const b = m.get(key) ?? { amount: 0, cases: 0 };
  b.amount += amount;
  b.cases += 1;
  m.set(key, b);
};
const cents = (n: number) => Math.round(n * 100) / 100;

export function moneyAtRisk(cases: readonly TriageCase[]): {
  byType: RiskBucket[];
  byMonth: RiskBucket[];
  undated: RiskBucket;
} {
  const types = new Map<string, { amount: number; cases: number }>();
  const months = new Map<string, { amount: number; cases: number }>();
  const undated = { amount: 0, cases: 0 };
  for (const c of cases) {
    add(types, c.type, c.estimatedImpact);
    const m = caseMonth(c);
    if (m) add(months, m, c.estimatedImpact);
    else {
      undated.amount += c.estimatedImpact;
      undated.cases += 1;
    }
  }
  const out = (m: Map<string, { amount: number; cases: number }>, keys: readonly string[]) =>
    keys
      .filter((k) => m.has(k))
      .map((k) => ({ key: k, amount: cents(m.get(k)!.amount), cases: m.get(k)!.cases }));
  const byType = out(types, anomalyTypes as readonly AnomalyType[]).sort(
    (a, b) => b.amount - a.amount || (a.key < b.key ? -1 : 1)
  );
  return {
    byType,
    byMonth: out(months, [...months.keys()].sort()),
    undated: { key: 'undated', amount: cents(undated.amount), cases: undated.cases }
  };
}
