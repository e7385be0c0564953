import { describe, expect, it } from 'vitest';
import { formatDay, parseDay } from '../../../data/generator/calendar';
import { LIST_PRICE_CENTS, REGIONS } from '../../../data/generator/catalog';
import {
  ANOMALY_TYPES,
  DEFINITIONS,
  labelsSchema,
  SCALE_PARAMS,
  serializeLabels,
  type AnomalyLabel,
  type Scale
} from '../../../data/generator/index';
import { judgeRefundDays } from '../../../data/generator/spike-judge';
import { dayOf, inForce, subscriptionIndex } from '../../../data/generator/verify/dataset';
import { carefulAnalyst, refundCountsByRegion } from '../../../data/generator/verify/oracle';
import { fixture } from './fixtures';

const CASES: [Scale, number][] = [
  ['demo', 1],
  ['demo', 2],
  ['demo', 3],
  ['small', 1],
  ['small', 5],
  ['medium', 1]
];

const PLANTED: Record<(typeof ANOMALY_TYPES)[number], (s: Scale) => number> = {
  duplicate_refund: (s) => SCALE_PARAMS[s].plants.duplicateRefunds,
  underbilling: (s) => SCALE_PARAMS[s].plants.underbilling,
  tier_mismatch: (s) => SCALE_PARAMS[s].plants.tierMismatch,
  refund_spike: (s) => SCALE_PARAMS[s].plants.refundSpikes,
  manual_credit: (s) => SCALE_PARAMS[s].plants.manualCredits
};

