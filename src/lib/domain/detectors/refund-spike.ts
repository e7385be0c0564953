/**
 * Refund spike: a region-day with a count of refunds that is improbable for that region.
 *
 * The model (one SQL query builds the per-day aggregates, `select` judges them):
 * - Counts: refunds per region and day, manual credits left out (they are their own detector's
 *   business) and every day from the data's first refund to the as-of date on the grid.
 * - Calendar shape: per region and weekday, then per phase of the month (its first three days,
 *   its last three, the rest: billing runs make month starts busier), the counts over the whole
 *   period against the region's rate, both without the days above the trim (spikes and recurring
 *   batches are judged, not averaged into the shape) (a Gamma–Poisson estimate), shrunk toward the
 *   whole dataset's factor (itself shrunk toward 1 the same way) with `spike_shape_prior_refunds`
 *   refunds of weight: a busy region
 *   keeps its own shape, a quiet one (a few refunds per weekday) borrows the dataset's.
 * - Level: a trimmed mean of the weekday-adjusted counts over the `spike_baseline_days` days around
 *   the day, half before and half after, the day itself left out; days above the window's mean
 *   rate λ + `spike_trim_sd`·√λ + 1 are left out, so spikes and batches do not inflate it; shrunk
 *   toward the region's trimmed rate over three times that window
 *   (the whole period when shorter) with `spike_prior_days` days of weight: a region with a short
 *   history borrows the rest, a growing one borrows a rate of its own time.
 *   Expected count μ = level × weekday factor × phase factor.
 * - Dispersion: φ of a negative binomial (variance μ + φμ²), by moments over the region's days
 *   within the trim (peaks and batches left out), used only when Pearson's statistic shows
 *   overdispersion (two standard deviations above its Poisson mean), capped at
 *   `spike_max_dispersion` (0 = Poisson).
 * - Test: P(X ≥ n | μ, φ) ≤ `spike_max_p`, with floors: at least `spike_min_refunds` refunds,
 *   `spike_min_excess` above μ, more than `spike_ratio` × max(μ, 1) and `spike_min_robust_z`
 *   standard deviations.
 * - Calendar batches: a peak is not a spike when, in at least `spike_recurring_min_other_months`
 *   other months, the same calendar anchor (day of month, weekday of month, first / last business
 *   days, quarter end) has a peak of its own (tail probability ≤ `spike_recurring_max_p`), of
 *   similar size (excess within `spike_recurring_min_share` either way) at a similar time of day
 *   (median refund time within `spike_recurring_hours`). Ordinary busy days never hide a spike.
 */
import { z } from 'zod';
import { findingKey } from '../keys';
import type { MemoryValues } from '../memory';
import { cents, type Finding } from '../schemas/finding';
import { anchorWords, calendarDay } from './calendar-anchors';
import { deviations, tailProbability } from './count-model';
import { AS_OF_END, frameRows, optionalColumn } from './sql';
import type { Detector, DetectorContext } from './types';

const rowSchema = z.object({
  region: z.string(),
  day: z.string(),
  n: z.number(),
  amount: z.number(),
  mu: z.number(),
  level: z.number(),
  dow_factor: z.number(),
  phi: z.number(),
  history: z.number(),
  hod: z.number().nullable(),
  refund_ids: z.string(),
  customers: z.number(),
  notes: z.string().nullable()
});
export type SpikeRow = z.infer<typeof rowSchema>;
type Row = SpikeRow & { p?: number; recurring?: { anchor: string; months: number } | null };

/** Notes carried per spike for sentiment: enough to read the mood, bounded. */
const NOTES_PER_SPIKE = 8;
/** A month's first and last this many days form its start and end phases (payday, billing runs). */
const PHASE_DAYS = 3;
/**
 * The level's prior: the region's rate over this many times the baseline window around the day
 * (its trimmed days), not the whole period, so a growing or shrinking region's early and late
 * days borrow a rate of their own time.
 */
const WIDE = 3;
/** Days of a region's own history before its dispersion is estimated from it. */
const MIN_DISPERSION_HISTORY = 7;

