/**
 * signal_events, derived at the end from what actually happened: a daily scheduled scan, an
 * alert for most real refund spikes (with the day's real count), monthly revenue drift against
 * the contracted amounts, billing exceptions for some planted invoice gaps, payment-failure
 * alerts on processor incidents, notices and naive alerts on batch days, and a little noise.
 */
import { REGIONS } from './catalog';
import { civilFromDays, daysFromCivil, SECONDS_PER_DAY } from './calendar';
import type { ActivityStats, PaymentIncident } from './context';
import { csvField, type CsvWriters } from './csv-writer';
import { spikeThreshold } from './definitions';
import type { TimestampFormatter } from './calendar';
import type { Rng } from './prng';
import type { DataWindow } from './skeleton';
import type { JudgedDay } from './spike-judge';

interface Signal {
  time: number;
  type: string;
  severity: 'low' | 'medium' | 'high' | 'critical';
  source: string;
  entity: string;
  payload: Record<string, unknown>;
}

export interface SignalInputs {
  rng: Rng;
  window: DataWindow;
  stats: ActivityStats;
  spikes: readonly JudgedDay[];
  batchDays: readonly JudgedDay[];
  incidents: readonly PaymentIncident[];
  /** Refund counts per region and day, to make noise alerts quote real numbers. */
  refundCount: (regionIndex: number, day: number) => number;
}

const at = (day: number, seconds: number): number => day * SECONDS_PER_DAY + seconds;
const money = (cents: number): number => Math.round(cents) / 100;

