/**
 * Each customer's life before any row is written: region, subscriptions over time (upgrades,
 * downgrades), billing anchor and churn. The planner reads every skeleton to decide where to
 * plant anomalies; the simulation then turns one skeleton at a time into rows. A skeleton is a
 * few numbers, so holding all of them keeps memory bounded even at the `large` scale.
 */
import {
  LIST_PRICE_CENTS,
  NEGOTIATED_PRICE_CENTS,
  NEGOTIATED_SHARE,
  REGION_WEIGHTS,
  REGIONS,
  TIER_WEIGHTS,
  TIERS,
  type Region,
  type Tier
} from './catalog';
import {
  civilFromDays,
  dayOfMonth,
  daysFromCivil,
  daysInMonth,
  parseDay,
  SECONDS_PER_DAY
} from './calendar';
import { companyName } from './names';
import { streamFor, type Rng } from './prng';
import type { ScaleParams } from './scales';

/** The span of time a dataset covers: from `startDay` to the end of `asOfDay`. */
export interface DataWindow {
  startDay: number;
  asOfDay: number;
  /** Last second of the as-of day: no event is later. */
  endSecond: number;
  months: number;
}

export function dataWindow(asOf: string, months: number): DataWindow {
  const asOfDay = parseDay(asOf);
  const { year, month, day } = civilFromDays(asOfDay);
  const startDay = daysFromCivil(year, month - months, day) + 1;
  return { startDay, asOfDay, endSecond: (asOfDay + 1) * SECONDS_PER_DAY - 1, months };
}

export interface SubscriptionSpan {
  tier: Tier;
  priceCents: number;
  /** Epoch seconds when this subscription takes effect. */
  start: number;
}

export interface Skeleton {
  index: number;
  name: string;
  region: Region;
  regionIndex: number;
  /** In start order; the one in force at time t is the last with `start <= t`. */
  subs: SubscriptionSpan[];
  /** Billed on the 1st with a prorated first invoice, rather than on the signup anniversary. */
  calendarBilling: boolean;
  billDayOfMonth: number;
  /** Seconds after midnight of the monthly bill run. */
  billSecond: number;
  /** First day without service; Infinity when the customer has not churned. */
  churnDay: number;
}

const REGION_W = REGIONS.map((r) => REGION_WEIGHTS[r]);
const TIER_W = TIERS.map((t) => TIER_WEIGHTS[t]);

function priceFor(rng: Rng, tier: Tier): number {
  return rng.chance(NEGOTIATED_SHARE[tier])
    ? rng.pick(NEGOTIATED_PRICE_CENTS[tier])
    : LIST_PRICE_CENTS[tier];
}

function nextTier(rng: Rng, tier: Tier): Tier {
  const rank = TIERS.indexOf(tier);
  const up = rank === 0 || (rank < TIERS.length - 1 && rng.chance(0.65));
  return TIERS[up ? rank + 1 : rank - 1] as Tier;
}