function build(ctx: DetectorContext) {
  const m = ctx.memory;
  const note = optionalColumn(ctx, 'refunds', 'r', 'note');
  // The window is centred on the day (half before, half after, the day itself left out): a
  // retrospective judgement uses the days around it, so the data's first weeks are judged too.
  const H = frameRows(Math.max(1, Math.round(m.spike_baseline_days / 2)));
  // A Gamma–Poisson shape factor: own count s over own expectation e, with `a` refunds' weight
  // of the pooled factor pf.
  const shrunk = (sum: string, e: string, t: string) =>
    `coalesce((${sum} + ${t}.a * ${t}.pf) / nullif(${e} + ${t}.a, 0), ${t}.pf)`;
  // The level's trim around a rate: its mean over the window's ordinary days, plus the trim's
  // standard deviations of a count of that rate (+1 for whole refunds): a quiet region's burst of
  // 4 refunds is left out of its neighbours' level, where a median of 0 would keep it.
  const near = (rate: string) => `(${rate} + ?::DOUBLE * sqrt(${rate}) + 1)`;
  // Each region's own sums s / e beside the dataset's pooled factor pf (itself shrunk toward 1)
  // and the prior weight a, per weekday or phase.
  const pooled = (table: string, by: string) =>
    `SELECT d.*, coalesce((sum(d.s) OVER c + k.a) / nullif(sum(d.e) OVER c + k.a, 0), 1) AS pf, k.a
      FROM ${table} d, (SELECT ?::DOUBLE AS a) k WINDOW c AS (PARTITION BY d.${by})`;
  const trim = (med: string) => `(${med} + ?::DOUBLE * sqrt(greatest(${med}, 1)) + 1)`;
  const sql = `WITH r AS (
      SELECT r.refund_id, r.refund_date, r.amount::DOUBLE AS amount, r.customer_id, ${note} AS note,
        coalesce(nullif(trim(c.region), ''), 'unknown') AS region,
        CAST(r.refund_date AS DATE) AS day,
        hour(r.refund_date) + minute(r.refund_date) / 60.0 AS hod
      FROM refunds r LEFT JOIN customers c ON c.customer_id = r.customer_id
      WHERE r.refund_date < ${AS_OF_END}
        AND coalesce(lower(trim(r.reason)), '') <> 'manual_credit'
    ), days AS (
      SELECT unnest(generate_series(min(day), ?::DATE, INTERVAL 1 DAY))::DATE AS day FROM r
    ), daily AS (
      SELECT region, day, count(*)::DOUBLE AS n, sum(amount)::DOUBLE AS amount,
        median(hod)::DOUBLE AS hod
      FROM r GROUP BY ALL
    ), grid AS (
      SELECT g.region, d.day, isodow(d.day) AS dow,
        CASE WHEN day(d.day) <= ${PHASE_DAYS} THEN 'start'
          WHEN day(last_day(d.day)) - day(d.day) < ${PHASE_DAYS} THEN 'end' ELSE 'mid' END AS phase,
        coalesce(daily.n, 0)::DOUBLE AS n,
        coalesce(daily.amount, 0)::DOUBLE AS amount, daily.hod
      FROM (SELECT DISTINCT region FROM r) g CROSS JOIN days d
      LEFT JOIN daily ON daily.region = g.region AND daily.day = d.day
    ), reg_med AS (
      SELECT region, median(n)::DOUBLE AS med FROM grid GROUP BY region
    ), reg AS (
      SELECT g.region, avg(g.n) FILTER (WHERE g.n <= ${trim('m.med')})::DOUBLE AS rate,
        any_value(${trim('m.med')}) AS cap
      FROM grid g JOIN reg_med m USING (region) GROUP BY g.region
    ), dow_s AS (
      SELECT g.region, g.dow, coalesce(sum(g.n) FILTER (WHERE g.n <= reg.cap), 0)::DOUBLE AS s,
        (count(*) FILTER (WHERE g.n <= reg.cap) * reg.rate)::DOUBLE AS e
      FROM grid g JOIN reg USING (region) GROUP BY g.region, g.dow, reg.rate
    ), dowp AS (
      ${pooled('dow_s', 'dow')}
    ), dowf AS (
      SELECT *, ${shrunk('s', 'e', 'dowp')} AS f FROM dowp
    ), phase_s AS (
      SELECT g.region, g.phase,
        coalesce(sum(g.n / greatest(dowf.f, 0.01)) FILTER (WHERE g.n <= reg.cap), 0)::DOUBLE AS s,
        (count(*) FILTER (WHERE g.n <= reg.cap) * reg.rate)::DOUBLE AS e
      FROM grid g JOIN reg USING (region) JOIN dowf USING (region, dow)
      GROUP BY g.region, g.phase, reg.rate
    ), phasep AS (
      ${pooled('phase_s', 'phase')}
    ), phasef AS (
      SELECT *, ${shrunk('s', 'e', 'phasep')} AS fp FROM phasep
    ), adj AS (
      -- f shapes the neighbours' counts for the level; f_own, the day's own expectation, is the
      -- same estimate without the day itself (leave-one-out), so a peak never raises its own bar.
      SELECT g.*, reg.cap, greatest(dowf.f * phasef.fp, 0.01) AS f,
        g.n / greatest(dowf.f * phasef.fp, 0.01) AS z,
        greatest(${shrunk('dowf.s - o.n', 'dowf.e - o.e', 'dowf')}
          * ${shrunk('phasef.s - o.n / greatest(dowf.f, 0.01)', 'phasef.e - o.e', 'phasef')}, 0.01) AS f_own,
        dowf.e - o.e + dowf.a AS dow_w, phasef.e - o.e + phasef.a AS phase_w
      FROM grid g JOIN reg USING (region) JOIN dowf USING (region, dow)
      JOIN phasef USING (region, phase),
      LATERAL (SELECT CASE WHEN g.n <= reg.cap THEN g.n ELSE 0 END AS n,
        CASE WHEN g.n <= reg.cap THEN reg.rate ELSE 0 END AS e) o
    ), med AS (
      SELECT *, coalesce(avg(z) FILTER (WHERE n <= cap) OVER w, 0)::DOUBLE AS wmean,
        count(*) OVER w AS history,
        avg(z) FILTER (WHERE n <= cap) OVER wide AS wide_rate
      FROM adj WINDOW w AS (PARTITION BY region ORDER BY day
        ROWS BETWEEN ${H} PRECEDING AND ${H} FOLLOWING EXCLUDE CURRENT ROW),
        wide AS (PARTITION BY region ORDER BY day
        ROWS BETWEEN ${WIDE * H} PRECEDING AND ${WIDE * H} FOLLOWING EXCLUDE CURRENT ROW)
    ), lvl AS (
      SELECT a.region, a.day, coalesce(sum(h.z) FILTER (WHERE h.z <= ${near('a.wmean')}), 0)::DOUBLE AS s,
        count(h.z) FILTER (WHERE h.z <= ${near('a.wmean')}) AS kept
      FROM med a LEFT JOIN adj h ON h.region = a.region AND h.day >= a.day - ${H} AND h.day <= a.day + ${H}
        AND h.day <> a.day
      GROUP BY a.region, a.day
    ), scored AS (
      SELECT m.region, m.day, m.n, m.amount, m.hod, m.f_own AS f, m.history, m.dow_w, m.phase_w,
        (l.s + ?::DOUBLE * coalesce(m.wide_rate, reg.rate))::DOUBLE AS level_w, greatest(l.kept + ?::DOUBLE, 1) AS level_days
      FROM med m JOIN lvl l USING (region, day) JOIN reg USING (region)
    ), expected AS (
      -- μ is an estimate: its relative variance, 1 / (refunds behind each factor), summed, is
      -- the dispersion of the Gamma–Poisson predictive count, so a thin estimate asks for more.
      SELECT *, level_w / level_days AS level, level_w / level_days * f AS mu,
        1 / greatest(level_w, 1) + 1 / greatest(dow_w, 1) + 1 / greatest(phase_w, 1) AS est
      FROM scored
    ), disp AS (
      -- Overdispersion only when the data show it: Pearson's statistic above its Poisson mean by
      -- two standard deviations (χ² with one degree of freedom per day).
      SELECT e.region, CASE WHEN sum(power(e.n - e.mu, 2) / greatest(e.mu, 0.01))
          > count(*) + 2 * sqrt(2 * count(*))
        THEN least(?::DOUBLE, greatest(0, coalesce(
          sum(power(e.n - e.mu, 2) - e.mu) / nullif(sum(e.mu * e.mu), 0), 0)))
        ELSE 0 END::DOUBLE AS phi
      FROM expected e WHERE e.history >= ${MIN_DISPERSION_HISTORY} AND e.n <= e.mu + ?::DOUBLE * sqrt(e.mu) + 1
      GROUP BY e.region
    ), peaks AS (
      SELECT e.*, (coalesce(d.phi, 0) + e.est)::DOUBLE AS phi
      FROM expected e LEFT JOIN disp d USING (region)
      WHERE e.n >= ?::DOUBLE AND e.n - e.mu >= ?::DOUBLE AND e.n > ?::DOUBLE * greatest(e.mu, 1)
    )
    SELECT p.region, strftime(p.day, '%Y-%m-%d') AS day, p.n, p.amount, p.mu, p.level,
      p.f AS dow_factor, p.phi, p.history::DOUBLE AS history, p.hod,
      string_agg(r.refund_id, ',' ORDER BY r.refund_date, r.refund_id) AS refund_ids,
      count(DISTINCT r.customer_id)::DOUBLE AS customers,
      array_to_string(list_slice(list(r.note ORDER BY r.refund_date, r.refund_id)
        FILTER (WHERE nullif(trim(r.note), '') IS NOT NULL), 1, ${NOTES_PER_SPIKE}), chr(30)) AS notes
    FROM peaks p JOIN r ON r.region = p.region AND r.day = p.day
    GROUP BY ALL ORDER BY 2, 1`;
  return {
    sql,
    params: [
      ctx.asOf,
      ctx.asOf,
      m.spike_trim_sd,
      m.spike_trim_sd,
      m.spike_shape_prior_refunds,
      m.spike_shape_prior_refunds,
      m.spike_trim_sd,
      m.spike_trim_sd,
      m.spike_prior_days,
      m.spike_prior_days,
      m.spike_max_dispersion,
      m.spike_trim_sd,
      m.spike_min_refunds,
      m.spike_min_excess,
      m.spike_ratio
    ]
  };
}

