/**
 * Manual credits: money handed out by hand, outside the processor's refund flow. The materiality
 * bar applies to every credit: at or below it a credit is never a case. Above it, a credit is a
 * case when nobody approved it (if the data records approvers at all), or when it is above the
 * customer's monthly price in force: an approved credit within one month's price is routine
 * goodwill. Unapproved credits below the bar are a process note in the run summary (how many,
 * what total), not cases.
 */
import { z } from 'zod';
import { findingKey } from '../keys';
import { cents, type Finding, type RuleHit } from '../schemas/finding';
import { AS_OF_END, hasTable, optionalColumn, shortTime, text } from './sql';
import type { Detector, DetectorContext } from './types';

const rowSchema = z.object({
  refund_id: z.string(),
  customer_id: z.string().nullable(),
  refund_date: z.string(),
  amount: z.number(),
  approved_by: z.string().nullable(),
  monthly_price: z.number().nullable(),
  linked_payment_id: z.string().nullable(),
  unapproved: z.boolean(),
  above_bar: z.boolean(),
  above_price: z.boolean(),
  note: z.string().nullable()
});
type Row = z.infer<typeof rowSchema>;

const approvalKnown = (ctx: DetectorContext) =>
  optionalColumn(ctx, 'refunds', 'r', 'approved_by') !== 'NULL::VARCHAR';

function build(ctx: DetectorContext) {
  const m = ctx.memory;
  const approver = optionalColumn(ctx, 'refunds', 'r', 'approved_by');
  const note = optionalColumn(ctx, 'refunds', 'r', 'note');
  const join = hasTable(ctx, 'subscriptions')
    ? `ASOF LEFT JOIN subscriptions s ON c.customer_id = s.customer_id AND c.refund_date >= s.start_date`
    : `LEFT JOIN (SELECT NULL::DOUBLE AS monthly_price) s ON true`;
  const sql = `WITH c AS (
      SELECT r.refund_id, r.customer_id, r.refund_date, r.amount::DOUBLE AS amount,
        nullif(trim(${approver}), '') AS approved_by, ${note} AS note,
        nullif(trim(r.linked_payment_id), '') AS linked_payment_id
      FROM refunds r
      WHERE lower(trim(r.reason)) = 'manual_credit' AND r.refund_date < ${AS_OF_END}
    ), judged AS (
      SELECT c.*, s.monthly_price::DOUBLE AS monthly_price,
        (?::BOOLEAN AND ?::BOOLEAN AND c.approved_by IS NULL) AS unapproved,
        c.amount > ?::DOUBLE AS above_bar,
        (NOT ?::BOOLEAN OR s.monthly_price IS NULL OR c.amount > s.monthly_price) AS above_price
      FROM c ${join}
    )
    SELECT * FROM judged WHERE unapproved OR (above_bar AND above_price) ORDER BY refund_id`;
  return {
    sql,
    params: [
      ctx.asOf,
      approvalKnown(ctx),
      m.manual_credit_flag_unapproved,
      m.manual_credit_bar,
      m.manual_credit_price_is_routine
    ]
  };
}

/** A credit the rules make a case: above the bar, and unapproved or above the monthly price. */
const isCase = (row: Row) => row.above_bar && (row.unapproved || row.above_price);

/**
 * Confidence from the evidence: two independent reasons (no approver and above the price) are
 * near certain; one reason is strong, and firmer the further the amount clears the bar.
 */
export function creditStrength(
  row: Pick<Row, 'unapproved' | 'above_price' | 'amount'>,
  bar: number
) {
  if (row.unapproved && row.above_price) return 0.97;
  const clearance = bar > 0 ? Math.min(1, (row.amount - bar) / bar) : 1;
  return Math.round((0.92 + 0.05 * Math.max(0, clearance)) * 1000) / 1000;
}

/** Unapproved credits below the bar: not cases, but a process gap worth one line. */
function processNotes(rows: readonly Row[]): string[] {
  const small = rows.filter((r) => r.unapproved && !r.above_bar);
  if (small.length === 0) return [];
  const total = cents(small.reduce((s, r) => s + r.amount, 0));
  return [
    `${small.length} manual credit${small.length === 1 ? '' : 's'} without an approver below the materiality bar ($${total} in total): not cases, but the approval step was skipped.`
  ];
}

function toFinding(row: Row, ctx: DetectorContext): Finding {
  const m = ctx.memory;
  const amount = cents(row.amount);
  const rules: RuleHit[] = [];
  if (row.unapproved)
    rules.push({
      rule: 'manual_credit_flag_unapproved',
      threshold: true,
      observed: 'no approver',
      detail: 'No approved_by recorded for this manual credit.'
    });
  rules.push({
    rule: 'manual_credit_bar',
    threshold: m.manual_credit_bar,
    observed: amount,
    detail: `$${amount} is above the $${m.manual_credit_bar} materiality bar.`
  });
  if (row.above_price && m.manual_credit_price_is_routine)
    rules.push({
      rule: 'manual_credit_price_is_routine',
      threshold: row.monthly_price,
      observed: amount,
      detail:
        row.monthly_price === null
          ? 'No subscription in force to compare with.'
          : `Above the monthly price in force ($${cents(row.monthly_price)}).`
    });
  const who = row.customer_id ?? 'unknown customer';
  const note = text(row.note);
  return {
    type: 'manual_credit',
    key: findingKey('manual_credit', row.refund_id),
    title: `Manual credit ${row.refund_id} of $${amount}${row.unapproved ? ' without approval' : ''}`,
    summary: `${who} got a $${amount} manual credit on ${row.refund_date.slice(0, 10)}${row.approved_by ? ` approved by ${row.approved_by}` : approvalKnown(ctx) ? ' with no approver' : ''}.`,
    entities: {
      ...(row.customer_id ? { customer_id: row.customer_id } : {}),
      refund_id: row.refund_id,
      date: row.refund_date.slice(0, 10)
    },
    rawImpact: amount,
    strength: creditStrength(row, m.manual_credit_bar),
    rules,
    facts: {
      amount,
      approved_by: row.approved_by ?? (approvalKnown(ctx) ? null : 'not recorded in the data'),
      monthly_price: row.monthly_price === null ? null : cents(row.monthly_price),
      linked_payment_id: row.linked_payment_id,
      refund_date: shortTime(row.refund_date)
    },
    notes: note ? [{ source: `refunds.note ${row.refund_id}`, text: note }] : []
  };
}

export const manualCredit: Detector<Row> = {
  type: 'manual_credit',
  label: 'Manual credits',
  requires: ['refunds'],
  entities: ['refunds', 'payments'],
  build,
  row: rowSchema,
  select: (rows) => rows.filter(isCase),
  processNotes,
  toFinding
};
