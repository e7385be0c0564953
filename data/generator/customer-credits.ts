/**
 * Manual credits: the planted anomalies (above the bar, and without an approver or above the
 * monthly price) and their near-misses (approved and within the customer's monthly price),
 * priced against the subscription in force.
 */
import { APPROVERS, MANUAL_CREDIT_REASON, MANUAL_PROCESSOR } from './catalog';
import type { RefundTag } from './context';
import { DEFINITIONS } from './definitions';
import { refundNote } from './notes';
import type { CustomerPlant } from './plan';
import { openPayments, push, timeOnDay, type RefundScope } from './refund-helpers';
import { subscriptionAt } from './skeleton';

export function plantCredit(c: RefundScope, plant: CustomerPlant): void {
  const { ctx, rng } = c;
  const first = c.payments[0];
  if (!first) return;
  const day = ctx.plan.calendar.findDay(
    c.skeleton.regionIndex,
    rng.int(first.day + 1, ctx.window.asOfDay),
    first.day + 1,
    ctx.window.asOfDay,
    1
  );
  if (day < 0) return;
  const time = timeOnDay(rng, day, 9, 18, -Infinity);
  const sub = c.skeleton.subs[subscriptionAt(c.skeleton.subs, time)];
  if (!sub) return;
  const price = sub.priceCents;
  const bar = DEFINITIONS.manualCreditBar * 100;
  let amount: number;
  let approvedBy = '';
  let tag: RefundTag;
  let note = '';
  if (plant.kind === 'manual_credit') {
    // Every planted credit clears the materiality bar: an unapproved one just above it (within
    // the price when the price allows), the others above the bar and the price.
    if (plant.variant === 'unapproved')
      amount = bar + 100 * rng.int(1, Math.max(1, Math.min(100, Math.floor((price - bar) / 100))));
    else amount = Math.ceil((Math.max(bar, price) * rng.range(1.1, 2.5)) / 1000) * 1000;
    if (plant.variant === 'above_bar_approved') approvedBy = rng.pick(APPROVERS);
    const reasons: ('unapproved' | 'above_bar')[] = [];
    if (approvedBy === '') reasons.push('unapproved');
    if (amount > bar && amount > price) reasons.push('above_bar');
    tag = { kind: 'manual_credit', reasons, priceCents: price };
    if (rng.chance(0.6)) note = refundNote(rng, 'suspicious');
  } else if (plant.kind === 'enterprise_credit_near_miss') {
    if (price <= bar + 100) return;
    amount = rng.int(bar / 100 + 1, price / 100) * 100;
    approvedBy = rng.pick(APPROVERS);
    tag = { kind: 'enterprise_credit_near_miss', priceCents: price };
    note = refundNote(rng, 'goodwill');
  } else {
    // Half of the goodwill credits clear $100, so a naive "credit above $100" rule trips on them.
    const floor = price > 10_000 && rng.chance(0.5) ? 10_100 : 1000;
    amount = Math.min(price, Math.max(floor, Math.round((price * rng.range(0.2, 1)) / 100) * 100));
    approvedBy = rng.pick(APPROVERS);
    tag = { kind: 'goodwill_near_miss', priceCents: price };
    if (rng.chance(0.7)) note = refundNote(rng, 'goodwill');
  }
  // Half of the credits name the payment they compensate; the rest stand alone.
  const linked = rng.chance(0.5) ? (openPayments(c, day)[0] ?? -1) : -1;
  push(c, linked, time, amount, MANUAL_CREDIT_REASON, MANUAL_PROCESSOR, tag, note, approvedBy);
  ctx.plan.calendar.add(c.skeleton.regionIndex, day);
}
