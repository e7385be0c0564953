/**
 * Refund spike: a region-day with far more refunds than the region's usual day. The baseline is
 * robust and excludes the day itself: the median and MAD of the region's daily counts over the
 * days before (all of them while the data is shorter than the baseline window, so a six-week
 * export still works). A day must clear all of: a minimum count, a multiple of the median
 * (floored at 1) and a robust z-score. A peak that recurs on the same day of month in other
 * months (at a similar level) is a calendar batch (a partner settling refunds on the 1st), not a spike.
 */
import { z } from 'zod';
import { findingKey } from '../keys';
import { cents, type Finding } from '../schemas/finding';
import { AS_OF_END, frameRows, optionalColumn } from './sql';
import type { Detector, DetectorContext } from './types';

const rowSchema = z.object({
  region: z.string(),
  day: z.string(),
  n: z.number(),
  amount: z.number(),
  base: z.number(),
  mad: z.number(),
  history: z.number(),
  same_day_other_months: z.number(),
  refund_ids: z.string(),
  customers: z.number(),
  notes: z.string().nullable()
});
type Row = z.infer<typeof rowSchema>;

/** Scale that makes the MAD comparable to a standard deviation for normal data. */
const MAD_SCALE = 1.4826;
/** Notes carried per spike for sentiment: enough to read the mood, bounded. */
const NOTES_PER_SPIKE = 8;

function build(ctx: DetectorContext) {
  const m = ctx.memory;
  const note = optionalColumn(ctx, 'refunds', 'r', 'note');
  const frame = `ROWS BETWEEN ${frameRows(m.spike_baseline_days)} PRECEDING AND 1 PRECEDING`;
  const sql = `WITH r AS (
      SELECT r.refund_id, r.refund_date, r.amount, r.customer_id, ${note} AS note,
        coalesce(nullif(trim(c.region), ''), 'unknown') AS region,
        CAST(r.refund_date AS DATE) AS day
      FROM refunds r LEFT JOIN customers c ON c.customer_id = r.customer_id
      WHERE r.refund_date < ${AS_OF_END}
    ), days AS (
      SELECT unnest(generate_series(min(day), ?::DATE, INTERVAL 1 DAY))::DATE AS day FROM r
    ), daily AS (
      SELECT region, day, count(*) AS n, sum(amount)::DOUBLE AS amount FROM r GROUP BY ALL
    ), grid AS (
      SELECT g.region, d.day, coalesce(daily.n, 0)::DOUBLE AS n, coalesce(daily.amount, 0) AS amount
      FROM (SELECT DISTINCT region FROM r) g CROSS JOIN days d
      LEFT JOIN daily ON daily.region = g.region AND daily.day = d.day
    ), scored AS (
      SELECT *, median(n) OVER w AS base, mad(n) OVER w AS mad, count(*) OVER w AS history
      FROM grid WINDOW w AS (PARTITION BY region ORDER BY day ${frame})
    ), peaks AS (
      SELECT * FROM scored
      WHERE history > 0 AND n >= ?::DOUBLE AND n > ?::DOUBLE * greatest(base, 1)
        AND n >= base + ?::DOUBLE * greatest(${MAD_SCALE} * mad, 1)
    ), recurring AS (
      SELECT p.region, p.day, count(g.day) AS same_day_other_months
      FROM peaks p LEFT JOIN grid g ON g.region = p.region AND day(g.day) = day(p.day)
        AND g.day <> p.day AND g.n >= ?::DOUBLE * p.n
      GROUP BY ALL
    ), spikes AS (
      SELECT p.*, r.same_day_other_months FROM peaks p JOIN recurring r USING (region, day)
      WHERE p.history >= ?::DOUBLE AND r.same_day_other_months < ?::DOUBLE
    )
    SELECT s.region, strftime(s.day, '%Y-%m-%d') AS day, s.n, s.amount, s.base, s.mad,
      s.history::DOUBLE AS history, s.same_day_other_months::DOUBLE AS same_day_other_months,
      string_agg(r.refund_id, ',' ORDER BY r.refund_date, r.refund_id) AS refund_ids,
      count(DISTINCT r.customer_id)::DOUBLE AS customers,
      array_to_string(list_slice(list(r.note ORDER BY r.refund_date, r.refund_id)
        FILTER (WHERE nullif(trim(r.note), '') IS NOT NULL), 1, ${NOTES_PER_SPIKE}), chr(30)) AS notes
    FROM spikes s JOIN r ON r.region = s.region AND r.day = s.day
    GROUP BY ALL ORDER BY 2, 1`;
  return {
    sql,
    params: [
      ctx.asOf,
      ctx.asOf,
      m.spike_min_refunds,
      m.spike_ratio,
      m.spike_min_robust_z,
      m.spike_recurring_min_share,
      m.spike_min_history_days,
      m.spike_recurring_min_other_months
    ]
  };
}

