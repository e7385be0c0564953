/**
 * A second, independently written generator: billing data that does not flatter the refund-spike
 * and manual-credit detectors. Truth is what was planted, never what a rule finds.
 *
 * - Quiet and busy regions side by side (from 0.15 to 60 refunds a day), weekends at 60 %,
 *   growth over the window, holidays at 20 %, data starting mid-month, as-of dates 2025–2027.
 * - Ordinary refund counts are Poisson, and about 3 % of days are set to a busy day in the
 *   rate's tail (tail probability about 2–5 %): a busy day, not a spike.
 * - Planted spikes (outages: refunds within a few hours), one in the first ten days of data, the
 *   smallest a few refunds above a quiet region's rate, every third one lasting two days.
 * - Promotion days in busy regions: 1.6 × the usual day, improbable under a count model but under
 *   the 2× floor a finance team sets. Not anomalies.
 * - Month-end batches on the last business day (moved a day earlier for a holiday), late in the
 *   evening; quarter-end batches at large scale. Not anomalies.
 * - Duplicate refund pairs (anomalies) put on quiet days, where counting the second refund would
 *   turn an ordinary day into a "spike".
 * - Manual credits: unapproved above the $200 bar (anomaly), approved above the monthly price
 *   (anomaly), approved within the price (routine), unapproved at or below the bar (a process
 *   note, not an anomaly), and exactly $200 unapproved (not above the bar).
 *
 *   npx tsx data/generator-hard/cli.ts --scale medium --seed 2 --as-of 2026-06-30 --out /tmp/h
 */
import { tailProbability } from '../../src/lib/domain/detectors/count-model';
import { streamFor, type Rng } from '../generator/prng';

export type HardScale = 'small' | 'medium' | 'large';
export const HARD_AS_OF = ['2025-07-15', '2026-06-30', '2027-03-03'] as const;

export interface HardLabel {
  type: 'refund_spike' | 'duplicate_refund' | 'manual_credit';
  key: string;
}
export interface HardDataset {
  files: { fileName: string; data: string }[];
  labels: { anomalies: HardLabel[]; counts: Record<string, number> };
}

const DAY = 86_400_000;
const WINDOW_DAYS: Record<HardScale, number> = { small: 120, medium: 240, large: 420 };
/** Refunds a day per region at the window's start. */
const RATES: Record<HardScale, Record<string, number>> = {
  small: { NA: 6, EMEA: 2.5, APAC: 0.4, LATAM: 0.8, MEA: 0.15 },
  medium: { NA: 20, EMEA: 8, APAC: 1, LATAM: 1.2, MEA: 0.3 },
  large: { NA: 60, EMEA: 20, APAC: 2.5, LATAM: 3, MEA: 0.6 }
};
const SPIKES: Record<HardScale, number> = { small: 4, medium: 8, large: 12 };
const PRICES = { starter: 49, pro: 199, enterprise: 1200 } as const;
const BAR = 200;

const iso = (t: number) => new Date(t).toISOString().slice(0, 10);
const stamp = (t: number) => new Date(t).toISOString().slice(0, 19).replace('T', ' ');
const isHoliday = (t: number) => ['01-01', '12-25', '07-04', '05-01'].includes(iso(t).slice(5));
const isWeekend = (t: number) => [0, 6].includes(new Date(t).getUTCDay());

/** The last business day of the month of `t`: a weekday and no holiday. */
function lastBusinessDay(t: number): number {
  const d = new Date(t);
  let day = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0);
  while (isWeekend(day) || isHoliday(day)) day -= DAY;
  return day;
}

/** Smallest count whose tail probability under Poisson(mu) is at most p. */
function countWithTail(mu: number, p: number): number {
  let n = Math.ceil(mu);
  while (tailProbability(n, mu) > p) n++;
  return n;
}

interface Customer {
  id: string;
  region: string;
  tier: keyof typeof PRICES;
  payments: { id: string; t: number; amount: number; used: boolean }[];
}

