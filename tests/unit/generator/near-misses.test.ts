import { describe, expect, it } from 'vitest';
import { civilFromDays, daysInMonth, parseDay } from '../../../data/generator/calendar';
import { DEFINITIONS, type NearMissLabel, type Scale } from '../../../data/generator/index';
import { dayOf, inForce, subscriptionIndex } from '../../../data/generator/verify/dataset';
import { carefulAnalyst, firstInvoices, naiveRules } from '../../../data/generator/verify/oracle';
import { fixture } from './fixtures';

const CASES: [Scale, number][] = [
  ['demo', 1],
  ['small', 1],
  ['small', 4],
  ['medium', 1]
];

describe.each(CASES)('near-misses of %s, seed %i', (scale, seed) => {
  it('cover every pattern (except those the demo is too small for)', async () => {
    const f = await fixture(scale, seed);
    const patterns = new Set(f.labels.near_misses.map((n) => n.pattern));
    const expected = [
      'same_amount_different_payments',
      'rounding_gap',
      'billed_before_tier_change',
      'recurring_batch_day',
      'approved_goodwill_credit',
      'approved_enterprise_credit'
    ];
    if (scale !== 'demo') expected.push('prorated_first_invoice');
    for (const pattern of expected)
      expect(patterns.has(pattern as NearMissLabel['pattern']), pattern).toBe(true);
  });

  it('are flagged by a naive rule and not by the careful analyst', async () => {
    const f = await fixture(scale, seed);
    const careful = carefulAnalyst(f.ds, f.windowStart, f.asOf);
    const naiveDup = naiveRules.duplicateRefunds(f.ds);
    const naiveUnder = naiveRules.underbilling(f.ds);
    const naiveTier = naiveRules.tierVsCurrent(f.ds);
    const naiveSpike = naiveRules.spikes(f.ds, f.windowStart, f.asOf);
    const naiveCredit = naiveRules.manualCredits(f.ds);
    for (const n of f.labels.near_misses) {
      switch (n.pattern) {
        case 'same_amount_different_payments':
          expect(naiveDup.has(n.refund_ids[0]) && naiveDup.has(n.refund_ids[1]), n.key).toBe(true);
          expect(careful.duplicate_refund.has(`duplicate_refund:${n.refund_ids[1]}`), n.key).toBe(
            false
          );
          break;
        case 'rounding_gap':
        case 'prorated_first_invoice':
          expect(naiveUnder.has(n.invoice_id), n.key).toBe(true);
          expect(careful.underbilling.has(`underbilling:${n.invoice_id}`), n.key).toBe(false);
          break;
        case 'billed_before_tier_change':
          expect(naiveTier.has(n.invoice_id), n.key).toBe(true);
          expect(careful.tier_mismatch.has(`tier_mismatch:${n.invoice_id}`), n.key).toBe(false);
          break;
        case 'recurring_batch_day':
          expect(naiveSpike.has(`${n.region}:${n.day}`), n.key).toBe(true);
          expect(careful.refund_spike.has(`refund_spike:${n.region}:${n.day}`), n.key).toBe(false);
          break;
        case 'approved_goodwill_credit':
        case 'approved_enterprise_credit':
          expect(naiveCredit.has(n.refund_id), n.key).toBe(true);
          expect(careful.manual_credit.has(`manual_credit:${n.refund_id}`), n.key).toBe(false);
          break;
      }
    }
  });

  it('exist and are legitimate for the reason they state', async () => {
    const f = await fixture(scale, seed);
    const { ds } = f;
    const subs = subscriptionIndex(ds.subscriptions);
    const refunds = new Map(ds.refunds.map((r) => [r.id, r]));
    const invoices = new Map(ds.invoices.map((i) => [i.id, i]));
    const payments = new Map(ds.payments.map((p) => [p.id, p]));
    const subsById = new Map(ds.subscriptions.map((s) => [s.id, s]));
    const customers = new Map(ds.customers.map((c) => [c.id, c]));
    const first = firstInvoices(ds.invoices);
    for (const n of f.labels.near_misses) {
      expect(n.why.length).toBeGreaterThan(20);
      switch (n.pattern) {
        case 'same_amount_different_payments': {
          const [a, b] = n.refund_ids.map((id) => refunds.get(id));
          if (!a || !b) throw new Error(`missing refund of ${n.key}`);
          expect([a.customer, b.customer]).toEqual([n.customer_id, n.customer_id]);
          expect([a.payment, b.payment]).toEqual(n.payment_ids);
          expect(a.payment).not.toBe(b.payment);
          expect(a.amountCents).toBe(b.amountCents);
          expect(b.time - a.time).toBeLessThanOrEqual(DEFINITIONS.naiveDuplicateWindowHours * 3600);
          for (const id of n.payment_ids) expect(payments.get(id)?.customer).toBe(n.customer_id);
          break;
        }
        case 'rounding_gap': {
          const invoice = invoices.get(n.invoice_id);
          if (!invoice) throw new Error(`missing invoice of ${n.key}`);
          const gap = invoice.expectedCents - invoice.billedCents;
          expect(gap).toBeGreaterThan(0);
          expect(gap).toBeLessThanOrEqual(Math.max(99, 0.02 * invoice.expectedCents));
          expect(invoice.billedTier).toBe(inForce(subs, invoice.customer, invoice.time)?.tier);
          break;
        }
        case 'prorated_first_invoice': {
          const invoice = invoices.get(n.invoice_id);
          const sub = subsById.get(n.subscription_id);
          if (!invoice || !sub) throw new Error(`missing rows of ${n.key}`);
          expect(first.get(invoice.customer)).toBe(invoice);
          expect(dayOf(invoice.time)).toBe(dayOf(sub.start));
          const { year, month, day } = civilFromDays(dayOf(invoice.time));
          expect(day).not.toBe(1);
          const dim = daysInMonth(year, month);
          expect(invoice.billedCents).toBe(Math.round((sub.priceCents * (dim - day + 1)) / dim));
          expect(invoice.expectedCents).toBe(sub.priceCents);
          break;
        }
        case 'billed_before_tier_change': {
          const invoice = invoices.get(n.invoice_id);
          const next = subsById.get(n.next_subscription_id);
          if (!invoice || !next) throw new Error(`missing rows of ${n.key}`);
          expect(invoice.billedTier).toBe(inForce(subs, invoice.customer, invoice.time)?.tier);
          expect(next.start).toBeGreaterThan(invoice.time);
          expect(next.customer).toBe(invoice.customer);
          expect(customers.get(invoice.customer)?.tier).toBe(n.current_tier);
          expect(n.current_tier).not.toBe(invoice.billedTier);
          break;
        }
        case 'recurring_batch_day': {
          expect(n.day.endsWith('-01')).toBe(true);
          const day = parseDay(n.day);
          const region = new Set(
            ds.customers.filter((c) => c.region === n.region).map((c) => c.id)
          );
          const onDay = (d: number) =>
            ds.refunds.filter((r) => dayOf(r.time) === d && region.has(r.customer)).length;
          expect(onDay(day)).toBe(n.refund_count);
          // The same calendar day peaks in other months too.
          const peaks = [...naiveRules.spikes(ds, f.windowStart, f.asOf)];
          const others = peaks.filter(
            (k) => k.startsWith(`${n.region}:`) && k.endsWith('-01') && k !== `${n.region}:${n.day}`
          );
          expect(others.length).toBeGreaterThanOrEqual(DEFINITIONS.recurringPeakMinOtherMonths);
          break;
        }
        case 'approved_goodwill_credit':
        case 'approved_enterprise_credit': {
          const refund = refunds.get(n.refund_id);
          if (!refund) throw new Error(`missing refund of ${n.key}`);
          expect(refund).toMatchObject({
            reason: 'manual_credit',
            processor: 'manual',
            approvedBy: n.approved_by,
            customer: n.customer_id
          });
          const price = inForce(subs, refund.customer, refund.time)?.priceCents ?? 0;
          expect(refund.amountCents).toBeLessThanOrEqual(price);
          if (n.pattern === 'approved_enterprise_credit') {
            expect(inForce(subs, refund.customer, refund.time)?.tier).toBe('enterprise');
            expect(refund.amountCents).toBeGreaterThan(DEFINITIONS.manualCreditBar * 100);
          }
          break;
        }
      }
    }
  });
});
