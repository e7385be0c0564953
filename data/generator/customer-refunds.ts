/**
 * One customer's refunds: planted ones first (spike and batch refunds, duplicate pairs, manual
 * credits and their near-misses), then ordinary refunds at the scale's rate. Every payment is
 * refunded at most once except by a planted duplicate, and every refund but spike and batch ones
 * takes its day from the refund calendar, so no unplanted spike or duplicate can appear.
 */
import { BATCH_PROCESSOR, REFUND_REASON_WEIGHTS, REFUND_REASONS } from './catalog';
import { SECONDS_PER_DAY } from './calendar';
import type { InvoiceRecord, PaymentRecord, RefundRecord, SimContext } from './context';
import { plantCredit } from './customer-credits';
import { DEFINITIONS } from './definitions';
import { refundNote } from './notes';
import type { CustomerPlant } from './plan';
import type { Rng } from './prng';
import { REFUND_DELAY_WEIGHTS } from './refund-calendar';
import {
  HOUR,
  openPayments,
  ordinaryNote,
  push,
  refundAmount,
  timeOnDay,
  type RefundScope
} from './refund-helpers';
import type { Skeleton } from './skeleton';

const REASON_W = [...REFUND_REASON_WEIGHTS];

function plantedDayRefund(c: RefundScope, day: number, batch: boolean): void {
  let candidates = openPayments(c, day);
  if (candidates.length === 0) {
    // A failed payment before the day becomes a completed one rather than losing the refund.
    const failed = c.payments.findIndex((p) => !p.completed && !p.refunded && p.day < day);
    if (failed < 0) return;
    const p = c.payments[failed] as PaymentRecord;
    p.completed = true;
    const failures = c.ctx.stats.failuresPerDay;
    const i = p.day - c.ctx.window.startDay;
    failures[i] = (failures[i] ?? 0) - 1;
    candidates = [failed];
  }
  const index = c.rng.chance(0.7) ? (candidates[0] as number) : c.rng.pick(candidates);
  const payment = c.payments[index] as PaymentRecord;
  const time = batch
    ? timeOnDay(c.rng, day, 2, 3, payment.time)
    : timeOnDay(c.rng, day, 6, 22, payment.time);
  if (time < 0) return;
  const amount = refundAmount(c.rng, payment.amountCents);
  if (batch) {
    const reason = c.rng.chance(0.6) ? 'customer_request' : 'billing_error';
    push(
      c,
      index,
      time,
      amount,
      reason,
      BATCH_PROCESSOR,
      { kind: 'batch' },
      c.rng.chance(0.5) ? refundNote(c.rng, 'batch') : ''
    );
  } else {
    const reason = c.rng.chance(0.75) ? 'service_issue' : 'customer_request';
    const note = c.rng.chance(0.05)
      ? refundNote(c.rng, 'alarming')
      : c.rng.chance(0.4)
        ? refundNote(c.rng, 'outage')
        : '';
    push(c, index, time, amount, reason, payment.processor, { kind: 'spike' }, note);
  }
  c.ctx.plan.calendar.add(c.skeleton.regionIndex, day);
}

function plantDuplicate(c: RefundScope, beyondNaiveWindow: boolean): void {
  const { ctx, rng } = c;
  const calendar = ctx.plan.calendar;
  const region = c.skeleton.regionIndex;
  const gapMinutes = beyondNaiveWindow
    ? rng.int(150, (DEFINITIONS.duplicateRefundWindowHours - 2) * 60)
    : rng.int(3, 115);
  // Any open payment will do; try them in random order until the pair fits the calendar and
  // ends before the as-of date.
  for (const index of rng.shuffle(openPayments(c, ctx.window.asOfDay))) {
    const payment = c.payments[index] as PaymentRecord;
    const amount = refundAmount(rng, payment.amountCents);
    for (let day = payment.day + rng.int(0, 6); day <= ctx.window.asOfDay; day++) {
      const first = timeOnDay(rng, day, 8, 12, payment.time);
      if (first < 0) continue;
      const second = first + gapMinutes * 60;
      if (second > ctx.window.endSecond) break;
      const secondDay = Math.floor(second / SECONDS_PER_DAY);
      const sameDay = secondDay === day;
      if (
        !calendar.hasRoom(region, day, sameDay ? 2 : 1) ||
        (!sameDay && !calendar.hasRoom(region, secondDay, 1))
      )
        continue;
      const reason = rng.pick([
        'billing_error',
        'overcharge',
        'service_issue',
        'customer_request'
      ] as const);
      const firstNote = rng.chance(0.5) ? refundNote(rng, 'routine') : '';
      // The second refund often repeats the first note (a resubmitted form) or shouts.
      const secondNote = rng.chance(0.4)
        ? firstNote
        : rng.chance(0.5)
          ? refundNote(rng, 'alarming')
          : '';
      push(
        c,
        index,
        first,
        amount,
        reason,
        payment.processor,
        { kind: 'duplicate', role: 0, beyondNaiveWindow },
        firstNote
      );
      push(
        c,
        index,
        second,
        amount,
        reason,
        payment.processor,
        { kind: 'duplicate', role: 1, beyondNaiveWindow },
        secondNote
      );
      calendar.add(region, day);
      calendar.add(region, secondDay);
      return;
    }
  }
}

