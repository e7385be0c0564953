/**
 * One generation run: skeletons and plan up front, then customers one at a time (so a caller
 * can report progress, yield and cancel between them), then the signals and the labels.
 */
import { PAYMENT_PROCESSORS, REGIONS } from './catalog';
import { TimestampFormatter } from './calendar';
import { ActivityStats, IdCounters, type PaymentIncident, type SimContext } from './context';
import { CsvWriters, type ChunkSink } from './csv-writer';
import { simulateCustomer } from './customer-rows';
import { DEFAULT_AS_OF, DEFINITIONS } from './definitions';
import { LabelCollector } from './label-collector';
import { labelsSchema, type AnomalyLabel, type Labels } from './labels';
import { planDataset, type PlannedDay } from './plan';
import { streamFor } from './prng';
import { SCALE_PARAMS, type Scale } from './scales';
import { writeSignals } from './signals';
import { buildSkeleton, dataWindow, type Skeleton } from './skeleton';
import { judgeRefundDays, type JudgedDay } from './spike-judge';
import type { RowCounts } from './tables';

export interface GenerateOptions {
  scale: Scale;
  seed: number;
  /** Last day of the data, `YYYY-MM-DD` (default 2026-02-21); nothing is later than its 23:59:59. */
  asOf?: string;
}

export interface GenerationResult {
  labels: Labels;
  counts: RowCounts;
  /** Planted patterns that did not come out as planned (empty on a healthy run). */
  warnings: string[];
}

export class Simulation {
  readonly total: number;
  #next = 0;
  readonly #ctx: SimContext;
  readonly #skeletons: Skeleton[];
  readonly #out: CsvWriters;
  readonly #labels = new LabelCollector();
  readonly #fmt = new TimestampFormatter();
  readonly #options: Required<GenerateOptions>;

  constructor(options: GenerateOptions, sink: ChunkSink) {
    this.#options = { asOf: DEFAULT_AS_OF, ...options };
    const { scale, seed, asOf } = this.#options;
    const params = SCALE_PARAMS[scale];
    const window = dataWindow(asOf, params.months);
    this.#skeletons = Array.from({ length: params.customers }, (_, i) =>
      buildSkeleton(seed, i, params, window)
    );
    const plan = planDataset(seed, params, window, this.#skeletons);
    const rng = streamFor(seed, 'incidents');
    const incidents: PaymentIncident[] = Array.from(
      { length: Math.max(1, Math.round(params.months / 4)) },
      () => ({
        day: rng.int(window.startDay + 14, window.asOfDay - 1),
        processor: rng.pick(PAYMENT_PROCESSORS.slice(0, 3)),
        failureRate: rng.range(0.25, 0.4)
      })
    );
    this.#ctx = {
      seed,
      scale,
      params,
      window,
      plan,
      ids: new IdCounters(),
      stats: new ActivityStats(window),
      incidents
    };
    this.total = params.customers;
    this.#out = new CsvWriters(sink);
  }

  get done(): boolean {
    return this.#next >= this.total;
  }

  get processed(): number {
    return this.#next;
  }

  /** Simulates up to `max` more customers. */
  step(max: number): void {
    const io = { out: this.#out, labels: this.#labels, fmt: this.#fmt };
    const end = Math.min(this.total, this.#next + max);
    for (; this.#next < end; this.#next++) {
      const skeleton = this.#skeletons[this.#next] as Skeleton;
      simulateCustomer(this.#ctx, io, skeleton, this.#ctx.plan.plants.get(skeleton.index) ?? []);
    }
  }

  /** Writes the signals, flushes every table and returns the labels. */
  finish(): GenerationResult {
    if (!this.done) throw new Error('finish() before every customer was simulated');
    const { window, plan, seed } = this.#ctx;
    const warnings: string[] = [];
    const judged = judgeRefundDays(plan.calendar.counts, window.startDay);
    const spikes = judged.filter((d) => d.spike);
    const batchDays = judged.filter(
      (d) =>
        d.recurring &&
        plan.batchDays.some((b) => b.regionIndex === d.regionIndex && b.day === d.day)
    );
    const findPlanned = (list: readonly PlannedDay[], d: JudgedDay) =>
      list.find((p) => p.regionIndex === d.regionIndex && p.day === d.day);
    const spikeLabels: AnomalyLabel[] = spikes.map((d) => {
      const region = REGIONS[d.regionIndex] as (typeof REGIONS)[number];
      const planned = findPlanned(plan.spikes, d);
      if (!planned) warnings.push(`unplanned refund spike in ${region} on ${this.#fmt.day(d.day)}`);
      return {
        key: `refund_spike:${region}:${this.#fmt.day(d.day)}`,
        type: 'refund_spike',
        region,
        day: this.#fmt.day(d.day),
        refund_count: d.count,
        baseline: d.baseline,
        planted_refunds: planned?.planted ?? 0
      };
    });
    for (const p of plan.spikes)
      if (!spikes.some((d) => d.regionIndex === p.regionIndex && d.day === p.day))
        warnings.push(`planted spike in ${p.region} on ${this.#fmt.day(p.day)} is not a spike`);
    for (const d of judged)
      if (d.recurring && !findPlanned(plan.batchDays, d))
        warnings.push(
          `recurring peak outside the batch days: ${REGIONS[d.regionIndex]} ${this.#fmt.day(d.day)}`
        );
    for (const d of batchDays) {
      if (d.day - window.startDay < DEFINITIONS.spikeJudgedFromDay) continue;
      const region = REGIONS[d.regionIndex] as (typeof REGIONS)[number];
      const day = this.#fmt.day(d.day);
      this.#labels.nearMiss({
        key: `near_miss:recurring_batch_day:${region}:${day}`,
        type: 'refund_spike',
        pattern: 'recurring_batch_day',
        region,
        day,
        refund_count: d.count,
        baseline: d.baseline,
        why: `${region}'s partner settles refunds in one batch on the 1st of every month: ${d.count} refunds is high against the daily median of ${d.baseline}, but normal for that calendar day.`
      });
    }
    const ids = this.#ctx.ids;
    writeSignals(
      {
        rng: streamFor(seed, 'signals'),
        window,
        stats: this.#ctx.stats,
        spikes,
        batchDays,
        incidents: this.#ctx.incidents,
        refundCount: (r, day) => plan.calendar.count(r, day)
      },
      this.#out,
      this.#fmt,
      () => ids.next('signal_events')
    );
    this.#out.flush();
    const byKey = (a: { type: string; key: string }, b: { type: string; key: string }) =>
      a.type === b.type ? (a.key < b.key ? -1 : 1) : a.type < b.type ? -1 : 1;
    const labels = labelsSchema.parse({
      version: 1,
      generator: {
        scale: this.#options.scale,
        seed,
        as_of: `${this.#options.asOf} 23:59:59`,
        window_start: this.#fmt.day(window.startDay),
        months: window.months,
        customers: this.total
      },
      definitions: { ...DEFINITIONS },
      counts: { ...this.#out.counts },
      anomalies: [...this.#labels.anomalies, ...spikeLabels].sort(byKey),
      near_misses: [...this.#labels.nearMisses].sort(byKey)
    });
    return { labels, counts: { ...this.#out.counts }, warnings };
  }
}
