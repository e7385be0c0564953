/**
 * Duplicate refunds: the same payment refunded twice for the same amount. Refunds name the
 * payment they refund (linked_payment_id); two refunds of one payment, customer and amount within
 * the linked window are a duplicate however far apart they are within it, while refunds of
 * different payments for the same amount are not (a customer refunded for two monthly charges).
 * Only when a refund names no payment does the detector fall back to customer + amount + a short
 * time window, the original rule.
 */
import { z } from 'zod';
import { findingKey } from '../keys';
import { cents, type Finding } from '../schemas/finding';
import { AS_OF_END, optionalColumn, shortTime, text } from './sql';
import type { Detector, DetectorContext } from './types';

const rowSchema = z.object({
  basis: z.enum(['linked_payment', 'customer_amount_time']),
  first_id: z.string(),
  second_id: z.string(),
  customer_id: z.string(),
  payment_id: z.string().nullable(),
  amount: z.number(),
  first_date: z.string(),
  second_date: z.string(),
  gap_minutes: z.number(),
  reason: z.string().nullable(),
  first_note: z.string().nullable(),
  second_note: z.string().nullable()
});
type Row = z.infer<typeof rowSchema>;

function build(ctx: DetectorContext) {
  const note = optionalColumn(ctx, 'refunds', 'r', 'note');
  const pair = (
    w: string
  ) => `lag(refund_id) OVER ${w} AS prev_id, lag(refund_date) OVER ${w} AS prev_date,
      lag(payment) OVER ${w} AS prev_payment, lag(note) OVER ${w} AS prev_note`;
  const select = (basis: string) => `SELECT '${basis}' AS basis, prev_id AS first_id,
      refund_id AS second_id, customer_id, nullif(coalesce(payment, prev_payment), '') AS payment_id,
      amount::DOUBLE AS amount, prev_date AS first_date, refund_date AS second_date,
      (epoch(refund_date) - epoch(prev_date)) / 60.0 AS gap_minutes, reason,
      prev_note AS first_note, note AS second_note`;
  const sql = `WITH r AS (
      SELECT r.refund_id, r.customer_id, r.refund_date, r.amount, r.reason,
        coalesce(trim(r.linked_payment_id), '') AS payment, ${note} AS note
      FROM refunds r WHERE r.refund_date < ${AS_OF_END} AND r.customer_id IS NOT NULL
    ), linked AS (
      SELECT *, ${pair('w')} FROM r WHERE payment <> ''
      WINDOW w AS (PARTITION BY customer_id, payment, amount ORDER BY refund_date, refund_id)
    ), any_payment AS (
      SELECT *, ${pair('w')} FROM r
      WINDOW w AS (PARTITION BY customer_id, amount ORDER BY refund_date, refund_id)
    )
    ${select('linked_payment')} FROM linked
    WHERE prev_id IS NOT NULL AND epoch(refund_date) - epoch(prev_date) <= ?::DOUBLE * 3600
    UNION ALL
    ${select('customer_amount_time')} FROM any_payment
    WHERE prev_id IS NOT NULL AND (payment = '' OR prev_payment = '')
      AND epoch(refund_date) - epoch(prev_date) <= ?::DOUBLE * 3600
    ORDER BY second_id`;
  return {
    sql,
    params: [ctx.asOf, ctx.memory.duplicate_linked_window_hours, ctx.memory.duplicate_window_hours]
  };
}

function toFinding(row: Row, ctx: DetectorContext): Finding {
  const linked = row.basis === 'linked_payment';
  const windowKey = linked ? 'duplicate_linked_window_hours' : 'duplicate_window_hours';
  const gap = Math.round(row.gap_minutes);
  const amount = cents(row.amount);
  const notes = [
    { source: `refunds.note ${row.first_id}`, text: text(row.first_note) },
    { source: `refunds.note ${row.second_id}`, text: text(row.second_note) }
  ].flatMap((n) => (n.text ? [{ source: n.source, text: n.text }] : []));
  return {
    type: 'duplicate_refund',
    key: findingKey('duplicate_refund', row.first_id, row.second_id),
    title: `Duplicate refund ${row.second_id} of ${row.first_id} ($${amount})`,
    summary: linked
      ? `${row.customer_id} was refunded $${amount} twice for payment ${row.payment_id ?? ''}, ${gap} min apart.`
      : `${row.customer_id} got two $${amount} refunds ${gap} min apart, at least one naming no payment.`,
    entities: {
      customer_id: row.customer_id,
      refund_ids: [row.first_id, row.second_id],
      date: row.second_date.slice(0, 10)
    },
    rawImpact: amount,
    // A shared payment is hard evidence; customer + amount + time alone is circumstantial.
    strength: linked ? 0.95 : 0.75,
    rules: [
      {
        rule: linked ? 'same_linked_payment' : 'same_customer_and_amount',
        threshold: null,
        observed: linked ? (row.payment_id ?? '') : amount,
        detail: linked
          ? `Both refunds name payment ${row.payment_id ?? ''} and the amount $${amount}.`
          : `Same customer and amount; ${row.payment_id ? 'one refund names no payment' : 'neither names a payment'}.`
      },
      {
        rule: windowKey,
        threshold: ctx.memory[windowKey],
        observed: Math.round((row.gap_minutes / 60) * 100) / 100,
        detail: `${gap} min apart, within the ${ctx.memory[windowKey]} h window.`
      }
    ],
    facts: {
      basis: row.basis,
      payment_id: row.payment_id,
      amount,
      first_refund_at: shortTime(row.first_date),
      second_refund_at: shortTime(row.second_date),
      gap_minutes: gap,
      reason: row.reason
    },
    notes
  };
}

export const duplicateRefunds: Detector<Row> = {
  type: 'duplicate_refund',
  label: 'Duplicate refunds',
  requires: ['refunds'],
  entities: ['refunds', 'payments'],
  build,
  row: rowSchema,
  toFinding
};
