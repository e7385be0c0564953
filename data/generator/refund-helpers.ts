/** What the refund planting steps share: the customer in hand and small helpers on it. */
import { SECONDS_PER_DAY } from './calendar';
import type { InvoiceRecord, PaymentRecord, RefundRecord, RefundTag, SimContext } from './context';
import { refundNote } from './notes';
import type { Rng } from './prng';
import type { Skeleton } from './skeleton';

export const HOUR = 3600;

export interface RefundScope {
  ctx: SimContext;
  rng: Rng;
  skeleton: Skeleton;
  invoices: InvoiceRecord[];
  payments: PaymentRecord[];
  refunds: RefundRecord[];
}

/** A time on `day` between the hours given, and after `notBefore` (-1 if none fits). */
export function timeOnDay(
  rng: Rng,
  day: number,
  fromHour: number,
  toHour: number,
  notBefore: number
): number {
  const start = Math.max(day * SECONDS_PER_DAY + fromHour * HOUR, notBefore + 600);
  const end = day * SECONDS_PER_DAY + toHour * HOUR;
  return start > end ? -1 : rng.int(start, end);
}

export function refundAmount(rng: Rng, paymentCents: number): number {
  if (rng.chance(0.55) || paymentCents < 1000) return paymentCents;
  const partial = Math.round((paymentCents * rng.range(0.1, 0.9)) / 100) * 100;
  return Math.max(100, Math.min(paymentCents, partial));
}

export function ordinaryNote(rng: Rng): string {
  if (rng.chance(0.03)) return refundNote(rng, 'alarming');
  return rng.chance(0.55) ? refundNote(rng, 'routine') : '';
}

export function push(
  c: RefundScope,
  payment: number,
  time: number,
  amountCents: number,
  reason: string,
  processor: string,
  tag: RefundTag,
  note: string,
  approvedBy = ''
): void {
  c.refunds.push({ time, amountCents, reason, processor, payment, approvedBy, note, tag });
  if (payment >= 0) (c.payments[payment] as PaymentRecord).refunded = true;
}

/** Unrefunded completed payments made before `beforeDay`, latest first. */
export function openPayments(c: RefundScope, beforeDay: number): number[] {
  const found: number[] = [];
  for (let i = c.payments.length - 1; i >= 0; i--) {
    const p = c.payments[i] as PaymentRecord;
    if (p.completed && !p.refunded && p.day < beforeDay) found.push(i);
  }
  return found;
}

/** Spike and batch refunds land on their planned day whatever the calendar says. */
