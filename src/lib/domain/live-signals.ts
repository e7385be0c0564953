/**
 * Signals computed from the data, relative to the as-of date (never the wall clock): the
 * busiest refund day of each region in the last week against the four weeks before, billed
 * revenue of the last 30 days against the 30 before and against contract, and the payment
 * failure rate of the last week against the four weeks before. Each is one small query; these
 * steer the plan, the detectors decide.
 */
import { z } from 'zod';
import { AS_OF_END } from './detectors/sql';
import type { DetectorContext, SqlQuery } from './detectors/types';
import type { Severity, Signal } from './schemas/signal';

/** Monitor bars: a revenue drop or contract gap this large is worth a signal. */
const REVENUE_DROP = { medium: 0.1, high: 0.25 };
const CONTRACT_GAP = { medium: 0.05, high: 0.15 };
const FAILURE_RATE = { min: 0.05, minPayments: 20, ratio: 2 };

const noFocus = () => ({ regions: [], invoiceIds: [], customerIds: [], refundIds: [] });
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const endOfDay = (asOf: string) => `${asOf}T23:59:59.999Z`;

function signal(
  id: string,
  fields: Pick<Signal, 'timestamp' | 'type' | 'severity' | 'relatedEntity' | 'message' | 'metric'> &
    Partial<Pick<Signal, 'focus'>>
): Signal {
  return {
    id,
    origin: 'computed',
    source: 'opsiq-monitor',
    focus: noFocus(),
    payloadProblem: null,
    ...fields
  };
}

export const refundDaySql = (ctx: DetectorContext, withRegions: boolean): SqlQuery => ({
  sql: `WITH r AS (
      SELECT ${withRegions ? `coalesce(nullif(trim(c.region), ''), 'unknown')` : `'all'`} AS region,
        CAST(r.refund_date AS DATE) AS day, r.refund_date
      FROM refunds r ${withRegions ? 'LEFT JOIN customers c ON c.customer_id = r.customer_id' : ''}
      WHERE r.refund_date < ${AS_OF_END} AND r.refund_date >= ?::DATE - 34
    ), recent AS (
      SELECT region, day, count(*)::DOUBLE AS n, max(r.refund_date) AS last_at
      FROM r WHERE day > ?::DATE - 7 GROUP BY ALL
    ), base AS (
      SELECT region, count(*) / 28.0 AS per_day FROM r WHERE day <= ?::DATE - 7 GROUP BY ALL
    )
    SELECT recent.region, strftime(recent.day, '%Y-%m-%d') AS day, recent.n,
      coalesce(base.per_day, 0)::DOUBLE AS per_day, recent.last_at
    FROM recent LEFT JOIN base USING (region)
    QUALIFY row_number() OVER (PARTITION BY recent.region ORDER BY recent.n DESC, recent.day DESC) = 1
    ORDER BY recent.region`,
  params: [ctx.asOf, ctx.asOf, ctx.asOf, ctx.asOf]
});

export const refundDayRow = z.object({
  region: z.string(),
  day: z.string(),
  n: z.number(),
  per_day: z.number(),
  last_at: z.string()
});

export function refundDaySignal(row: z.infer<typeof refundDayRow>, ctx: DetectorContext) {
  const m = ctx.memory;
  const ratio = row.n / Math.max(row.per_day, 1);
  if (row.n < m.spike_min_refunds || ratio <= m.spike_ratio) return null;
  const severity: Severity = ratio >= 2 * m.spike_ratio ? 'high' : 'medium';
  return signal(`live:refunds:${row.region}:${row.day}`, {
    timestamp: row.last_at,
    type: 'refund_volume',
    severity,
    relatedEntity: 'refunds',
    message: `${row.n} refunds in ${row.region} on ${row.day}, ${ratio.toFixed(1)}× its usual day (${row.per_day.toFixed(1)} a day over the 4 weeks before)`,
    metric: { name: 'refund.count', value: row.n, baseline: row.per_day },
    focus: { ...noFocus(), regions: row.region === 'all' ? [] : [row.region] }
  });
}