function build(input: SignalInputs): Signal[] {
  const { rng, window, stats } = input;
  const signals: Signal[] = [];
  for (let day = window.startDay; day <= window.asOfDay; day++) {
    // Daily-ish: the scan is skipped now and then, never on the as-of day.
    if (day !== window.asOfDay && rng.chance(0.04)) continue;
    signals.push({
      time: at(day, 7 * 3600 + rng.int(0, 300)),
      type: 'scheduled_scan',
      severity: 'low',
      source: 'internal',
      entity: 'all',
      payload: { message: 'Scheduled daily triage scan triggered' }
    });
  }
  for (const spike of input.spikes) {
    if (!rng.chance(0.85)) continue;
    const region = REGIONS[spike.regionIndex] as string;
    signals.push({
      time: at(spike.day, 22 * 3600 + rng.int(0, 5400)),
      type: 'anomaly_alert',
      severity: spike.count >= 6 * Math.max(spike.baseline, 1) ? 'critical' : 'high',
      source: 'datadog',
      entity: 'refunds',
      payload: {
        metric: 'refund.count',
        value: spike.count,
        threshold: Math.ceil(spikeThreshold(spike.baseline)),
        region,
        message: `Refund count spike detected in ${region} region`
      }
    });
  }
  for (const batch of input.batchDays) {
    const region = REGIONS[batch.regionIndex] as string;
    if (rng.chance(0.6)) {
      signals.push({
        time: at(batch.day, 4 * 3600 + rng.int(0, 1800)),
        type: 'batch_job',
        severity: 'low',
        source: 'internal',
        entity: 'refunds',
        payload: {
          job: 'partner_refund_batch',
          region,
          refunds: batch.count,
          message: `Monthly partner refund batch processed for ${region} (${batch.count} refunds)`
        }
      });
    }
    if (rng.chance(0.3)) {
      signals.push({
        time: at(batch.day, 5 * 3600 + rng.int(0, 3600)),
        type: 'anomaly_alert',
        severity: 'medium',
        source: 'datadog',
        entity: 'refunds',
        payload: {
          metric: 'refund.count',
          value: batch.count,
          threshold: Math.ceil(spikeThreshold(batch.baseline)),
          region,
          message: `Refund count above threshold in ${region}`
        }
      });
    }
  }
  const first = civilFromDays(window.startDay);
  for (let m = first.month + 1; ; m++) {
    const day = daysFromCivil(first.year, m, 2);
    if (day > window.asOfDay) break;
    const prev = civilFromDays(daysFromCivil(first.year, m - 1, 1));
    if (daysFromCivil(prev.year, prev.month, 1) < window.startDay) continue;
    const revenue = stats.revenue.get(prev.year * 12 + prev.month - 1);
    if (!revenue || revenue.expected === 0) continue;
    const drift = Math.round((1000 * (revenue.billed - revenue.expected)) / revenue.expected) / 10;
    const abs = Math.abs(drift);
    signals.push({
      time: at(day, 8 * 3600 + 300),
      type: 'metric_drift',
      severity: abs >= 5 ? 'high' : abs >= 1 ? 'medium' : 'low',
      source: 'lightdash',
      entity: 'revenue',
      payload: {
        metric: 'monthly_revenue',
        expected: money(revenue.expected),
        actual: money(revenue.billed),
        drift_pct: drift,
        message: `Monthly revenue ${drift < 0 ? 'below' : 'above'} forecast by ${abs}%`
      }
    });
  }
  // The internal billing check catches some planted gaps, a week at a time.
  const weeks = new Map<number, { ids: string[]; gap: number; last: number }>();
  for (const finding of stats.invoiceFindings) {
    const week = Math.floor((finding.day - window.startDay) / 7);
    const entry = weeks.get(week) ?? { ids: [], gap: 0, last: 0 };
    entry.ids.push(finding.invoiceId);
    entry.gap += finding.gapCents;
    entry.last = Math.max(entry.last, finding.day);
    weeks.set(week, entry);
  }
  for (const entry of weeks.values()) {
    if (entry.last + 1 > window.asOfDay || !rng.chance(0.6)) continue;
    const ids = entry.ids.slice(0, 10);
    signals.push({
      time: at(entry.last + 1, 8 * 3600 + 600),
      type: 'billing_exception',
      severity: entry.gap >= 50_000 ? 'high' : 'medium',
      source: 'internal',
      entity: 'invoices',
      payload: {
        type: 'underbilling_detected',
        invoice_ids: ids,
        total_gap: money(entry.gap),
        message: `Billing gap detected: $${money(entry.gap).toFixed(2)} underbilled across ${entry.ids.length} invoices`
      }
    });
  }
  for (const incident of input.incidents) {
    const i = incident.day - window.startDay;
    const total = stats.paymentsPerDay[i] ?? 0;
    const failed = stats.failuresPerDay[i] ?? 0;
    if (total === 0) continue;
    const rate = Math.round((1000 * failed) / total) / 1000;
    signals.push({
      time: at(incident.day, 21 * 3600 + rng.int(0, 3600)),
      type: 'anomaly_alert',
      severity: rate >= 0.1 ? 'high' : 'medium',
      source: 'datadog',
      entity: 'payments',
      payload: {
        metric: 'payment.failure_rate',
        value: rate,
        threshold: 0.05,
        processor: incident.processor,
        message: `Payment failure rate elevated at ${(rate * 100).toFixed(1)}% (${incident.processor} incident)`
      }
    });
  }
  // Noise: alerts that fire on ordinary days and mean nothing.
  for (let day = window.startDay + 3; day <= window.asOfDay; day += rng.int(10, 30)) {
    const regionIndex = rng.int(0, REGIONS.length - 1);
    const region = REGIONS[regionIndex] as string;
    const kind = rng.int(0, 2);
    const time = at(day, rng.int(1, 20) * 3600);
    const count = input.refundCount(regionIndex, day);
    if (kind === 0 && count >= 2) {
      signals.push({
        time,
        type: 'anomaly_alert',
        severity: 'low',
        source: 'datadog',
        entity: 'refunds',
        payload: {
          metric: 'refund.count',
          value: count,
          threshold: Math.max(1, count - 1),
          region,
          message: `Refund count slightly above 7-day average in ${region}`
        }
      });
    } else if (kind === 1) {
      signals.push({
        time,
        type: 'anomaly_alert',
        severity: 'low',
        source: 'datadog',
        entity: 'usage',
        payload: {
          metric: 'api.latency_p95',
          value: rng.int(1500, 2600),
          threshold: 1500,
          message: 'API latency p95 above threshold'
        }
      });
    } else {
      signals.push({
        time,
        type: 'metric_drift',
        severity: 'low',
        source: 'lightdash',
        entity: 'usage',
        payload: {
          metric: 'weekly_active_accounts',
          drift_pct: -rng.int(1, 4),
          message: 'Weekly active accounts slightly below trend'
        }
      });
    }
  }
  return signals;
}

export function writeSignals(
  input: SignalInputs,
  out: CsvWriters,
  fmt: TimestampFormatter,
  nextId: () => string
): void {
  const signals = build(input).filter((s) => s.time <= input.window.endSecond);
  // Stable order: by time, then by construction order for equal times.
  const ordered = signals
    .map((s, i) => ({ s, i }))
    .sort((a, b) => a.s.time - b.s.time || a.i - b.i);
  for (const { s } of ordered) {
    out.row(
      'signal_events',
      `${nextId()},${fmt.timestamp(s.time)},${s.type},${s.severity},${s.source},${s.entity},${csvField(JSON.stringify(s.payload))}`
    );
  }
}