function plantDuplicateNearMiss(c: RefundScope): void {
  const { ctx, rng } = c;
  const candidates = openPayments(c, ctx.window.asOfDay);
  if (candidates.length < 2) return;
  const [a, b] = [candidates[0] as number, candidates[1] as number];
  const pa = c.payments[a] as PaymentRecord;
  const pb = c.payments[b] as PaymentRecord;
  const smaller = Math.min(pa.amountCents, pb.amountCents);
  const amount =
    pa.amountCents === pb.amountCents && rng.chance(0.6)
      ? smaller
      : Math.max(100, Math.round((smaller * rng.range(0.2, 0.8)) / 100) * 100);
  const earliest = Math.max(pa.day, pb.day);
  const day = ctx.plan.calendar.findDay(
    c.skeleton.regionIndex,
    earliest + rng.int(0, 5),
    earliest,
    ctx.window.asOfDay,
    2
  );
  if (day < 0) return;
  const first = timeOnDay(rng, day, 9, 20, Math.max(pa.time, pb.time));
  if (first < 0) return;
  const second = Math.min(
    first + rng.int(2, 100) * 60,
    day * SECONDS_PER_DAY + 23 * HOUR + 59 * 60
  );
  const reason = rng.pick(['customer_request', 'service_issue'] as const);
  const note = rng.chance(0.5) ? 'Refunding both monthly charges as agreed' : '';
  push(c, a, first, amount, reason, pa.processor, { kind: 'duplicate_near_miss', role: 0 }, note);
  push(c, b, second, amount, reason, pb.processor, { kind: 'duplicate_near_miss', role: 1 }, note);
  ctx.plan.calendar.add(c.skeleton.regionIndex, day, 2);
}

function sampleDelay(rng: Rng): number {
  return rng.weighted(REFUND_DELAY_WEIGHTS);
}

function ordinaryRefunds(c: RefundScope): void {
  const { ctx, rng } = c;
  for (let i = 0; i < c.payments.length; i++) {
    const payment = c.payments[i] as PaymentRecord;
    if (!payment.completed || payment.refunded || !rng.chance(ctx.params.refundRate)) continue;
    const preferred = payment.day + sampleDelay(rng);
    if (preferred > ctx.window.asOfDay) continue;
    const day = ctx.plan.calendar.findDay(
      c.skeleton.regionIndex,
      preferred,
      payment.day,
      Math.min(ctx.window.asOfDay, preferred + 14),
      1
    );
    if (day < 0) continue;
    const time = timeOnDay(rng, day, 7, 23, payment.time);
    if (time < 0) continue;
    const reason = REFUND_REASONS[rng.weighted(REASON_W)] as string;
    push(
      c,
      i,
      time,
      refundAmount(rng, payment.amountCents),
      reason,
      payment.processor,
      { kind: 'ordinary' },
      ordinaryNote(rng)
    );
    ctx.plan.calendar.add(c.skeleton.regionIndex, day);
  }
}

export function buildRefunds(
  ctx: SimContext,
  rng: Rng,
  skeleton: Skeleton,
  invoices: InvoiceRecord[],
  payments: PaymentRecord[],
  plants: readonly CustomerPlant[]
): RefundRecord[] {
  const c: RefundScope = { ctx, rng, skeleton, invoices, payments, refunds: [] };
  for (const plant of plants) {
    if (plant.kind === 'spike_refund') plantedDayRefund(c, plant.day, false);
    else if (plant.kind === 'batch_refund') plantedDayRefund(c, plant.day, true);
  }
  for (const plant of plants) {
    if (plant.kind === 'duplicate_refund') plantDuplicate(c, plant.beyondNaiveWindow);
    else if (plant.kind === 'duplicate_near_miss') plantDuplicateNearMiss(c);
    else if (
      plant.kind === 'manual_credit' ||
      plant.kind === 'goodwill_near_miss' ||
      plant.kind === 'enterprise_credit_near_miss'
    )
      plantCredit(c, plant);
  }
  ordinaryRefunds(c);
  return c.refunds.sort((a, b) => a.time - b.time);
}
