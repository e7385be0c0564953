/**
 * Where anomalies and near-misses go, decided once over all skeletons before any row is written:
 * which customers carry which plant, which region-days spike, and the monthly batch days. Each
 * customer carries at most one plant besides spike and batch refunds, so planted patterns never
 * overlap by accident.
 */
import { REGIONS, type Region } from './catalog';
import { civilFromDays, daysFromCivil } from './calendar';
import { DEFINITIONS, spikeThreshold } from './definitions';
import { streamFor } from './prng';
import { RefundCalendar } from './refund-calendar';
import type { ScaleParams } from './scales';
import { invoiceSchedule, type DataWindow, type Skeleton } from './skeleton';

export type ManualCreditVariant = 'above_bar_unapproved' | 'above_bar_approved' | 'unapproved';

export type CustomerPlant =
  | { kind: 'duplicate_refund'; beyondNaiveWindow: boolean }
  | { kind: 'duplicate_near_miss' }
  | { kind: 'underbilling' }
  | { kind: 'rounding_near_miss' }
  | { kind: 'tier_mismatch' }
  | { kind: 'manual_credit'; variant: ManualCreditVariant }
  | { kind: 'goodwill_near_miss' }
  | { kind: 'enterprise_credit_near_miss' }
  | { kind: 'spike_refund'; day: number }
  | { kind: 'batch_refund'; day: number };

export interface PlannedDay {
  region: Region;
  regionIndex: number;
  day: number;
  planted: number;
}

export interface Plan {
  calendar: RefundCalendar;
  plants: Map<number, CustomerPlant[]>;
  spikes: PlannedDay[];
  batchDays: PlannedDay[];
}

interface CustomerFacts {
  invoices: number;
  firstInvoiceDay: number;
  /** Has an invoice (not the prorated first) billed while on pro or enterprise. */
  hasUpperTierInvoice: boolean;
  /** On enterprise throughout. */
  enterpriseOnly: boolean;
}

function facts(
  skeleton: Skeleton,
  window: DataWindow,
  payments: Float64Array[],
  successRate: number
): CustomerFacts {
  const schedule = invoiceSchedule(skeleton, window);
  const series = payments[skeleton.regionIndex] as Float64Array;
  let hasUpperTierInvoice = false;
  schedule.forEach((invoice, i) => {
    const d = invoice.day - window.startDay;
    series[d] = (series[d] ?? 0) + successRate;
    const tier = skeleton.subs[invoice.sub]?.tier;
    // The last invoice before a tier change is kept for the near-miss (as in buildInvoices).
    const nextSub = schedule[i + 1]?.sub ?? skeleton.subs.length - 1;
    if (!invoice.prorated && nextSub === invoice.sub && tier !== undefined && tier !== 'starter')
      hasUpperTierInvoice = true;
  });
  return {
    invoices: schedule.length,
    firstInvoiceDay: schedule[0]?.day ?? Infinity,
    hasUpperTierInvoice,
    enterpriseOnly: skeleton.subs.every((s) => s.tier === 'enterprise')
  };
}

function addPlant(plants: Map<number, CustomerPlant[]>, index: number, plant: CustomerPlant): void {
  const list = plants.get(index);
  if (list) list.push(plant);
  else plants.set(index, [plant]);
}