export function generateHardDataset(options: {
  scale: HardScale;
  seed: number;
  asOf: string;
}): HardDataset {
  const { scale, seed } = options;
  const rng: Rng = streamFor(seed, 'hard', scale, options.asOf);
  const asOf = Date.parse(`${options.asOf}T00:00:00Z`);
  const days = WINDOW_DAYS[scale];
  const start = asOf - (days - 1) * DAY;
  const regions = Object.keys(RATES[scale]);
  const labels: HardLabel[] = [];

  // Customers, subscriptions, monthly invoices and payments (always paid, billed as expected).
  const customers: Customer[] = [];
  const rows = {
    customers: ['customer_id,customer_name,region,plan_tier,status'],
    subscriptions: [
      'subscription_id,customer_id,plan_tier,start_date,monthly_price,billing_status'
    ],
    invoices: [
      'invoice_id,customer_id,invoice_date,billed_amount,expected_amount,plan_tier_billed,status'
    ],
    payments: ['payment_id,invoice_id,customer_id,payment_date,amount,payment_processor,status'],
    refunds: [
      'refund_id,customer_id,refund_date,amount,reason,processor,linked_payment_id,approved_by,note'
    ]
  };
  let inv = 0;
  for (const region of regions) {
    // Enough customers that every planned refund finds an unrefunded payment of the last month.
    const n = Math.max(60, Math.ceil((RATES[scale][region] as number) * 4 * 40));
    for (let i = 0; i < n; i++) {
      const id = `H${region}${String(i).padStart(5, '0')}`;
      const tier = rng.pick(['starter', 'pro', 'pro', 'enterprise'] as const);
      const c: Customer = { id, region, tier, payments: [] };
      customers.push(c);
      rows.customers.push(`${id},Customer ${id},${region},${tier},active`);
      const anchor = start - rng.int(40, 400) * DAY + rng.int(8, 17) * 3_600_000;
      rows.subscriptions.push(`S${id},${id},${tier},${stamp(anchor)},${PRICES[tier]},active`);
      const a = new Date(anchor);
      for (let m = 0; ; m++) {
        const t = Date.UTC(
          a.getUTCFullYear(),
          a.getUTCMonth() + m,
          Math.min(a.getUTCDate(), 28),
          9
        );
        if (t > asOf + DAY - 1) break;
        if (t < start - 35 * DAY) continue;
        inv++;
        const invoice = `HI${String(inv).padStart(7, '0')}`;
        const price = PRICES[tier];
        rows.invoices.push(`${invoice},${id},${stamp(t)},${price},${price},${tier},paid`);
        const pay = `HP${String(inv).padStart(7, '0')}`;
        rows.payments.push(
          `${pay},${invoice},${id},${stamp(t + 3_600_000)},${price},stripe,completed`
        );
        c.payments.push({ id: pay, t: t + 3_600_000, amount: price, used: false });
      }
    }
  }
  const byRegion = new Map(regions.map((r) => [r, customers.filter((c) => c.region === r)]));

  let ref = 0;
  const refund = (
    c: Customer,
    t: number,
    amount: number,
    reason: string,
    payment: string,
    approvedBy = '',
    note = ''
  ): string => {
    ref++;
    const id = `HR${String(ref).padStart(7, '0')}`;
    const processor = reason === 'manual_credit' ? 'manual' : 'stripe';
    rows.refunds.push(
      `${id},${c.id},${stamp(t)},${amount},${reason},${processor},${payment},${approvedBy},${note}`
    );
    return id;
  };
  /** One refund of an unused payment of the region made in the 30 days before `t`. */
  const ordinary = (region: string, t: number, reason = 'customer_request'): void => {
    const pool = byRegion.get(region) ?? [];
    for (let tries = 0; tries < 60; tries++) {
      const c = pool[rng.int(0, pool.length - 1)] as Customer;
      const p = c.payments.find((x) => !x.used && x.t < t && x.t > t - 30 * DAY);
      if (!p) continue;
      p.used = true;
      refund(c, t, Math.max(5, Math.round(p.amount * rng.range(0.2, 1))), reason, p.id);
      return;
    }
  };

  // Planned days: spikes (one early), month-end / quarter-end batches, quiet days with duplicates.
  const spikeDays = new Map<string, number>();
  const spikeRegions = ['NA', 'EMEA', 'APAC', 'LATAM', 'MEA'];
  for (let s = 0; s < SPIKES[scale]; s++) {
    const region = spikeRegions[s % spikeRegions.length] as string;
    const d = s === 0 ? rng.int(2, 9) : rng.int(10, days - 1);
    const t = start + d * DAY;
    // Never on a batch region's batch day: a spike there is not told apart by design.
    if ((region === 'LATAM' || region === 'EMEA') && t === lastBusinessDay(t)) continue;
    // Nor on a holiday: no count model without the holiday calendar can know its rate.
    if (isHoliday(t)) continue;
    spikeDays.set(`${region}:${iso(t)}`, 1);
    // Every third outage lasts into the next day: two spikes side by side, each judged without
    // the other inflating its usual day.
    if (s % 3 === 2 && d + 1 < days && !isHoliday(t + DAY)) {
      const next = t + DAY;
      if (!((region === 'LATAM' || region === 'EMEA') && next === lastBusinessDay(next)))
        spikeDays.set(`${region}:${iso(next)}`, 1);
    }
  }
  // Promotion days in the busy regions: 1.6 × the usual day, improbable under the count model
  // when the region is busy enough, but under the original's 2× floor: not a spike.
  const promotions = new Set<string>();
  for (let k = 0; k < Math.round(days / 30); k++) {
    const region = k % 2 === 0 ? 'NA' : 'EMEA';
    const t = start + rng.int(10, days - 2) * DAY;
    const key = `${region}:${iso(t)}`;
    if (!spikeDays.has(key) && !isHoliday(t) && t !== lastBusinessDay(t)) promotions.add(key);
  }
  const rateOf = (region: string, t: number) => {
    const growth = 1 + (0.3 * (t - start)) / (days * DAY);
    const dow = isWeekend(t) ? 0.6 : 1.1;
    return (RATES[scale][region] as number) * growth * dow * (isHoliday(t) ? 0.2 : 1);
  };

  for (let d = 0; d < days; d++) {
    const t = start + d * DAY;
    for (const region of regions) {
      const mu = rateOf(region, t);
      // Ordinary: Poisson, never past the tail a busy day reaches; 3 % of days are that busy day.
      const busy = countWithTail(mu, 0.05) - 1;
      let n = Math.min(rng.poisson(mu), busy);
      if (rng.chance(0.03)) n = busy;
      const key = `${region}:${iso(t)}`;
      if (promotions.has(key)) n = Math.round(1.6 * mu);
      for (let k = 0; k < n; k++) ordinary(region, t + rng.int(7 * 60, 22 * 60) * 60_000);
      if (spikeDays.has(key)) {
        // An outage clears the floors a finance team sets (4 refunds, 3 above and twice the
        // usual day) and is improbable for the region (tail probability 0.002 or less), both
        // against the usual day as the data can show it: the upper end (two standard errors) of
        // a four-week estimate of the rate, not the generator's own μ, which no reader of the
        // data knows. A spike that only the generator's μ makes improbable is not labelled one.
        const seen = mu * (1 + 2 / Math.sqrt(Math.max(28 * mu, 1)));
        const floors = Math.max(4, Math.ceil(seen + 3.5), Math.ceil(2.3 * Math.max(seen, 1)) + 1);
        const size = Math.max(countWithTail(seen, 0.002), floors) + rng.int(0, 2);
        const extra = size - n;
        const hour = rng.int(6, 18);
        for (let k = 0; k < Math.max(3, extra); k++)
          ordinary(region, t + (hour * 60 + rng.int(0, 180)) * 60_000, 'service_issue');
        labels.push({ type: 'refund_spike', key: `refund_spike:${key}` });
      }
      const batch =
        (region === 'LATAM' && t === lastBusinessDay(t)) ||
        (scale === 'large' &&
          region === 'EMEA' &&
          t === lastBusinessDay(t) &&
          new Date(t).getUTCMonth() % 3 === 2);
      if (batch && !spikeDays.has(key)) {
        const size = countWithTail(mu, 0.0005) + rng.int(0, 2);
        for (let k = 0; k < size; k++)
          ordinary(region, t + (21 * 60 + rng.int(0, 90)) * 60_000, 'billing_error');
      }
    }
  }

  // Duplicates on quiet regions' days: the pair's second refund would make a "spike" if counted.
  const quiet = regions.filter((r) => (RATES[scale][r] as number) < 1.5);
  for (let k = 0; k < SPIKES[scale]; k++) {
    const region = quiet[k % quiet.length] as string;
    const c = (byRegion.get(region) ?? [])[rng.int(0, (byRegion.get(region)?.length ?? 1) - 1)];
    const p = c?.payments.find((x) => !x.used && x.t > start + 5 * DAY);
    if (!c || !p) continue;
    let t = p.t + rng.int(1, 6) * DAY;
    t = Math.min(t, asOf + 20 * 3_600_000);
    const day = Math.floor(t / DAY) * DAY;
    if (spikeDays.has(`${region}:${iso(day)}`)) continue;
    p.used = true;
    const amount = Math.round(p.amount * 0.5);
    refund(c, t, amount, 'billing_error', p.id);
    const second = refund(c, t + rng.int(5, 90) * 60_000, amount, 'billing_error', p.id);
    labels.push({ type: 'duplicate_refund', key: `duplicate_refund:${second}` });
  }

  // Manual credits.
  const credits = Math.max(12, Math.round(customers.length / 40));
  for (let k = 0; k < credits; k++) {
    const c = customers[rng.int(0, customers.length - 1)] as Customer;
    const t = start + rng.int(0, days - 1) * DAY + rng.int(9, 17) * 3_600_000;
    const price = PRICES[c.tier];
    const kind = k % 5;
    let amount: number;
    let approver = '';
    let anomaly = false;
    if (kind === 0) {
      amount = rng.int(BAR + 1, BAR + 400); // unapproved above the bar
      anomaly = true;
    } else if (kind === 1) {
      amount = Math.max(BAR, price) + rng.int(1, 500); // approved, above the price and the bar
      approver = 'controller';
      anomaly = true;
    } else if (kind === 2) {
      amount = rng.int(10, BAR); // unapproved, not above the bar: a process note
      if (k % 10 === 7) amount = BAR;
    } else if (kind === 3) {
      amount = c.tier === 'enterprise' ? rng.int(BAR + 1, price) : rng.int(10, price); // routine
      approver = 'support-lead';
    } else {
      amount = rng.int(10, Math.min(price, BAR)); // approved goodwill below the bar
      approver = 'support-lead';
    }
    const id = refund(c, t, amount, 'manual_credit', '', approver, 'goodwill credit');
    if (anomaly) labels.push({ type: 'manual_credit', key: `manual_credit:${id}` });
  }

  const files = Object.entries(rows).map(([table, lines]) => ({
    fileName: `${table}.csv`,
    data: `${lines.join('\n')}\n`
  }));
  files.push({
    fileName: 'signal_events.csv',
    data: 'signal_id,timestamp,signal_type,severity,source,related_entity,payload_json\n'
  });
  files.push({
    fileName: 'usage_events.csv',
    data: 'event_id,customer_id,event_time,usage_units,feature_type\n'
  });
  return {
    files,
    labels: {
      anomalies: labels,
      counts: { invoices: rows.invoices.length - 1, refunds: rows.refunds.length - 1 }
    }
  };
}