/** Whether a count passes the model's test and its floors (the SQL applies the same floors). */
export function isSpikeCount(n: number, mu: number, phi: number, m: MemoryValues): boolean {
  return (
    n >= m.spike_min_refunds &&
    n - mu >= m.spike_min_excess &&
    n > m.spike_ratio * Math.max(mu, 1) &&
    deviations(n, mu, phi) >= m.spike_min_robust_z &&
    tailProbability(n, mu, phi) <= m.spike_max_p
  );
}

/** The calendar anchor under which `peak` recurs in enough other months, or null. */
function recurrence(
  peak: Row,
  peaks: readonly Row[],
  m: MemoryValues
): { anchor: string; months: number } | null {
  const own = calendarDay(peak.day, m.spike_recurring_business_days);
  const excess = peak.n - peak.mu;
  let best: { anchor: string; months: number } | null = null;
  for (const anchor of own.anchors) {
    const months = new Set<string>();
    for (const other of peaks) {
      if (other.region !== peak.region || other.day === peak.day) continue;
      if ((other.p ?? 1) > m.spike_recurring_max_p) continue;
      const cal = calendarDay(other.day, m.spike_recurring_business_days);
      if (cal.month === own.month || months.has(cal.month) || !cal.anchors.includes(anchor))
        continue;
      const otherExcess = other.n - other.mu;
      const share = Math.min(excess, otherExcess) / Math.max(excess, otherExcess);
      if (!(share >= m.spike_recurring_min_share)) continue;
      if (peak.hod !== null && other.hod !== null) {
        const apart = Math.abs(peak.hod - other.hod);
        if (Math.min(apart, 24 - apart) > m.spike_recurring_hours) continue;
      }
      months.add(cal.month);
    }
    if (months.size >= m.spike_recurring_min_other_months && months.size > (best?.months ?? 0))
      best = { anchor, months: months.size };
  }
  return best;
}