export function buildSkeleton(
  seed: number,
  index: number,
  params: ScaleParams,
  window: DataWindow
): Skeleton {
  const rng = streamFor(seed, 'skeleton', index);
  const regionIndex = rng.weighted(REGION_W);
  const region = REGIONS[regionIndex] as Region;
  let tier = TIERS[rng.weighted(TIER_W)] as Tier;
  const isNew = rng.chance(params.newCustomerShare);
  const calendarBilling = rng.chance(params.calendarBillingShare);
  const startDay = isNew
    ? rng.int(window.startDay, window.asOfDay - 2)
    : rng.int(window.startDay - 3 * 365, window.startDay - 1);
  const start = startDay * SECONDS_PER_DAY + rng.int(8 * 3600, 18 * 3600);
  const subs: SubscriptionSpan[] = [];
  // Some long-standing customers reached their tier through an earlier, cheaper plan.
  if (!isNew && tier !== 'starter' && rng.chance(0.15)) {
    const earlierTier = TIERS[TIERS.indexOf(tier) - 1] as Tier;
    const earlierDay = startDay - rng.int(60, 700);
    subs.push({
      tier: earlierTier,
      priceCents: priceFor(rng, earlierTier),
      start: earlierDay * SECONDS_PER_DAY + rng.int(8 * 3600, 18 * 3600)
    });
  }
  subs.push({ tier, priceCents: priceFor(rng, tier), start });
  const firstStartDay = Math.floor((subs[0] as SubscriptionSpan).start / SECONDS_PER_DAY);
  const billDayOfMonth = calendarBilling ? 1 : Math.min(dayOfMonth(firstStartDay), 28);
  const billSecond = 6 * 3600 + rng.int(0, 4 * 3600);

  let churnDay = Infinity;
  // Month-sized steps through the window: each may end in churn or bring a tier change.
  for (let cursor = Math.max(startDay, window.startDay); cursor <= window.asOfDay; cursor += 30) {
    const u = rng.float();
    if (u < params.monthlyChurn) {
      const day = cursor + rng.int(1, 29);
      if (day <= window.asOfDay) churnDay = day;
      break;
    }
    if (u < params.monthlyChurn + params.monthlyTierChange) {
      let day = cursor + rng.int(1, 29);
      // A change never starts on a bill day, so the tier in force on every invoice is unambiguous.
      if (dayOfMonth(day) === billDayOfMonth) day += 1;
      if (day >= window.asOfDay) continue;
      tier = nextTier(rng, tier);
      subs.push({
        tier,
        priceCents: priceFor(rng, tier),
        start: day * SECONDS_PER_DAY + rng.int(9 * 3600, 17 * 3600)
      });
    }
  }
  return {
    index,
    name: companyName(rng, region),
    region,
    regionIndex,
    subs,
    calendarBilling,
    billDayOfMonth,
    billSecond,
    churnDay
  };
}

export interface ScheduledInvoice {
  day: number;
  /** Epoch seconds. */
  time: number;
  /** Index into `subs` of the subscription in force. */
  sub: number;
  /** First invoice of a calendar-billed customer who started after the 1st. */
  prorated: boolean;
}

/** Index of the subscription in force at `time` (the latest with start ≤ time), or -1. */
export function subscriptionAt(subs: readonly SubscriptionSpan[], time: number): number {
  let found = -1;
  for (let i = 0; i < subs.length; i++) if ((subs[i] as SubscriptionSpan).start <= time) found = i;
  return found;
}

/** Monthly invoices inside the window: the first at signup, then on the bill day each month. */
export function invoiceSchedule(skeleton: Skeleton, window: DataWindow): ScheduledInvoice[] {
  const first = skeleton.subs[0] as SubscriptionSpan;
  const firstDay = Math.floor(first.start / SECONDS_PER_DAY);
  const lastDay = Math.min(skeleton.churnDay - 1, window.asOfDay);
  const invoices: ScheduledInvoice[] = [];
  let from = window.startDay;
  if (firstDay >= window.startDay) {
    invoices.push({
      day: firstDay,
      time: first.start,
      sub: 0,
      prorated: skeleton.calendarBilling && dayOfMonth(firstDay) !== 1
    });
    from = firstDay + 1;
  }
  const { year, month } = civilFromDays(from);
  for (let m = month; ; m++) {
    const day = daysFromCivil(year, m, skeleton.billDayOfMonth);
    if (day > lastDay) break;
    if (day < from) continue;
    const time = day * SECONDS_PER_DAY + skeleton.billSecond;
    invoices.push({ day, time, sub: subscriptionAt(skeleton.subs, time), prorated: false });
  }
  return invoices;
}

/** Price × remaining days / days in month, for a start on `day`, rounded to the cent. */
export function proratedCents(priceCents: number, day: number): number {
  const { year, month, day: dom } = civilFromDays(day);
  const dim = daysInMonth(year, month);
  return Math.round((priceCents * (dim - dom + 1)) / dim);
}