export function planDataset(
  seed: number,
  params: ScaleParams,
  window: DataWindow,
  skeletons: readonly Skeleton[]
): Plan {
  const rng = streamFor(seed, 'plan');
  const days = window.asOfDay - window.startDay + 1;
  const payments = REGIONS.map(() => new Float64Array(days));
  const all = skeletons.map((s) => facts(s, window, payments, 1 - params.paymentFailureRate));
  const calendar = new RefundCalendar(window, payments, params.refundRate);
  const plants = new Map<number, CustomerPlant[]>();

  // Exclusive plants: walk customers in a seeded order and give each at most one.
  const p = params.plants;
  let duplicates = 0;
  const wanted: {
    plant: () => CustomerPlant;
    count: number;
    fits: (f: CustomerFacts) => boolean;
  }[] = [
    {
      count: p.tierMismatch,
      plant: () => ({ kind: 'tier_mismatch' }),
      fits: (f) => f.hasUpperTierInvoice && f.invoices >= 2
    },
    {
      count: p.enterpriseCreditNearMisses,
      plant: () => ({ kind: 'enterprise_credit_near_miss' }),
      fits: (f) => f.enterpriseOnly && f.invoices >= 2
    },
    {
      count: p.duplicateRefunds,
      // Every third duplicate lies beyond a naive 2-hour window (still within 72 h).
      plant: () => ({ kind: 'duplicate_refund', beyondNaiveWindow: duplicates++ % 3 === 1 }),
      fits: (f) => f.invoices >= 2
    },
    {
      count: p.duplicateNearMisses,
      plant: () => ({ kind: 'duplicate_near_miss' }),
      fits: (f) => f.invoices >= 3
    },
    {
      count: p.underbilling,
      plant: () => ({ kind: 'underbilling' }),
      fits: (f) => f.invoices >= 2
    },
    {
      count: p.roundingNearMisses,
      plant: () => ({ kind: 'rounding_near_miss' }),
      fits: (f) => f.invoices >= 2
    },
    {
      count: p.manualCredits,
      plant: () => ({
        kind: 'manual_credit',
        variant: rng.pick(['above_bar_unapproved', 'above_bar_approved', 'unapproved'] as const)
      }),
      fits: (f) => f.invoices >= 2
    },
    {
      count: p.goodwillNearMisses,
      plant: () => ({ kind: 'goodwill_near_miss' }),
      fits: (f) => f.invoices >= 2
    }
  ];
  const order = rng.shuffle(skeletons.map((s) => s.index));
  const taken = new Uint8Array(skeletons.length);
  for (const want of wanted) {
    let left = want.count;
    for (const index of order) {
      if (left === 0) break;
      if (taken[index] || !want.fits(all[index] as CustomerFacts)) continue;
      taken[index] = 1;
      addPlant(plants, index, want.plant());
      left--;
    }
  }

  const byRegion = REGIONS.map((_, r) =>
    rng.shuffle(skeletons.filter((s) => s.regionIndex === r).map((s) => s.index))
  );
  const plantRefunds = (
    regionIndex: number,
    day: number,
    planted: number,
    make: (day: number) => CustomerPlant
  ): number => {
    const active = (byRegion[regionIndex] as number[]).filter((i) => {
      const f = all[i] as CustomerFacts;
      return f.firstInvoiceDay <= day - 2 && (skeletons[i] as Skeleton).churnDay > day;
    });
    // Customers carrying another plant come last, so their payments stay free for it.
    const eligible = [...active.filter((i) => !taken[i]), ...active.filter((i) => taken[i])];
    if (eligible.length === 0) return 0;
    const offset = rng.int(0, eligible.length - 1);
    // Distinct customers when the region has enough of them, otherwise some refund twice.
    for (let k = 0; k < planted; k++)
      addPlant(plants, eligible[(offset + k) % eligible.length] as number, make(day));
    return planted;
  };

  const batchRegionIndex = REGIONS.indexOf(params.batchRegion);
  const batchDays: PlannedDay[] = [];
  const first = civilFromDays(window.startDay);
  for (let m = first.month; ; m++) {
    const day = daysFromCivil(first.year, m, 1);
    if (day > window.asOfDay) break;
    if (day < window.startDay) continue;
    const target = spikeThreshold(calendar.capMaxBefore(batchRegionIndex, day)) + 1 + rng.int(0, 2);
    const planted = plantRefunds(batchRegionIndex, day, target, (d) => ({
      kind: 'batch_refund',
      day: d
    }));
    if (planted > 0)
      batchDays.push({ region: params.batchRegion, regionIndex: batchRegionIndex, day, planted });
  }

  // Spikes: distinct days, a week apart, each on its own day of month within its region and never
  // on the 1st, so none of them can pass for a recurring calendar peak.
  const spikes: PlannedDay[] = [];
  const spikeRegions: Region[] = ['EMEA', 'NA', 'APAC', 'LATAM'];
  const usedDom = REGIONS.map(() => new Set<number>([1]));
  const firstJudged = window.startDay + DEFINITIONS.spikeJudgedFromDay + 3;
  for (let s = 0; s < p.refundSpikes; s++) {
    const region = spikeRegions[s % spikeRegions.length] as Region;
    const regionIndex = REGIONS.indexOf(region);
    for (let attempt = 0; attempt < 500; attempt++) {
      const day = rng.int(firstJudged, window.asOfDay);
      const dom = civilFromDays(day).day;
      if ((usedDom[regionIndex] as Set<number>).has(dom)) continue;
      if (
        spikes.some(
          (o) => o.day === day || (o.regionIndex === regionIndex && Math.abs(o.day - day) < 7)
        )
      )
        continue;
      const target = spikeThreshold(calendar.capMaxBefore(regionIndex, day)) + 1 + rng.int(0, 3);
      const planted = plantRefunds(regionIndex, day, target, (d) => ({
        kind: 'spike_refund',
        day: d
      }));
      if (planted === 0) continue;
      (usedDom[regionIndex] as Set<number>).add(dom);
      spikes.push({ region, regionIndex, day, planted });
      break;
    }
  }
  return { calendar, plants, spikes, batchDays };
}