describe.each(CASES)('labels of %s, seed %i', (scale, seed) => {
  it('are exactly the anomalies a careful analyst finds in the rows', async () => {
    const f = await fixture(scale, seed);
    expect(f.warnings).toEqual([]);
    const found = carefulAnalyst(f.ds, f.windowStart, f.asOf);
    for (const type of ANOMALY_TYPES) {
      const labelled = f.labels.anomalies
        .filter((a) => a.type === type)
        .map((a) => a.key)
        .sort();
      expect([...found[type]].sort(), type).toEqual(labelled);
    }
  });

  it('plant every type at the rate of the scale', async () => {
    const f = await fixture(scale, seed);
    for (const type of ANOMALY_TYPES) {
      expect(f.labels.anomalies.filter((a) => a.type === type).length, type).toBe(
        PLANTED[type](scale)
      );
    }
  });

  it('survive a JSON round trip through the zod schema, with unique keys and ids', async () => {
    const f = await fixture(scale, seed);
    const parsed = labelsSchema.parse(JSON.parse(serializeLabels(f.labels)));
    expect(parsed).toEqual(f.labels);
    expect(parsed.definitions).toEqual({ ...DEFINITIONS });
    expect(parsed.counts.invoices).toBe(f.ds.invoices.length);
    // An invoice or refund belongs to at most one anomaly: one root cause, one label.
    const ids = parsed.anomalies.flatMap(anomalyIds);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('point at rows that exist and show the planted pattern', async () => {
    const f = await fixture(scale, seed);
    const { ds } = f;
    const subs = subscriptionIndex(ds.subscriptions);
    const refunds = new Map(ds.refunds.map((r) => [r.id, r]));
    const invoices = new Map(ds.invoices.map((i) => [i.id, i]));
    const payments = new Map(ds.payments.map((p) => [p.id, p]));
    for (const label of f.labels.anomalies) {
      switch (label.type) {
        case 'duplicate_refund': {
          const [a, b] = label.refund_ids.map((id) => refunds.get(id));
          expect(a && b, label.key).toBeTruthy();
          if (!a || !b) break;
          expect([a.customer, b.customer]).toEqual([label.customer_id, label.customer_id]);
          expect([a.payment, b.payment]).toEqual([
            label.linked_payment_id,
            label.linked_payment_id
          ]);
          expect(a.amountCents).toBe(b.amountCents);
          expect(payments.get(label.linked_payment_id)?.customer).toBe(label.customer_id);
          expect(Math.round((b.time - a.time) / 60)).toBe(label.gap_minutes);
          expect(b.time - a.time).toBeLessThanOrEqual(
            DEFINITIONS.duplicateRefundWindowHours * 3600
          );
          expect(label.beyond_naive_window).toBe(b.time - a.time > 2 * 3600);
          break;
        }
        case 'underbilling':
        case 'tier_mismatch': {
          const invoice = invoices.get(label.invoice_id);
          expect(invoice, label.key).toBeDefined();
          if (!invoice) break;
          const sub = inForce(subs, invoice.customer, invoice.time);
          expect(invoice.expectedCents).toBe(sub?.priceCents);
          const gap = invoice.expectedCents - invoice.billedCents;
          expect(gap).toBe(Math.round(label.gap * 100));
          if (label.type === 'underbilling') {
            expect(invoice.billedTier).toBe(sub?.tier);
            expect(gap).toBeGreaterThanOrEqual(DEFINITIONS.underbillingMinGap * 100);
            expect(gap).toBeGreaterThanOrEqual(
              DEFINITIONS.underbillingMinGapRatio * invoice.expectedCents
            );
          } else {
            expect(label.contracted_tier).toBe(sub?.tier);
            expect(invoice.billedTier).toBe(label.billed_tier);
            expect(invoice.billedTier).not.toBe(sub?.tier);
            // Billed at the lower tier's list price while expected stays the contract.
            expect(invoice.billedCents).toBe(LIST_PRICE_CENTS[label.billed_tier]);
            expect(gap).toBeGreaterThan(0);
          }
          break;
        }
        case 'refund_spike': {
          const start = parseDay(f.windowStart);
          const counts = refundCountsByRegion(ds, start, parseDay(f.asOf));
          const day = parseDay(label.day);
          expect(counts[REGIONS.indexOf(label.region)]?.[day - start]).toBe(label.refund_count);
          expect(label.refund_count).toBeGreaterThanOrEqual(
            DEFINITIONS.spikeRatio * Math.max(label.baseline, 1)
          );
          expect(label.refund_count - label.baseline).toBeGreaterThanOrEqual(
            DEFINITIONS.spikeMinExcess
          );
          expect(day - start).toBeGreaterThanOrEqual(DEFINITIONS.spikeJudgedFromDay);
          break;
        }
        case 'manual_credit': {
          const refund = refunds.get(label.refund_id);
          expect(refund, label.key).toBeDefined();
          if (!refund) break;
          expect(refund).toMatchObject({
            reason: 'manual_credit',
            processor: 'manual',
            customer: label.customer_id,
            approvedBy: label.approved_by ?? ''
          });
          const price = inForce(subs, refund.customer, refund.time)?.priceCents ?? 0;
          expect(price).toBe(Math.round(label.monthly_price * 100));
          const aboveBar =
            refund.amountCents > DEFINITIONS.manualCreditBar * 100 && refund.amountCents > price;
          expect(label.reasons.includes('above_bar')).toBe(aboveBar);
          expect(label.reasons.includes('unapproved')).toBe(refund.approvedBy === '');
          break;
        }
      }
    }
  });
});

describe('spike days', () => {
  it('are distinct, and none falls on a recurring batch day', async () => {
    const f = await fixture('medium', 1);
    const spikes = f.labels.anomalies.filter((a) => a.type === 'refund_spike');
    expect(new Set(spikes.map((s) => s.type === 'refund_spike' && s.day)).size).toBe(spikes.length);
    const start = parseDay(f.windowStart);
    const judged = judgeRefundDays(refundCountsByRegion(f.ds, start, parseDay(f.asOf)), start);
    for (const day of judged.filter((d) => d.recurring))
      expect(formatDay(day.day).endsWith('-01')).toBe(true);
  });

  it('include duplicates beyond a naive two-hour window', async () => {
    const f = await fixture('medium', 1);
    const beyond = f.labels.anomalies.filter(
      (a) => a.type === 'duplicate_refund' && a.beyond_naive_window
    );
    expect(beyond.length).toBeGreaterThanOrEqual(5);
    const within = f.labels.anomalies.filter(
      (a) => a.type === 'duplicate_refund' && !a.beyond_naive_window
    );
    expect(within.length).toBeGreaterThan(beyond.length);
  });

  it('have a matching anomaly alert for most spikes', async () => {
    const f = await fixture('medium', 1);
    const alerts = f.ds.signals
      .filter((s) => s.type === 'anomaly_alert' && s.entity === 'refunds')
      .map((s) => ({
        day: dayOf(s.time),
        payload: JSON.parse(s.payload) as {
          metric: string;
          value: number;
          region: string;
          message: string;
        }
      }));
    const spikes = f.labels.anomalies.filter(
      (a): a is Extract<AnomalyLabel, { type: 'refund_spike' }> => a.type === 'refund_spike'
    );
    const alerted = spikes.filter((s) =>
      alerts.some(
        (a) =>
          formatDay(a.day) === s.day &&
          a.payload.region === s.region &&
          a.payload.value === s.refund_count &&
          a.payload.metric === 'refund.count'
      )
    );
    expect(alerted.length).toBeGreaterThanOrEqual(Math.floor(spikes.length / 2));
  });
});

function anomalyIds(label: AnomalyLabel): string[] {
  switch (label.type) {
    case 'duplicate_refund':
      return [...label.refund_ids];
    case 'underbilling':
    case 'tier_mismatch':
      return [label.invoice_id];
    case 'refund_spike':
      return [`${label.region}:${label.day}`];
    case 'manual_credit':
      return [label.refund_id];
  }
}