/** Judges the peaks the query returned: the count test, then the calendar. */
function select(rows: readonly SpikeRow[], ctx: DetectorContext): Row[] {
  const m = ctx.memory;
  const peaks: Row[] = rows.map((r) => ({ ...r, p: tailProbability(r.n, r.mu, r.phi) }));
  return peaks
    .filter((r) => isSpikeCount(r.n, r.mu, r.phi, m))
    .map((r) => ({ ...r, recurring: recurrence(r, peaks, m) }))
    .filter((r) => r.recurring === null);
}

/**
 * Confidence from the evidence: at the test's bar a spike is likely (0.9), each further order of
 * magnitude below it makes chance less plausible, up to 0.97 four orders below.
 */
export function spikeStrength(p: number, maxP: number): number {
  const orders = Math.max(0, Math.log10(maxP / Math.max(p, 1e-300)));
  return Math.round((0.9 + 0.07 * Math.min(1, orders / 4)) * 1000) / 1000;
}

const r2 = (x: number) => Math.round(x * 100) / 100;

function toFinding(row: Row, ctx: DetectorContext): Finding {
  const m = ctx.memory;
  const p = row.p ?? tailProbability(row.n, row.mu, row.phi);
  const ratio = row.n / Math.max(row.mu, 1);
  const sd = deviations(row.n, row.mu, row.phi);
  // The refunds above a usual day (the expected count, in whole refunds), at the day's average.
  const excess = cents(row.amount * Math.max(0, (row.n - Math.round(row.mu)) / row.n));
  const ids = row.refund_ids.split(',');
  const notes = (row.notes ?? '')
    .split('\u001e')
    .filter((t) => t.trim() !== '')
    .map((t, i) => ({ source: `refunds.note (${row.region} ${row.day} #${i + 1})`, text: t }));
  const model = row.phi > 0 ? `negative binomial (φ ${r2(row.phi)})` : 'Poisson';
  const anchors = calendarDay(row.day, m.spike_recurring_business_days).anchors;
  return {
    type: 'refund_spike',
    key: findingKey('refund_spike', row.region, row.day),
    title: `Refund spike in ${row.region} on ${row.day}: ${row.n} refunds`,
    summary: `${row.region} had ${row.n} refunds ($${cents(row.amount)}) on ${row.day} where ${r2(row.mu)} were expected; a day this high has probability ${p.toPrecision(2)} under the region's ${model} model.`,
    entities: { region: row.region, date: row.day, refund_ids: ids },
    rawImpact: excess,
    strength: spikeStrength(p, m.spike_max_p),
    rules: [
      {
        rule: 'spike_max_p',
        threshold: m.spike_max_p,
        observed: Number(p.toPrecision(3)),
        detail: `P(≥ ${row.n} refunds | μ ${r2(row.mu)}) = ${p.toPrecision(2)} under a ${model} model (bar ${m.spike_max_p}).`
      },
      {
        rule: 'spike_min_refunds',
        threshold: m.spike_min_refunds,
        observed: row.n,
        detail: `${row.n} refunds (at least ${m.spike_min_refunds}).`
      },
      {
        rule: 'spike_min_excess',
        threshold: m.spike_min_excess,
        observed: r2(row.n - row.mu),
        detail: `${r2(row.n - row.mu)} more than expected (at least ${m.spike_min_excess}).`
      },
      {
        rule: 'spike_ratio',
        threshold: m.spike_ratio,
        observed: r2(ratio),
        detail: `${ratio.toFixed(2)}× the expected ${r2(row.mu)} (floored at 1); floor ${m.spike_ratio}×.`
      },
      {
        rule: 'spike_min_robust_z',
        threshold: m.spike_min_robust_z,
        observed: r2(sd),
        detail: `${sd.toFixed(1)} standard deviations above the expected count.`
      },
      {
        rule: 'spike_baseline_days',
        threshold: m.spike_baseline_days,
        observed: row.history,
        detail:
          row.history < m.spike_baseline_days
            ? `Level from the ${row.history} days available, borrowing ${m.spike_prior_days} days of the region's whole-period rate.`
            : `Level: trimmed mean of the ${row.history} days around it (weekday factor ${r2(row.dow_factor)}), shrunk with ${m.spike_prior_days} days of the whole-period rate.`
      },
      {
        rule: 'spike_recurring_min_other_months',
        threshold: m.spike_recurring_min_other_months,
        observed: 0,
        detail: `No calendar batch: ${anchors.map(anchorWords).join(', ')} show no similar peak at a similar time of day in ${m.spike_recurring_min_other_months} other months.`
      }
    ],
    facts: {
      region: row.region,
      day: row.day,
      refund_count: row.n,
      refund_amount: cents(row.amount),
      expected_count: r2(row.mu),
      baseline_median: r2(row.mu),
      dispersion: r2(row.phi),
      tail_probability: Number(p.toPrecision(3)),
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
  select,
  toFinding
};