function toFinding(row: Row, ctx: DetectorContext): Finding {
  const m = ctx.memory;
  const spread = Math.max(MAD_SCALE * row.mad, 1);
  const z = (row.n - row.base) / spread;
  const ratio = row.n / Math.max(row.base, 1);
  // The refunds above the usual day, valued at the day's average refund.
  const excess = cents(row.amount * Math.max(0, (row.n - row.base) / row.n));
  const ids = row.refund_ids.split(',');
  const notes = (row.notes ?? '')
    .split('\u001e')
    .filter((t) => t.trim() !== '')
    .map((t, i) => ({ source: `refunds.note (${row.region} ${row.day} #${i + 1})`, text: t }));
  return {
    type: 'refund_spike',
    key: findingKey('refund_spike', row.region, row.day),
    title: `Refund spike in ${row.region} on ${row.day}: ${row.n} refunds`,
    summary: `${row.region} had ${row.n} refunds ($${cents(row.amount)}) on ${row.day} against a median of ${row.base} a day over the ${row.history} days before.`,
    entities: { region: row.region, date: row.day, refund_ids: ids },
    rawImpact: excess,
    strength: Math.min(0.95, 0.6 + z / 40 + (row.history >= m.spike_baseline_days ? 0.1 : 0)),
    rules: [
      {
        rule: 'spike_min_refunds',
        threshold: m.spike_min_refunds,
        observed: row.n,
        detail: `${row.n} refunds (at least ${m.spike_min_refunds}).`
      },
      {
        rule: 'spike_ratio',
        threshold: m.spike_ratio,
        observed: Math.round(ratio * 100) / 100,
        detail: `${ratio.toFixed(2)}× the median ${row.base} (floored at 1); bar ${m.spike_ratio}×.`
      },
      {
        rule: 'spike_min_robust_z',
        threshold: m.spike_min_robust_z,
        observed: Math.round(z * 100) / 100,
        detail: `${z.toFixed(1)} robust deviations above the median (MAD ${row.mad}).`
      },
      {
        rule: 'spike_baseline_days',
        threshold: m.spike_baseline_days,
        observed: row.history,
        detail:
          row.history < m.spike_baseline_days
            ? `Baseline over the ${row.history} days available (shorter than ${m.spike_baseline_days}).`
            : `Baseline over the ${row.history} days before, excluding the day itself.`
      },
      {
        rule: 'spike_recurring_min_other_months',
        threshold: m.spike_recurring_min_other_months,
        observed: row.same_day_other_months,
        detail: `Day ${Number(row.day.slice(8))} of the month reaches ${m.spike_recurring_min_share * 100}% of this level in ${row.same_day_other_months} other month(s): not a calendar batch.`
      }
    ],
    facts: {
      region: row.region,
      day: row.day,
      refund_count: row.n,
      refund_amount: cents(row.amount),
      baseline_median: row.base,
      baseline_mad: row.mad,
      customers: row.customers
    },
    notes
  };
}

export const refundSpike: Detector<Row> = {
  type: 'refund_spike',
  label: 'Refund spike',
  requires: ['refunds', 'customers'],
  entities: ['refunds'],
  build,
  row: rowSchema,
  toFinding
};