export const revenueSql = (ctx: DetectorContext): SqlQuery => ({
  sql: `WITH i AS (SELECT invoice_date, billed_amount::DOUBLE AS billed, expected_amount::DOUBLE AS expected
      FROM invoices WHERE invoice_date < ${AS_OF_END} AND invoice_date >= ${AS_OF_END} - INTERVAL 60 DAY)
    SELECT coalesce(sum(billed) FILTER (WHERE invoice_date >= ${AS_OF_END} - INTERVAL 30 DAY), 0) AS cur,
      coalesce(sum(expected) FILTER (WHERE invoice_date >= ${AS_OF_END} - INTERVAL 30 DAY), 0) AS cur_expected,
      coalesce(sum(billed) FILTER (WHERE invoice_date < ${AS_OF_END} - INTERVAL 30 DAY), 0) AS prev
    FROM i`,
  params: [ctx.asOf, ctx.asOf, ctx.asOf, ctx.asOf, ctx.asOf]
});

export const revenueRow = z.object({ cur: z.number(), cur_expected: z.number(), prev: z.number() });

export function revenueSignals(row: z.infer<typeof revenueRow>, ctx: DetectorContext): Signal[] {
  const out: Signal[] = [];
  const at = endOfDay(ctx.asOf);
  if (row.prev > 0 && row.cur < row.prev * (1 - REVENUE_DROP.medium)) {
    const drop = 1 - row.cur / row.prev;
    out.push(
      signal(`live:revenue:${ctx.asOf}`, {
        timestamp: at,
        type: 'revenue_drop',
        severity: drop >= REVENUE_DROP.high ? 'high' : 'medium',
        relatedEntity: 'revenue',
        message: `Billed revenue of the last 30 days is ${pct(drop)} below the 30 days before`,
        metric: { name: 'revenue.billed_30d', value: row.cur, baseline: row.prev }
      })
    );
  }
  if (row.cur_expected > 0 && row.cur < row.cur_expected * (1 - CONTRACT_GAP.medium)) {
    const gap = 1 - row.cur / row.cur_expected;
    out.push(
      signal(`live:contract-gap:${ctx.asOf}`, {
        timestamp: at,
        type: 'billing_gap',
        severity: gap >= CONTRACT_GAP.high ? 'high' : 'medium',
        relatedEntity: 'invoices',
        message: `Invoices of the last 30 days billed ${pct(gap)} below their contracted amounts`,
        metric: {
          name: 'invoices.billed_vs_expected_30d',
          value: row.cur,
          baseline: row.cur_expected
        }
      })
    );
  }
  return out;
}

export const failureSql = (ctx: DetectorContext): SqlQuery => ({
  sql: `WITH p AS (SELECT payment_date >= ${AS_OF_END} - INTERVAL 7 DAY AS recent,
        lower(trim(status)) = 'failed' AS failed
      FROM payments WHERE payment_date < ${AS_OF_END} AND payment_date >= ${AS_OF_END} - INTERVAL 35 DAY)
    SELECT count(*) FILTER (WHERE recent)::DOUBLE AS n,
      count(*) FILTER (WHERE recent AND failed)::DOUBLE AS failed,
      count(*) FILTER (WHERE NOT recent)::DOUBLE AS prev_n,
      count(*) FILTER (WHERE NOT recent AND failed)::DOUBLE AS prev_failed
    FROM p`,
  params: [ctx.asOf, ctx.asOf, ctx.asOf]
});

export const failureRow = z.object({
  n: z.number(),
  failed: z.number(),
  prev_n: z.number(),
  prev_failed: z.number()
});

export function failureSignal(row: z.infer<typeof failureRow>, ctx: DetectorContext) {
  if (row.n < FAILURE_RATE.minPayments) return null;
  const rate = row.failed / row.n;
  const prev = row.prev_n > 0 ? row.prev_failed / row.prev_n : 0;
  if (rate < FAILURE_RATE.min || rate <= prev * FAILURE_RATE.ratio) return null;
  return signal(`live:payment-failures:${ctx.asOf}`, {
    timestamp: endOfDay(ctx.asOf),
    type: 'payment_failures',
    severity: rate >= 2 * FAILURE_RATE.min && rate > 3 * prev ? 'high' : 'medium',
    relatedEntity: 'payments',
    message: `Payment failure rate ${pct(rate)} in the last 7 days (${pct(prev)} the 4 weeks before)`,
    metric: { name: 'payment.failure_rate', value: rate, baseline: prev }
  });
}
