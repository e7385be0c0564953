/**
 * The picture that proves a case, from the case's own rows: which rows to read (one SQL query
 * per case type, parameters from the case's entities) and how they become a chart and its data
 * table. Pure: the same case and rows give the same picture.
 *
 * - refund spike: the region's daily refunds over the four weeks before the day, with the count
 *   model's band (from the expected count up to the smallest count the detector would flag, by
 *   the case's own rule settings) and the day marked;
 * - underbilling: billed against expected across the customer's invoices;
 * - duplicate refund: the payment and both refunds on one time line;
 * - tier mismatch: the subscription's tier over time against the invoice's billed tier;
 * - manual credit: the credit against the customer's monthly price and earlier credits.
 */
import { isSpikeCount } from './detectors/refund-spike';
import { defaultMemoryValues, type MemoryValues } from './memory';
import type { TriageCase } from './schemas/case';

type Value = string | number | boolean | null;
export type EvidenceRow = Record<string, Value>;

export interface EvidenceQuery {
  readonly sql: string;
  readonly params: (string | number)[];
}

export interface ChartPoint {
  readonly x: number;
  readonly y: number;
  readonly label?: string;
  readonly highlight?: boolean;
}

export interface EvidenceChartSpec {
  /** One sentence naming what the picture shows, with its key numbers (the svg's name). */
  readonly label: string;
  readonly x: { readonly kind: 'time' | 'category'; readonly labels?: readonly string[] };
  readonly y: {
    readonly label: string;
    readonly format: 'money' | 'count' | 'tier';
    readonly tiers?: readonly string[];
  };
  readonly bars?: { readonly name: string; readonly points: readonly ChartPoint[] };
  readonly bars2?: { readonly name: string; readonly points: readonly ChartPoint[] };
  readonly line?: {
    readonly name: string;
    readonly points: readonly ChartPoint[];
    readonly step?: boolean;
  };
  readonly points?: { readonly name: string; readonly points: readonly ChartPoint[] };
  readonly band?: { readonly name: string; readonly lo: number; readonly hi: number };
  readonly rule?: { readonly name: string; readonly y: number };
  readonly table: {
    readonly caption: string;
    readonly headings: readonly string[];
    readonly rows: readonly (readonly string[])[];
  };
}

const DAY = 86_400_000;
const num = (v: Value | undefined): number => (typeof v === 'number' ? v : Number(v ?? 0));
const str = (v: Value | undefined): string => (v === null || v === undefined ? '' : String(v));
const money = (n: number) =>
  `$${n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const TS = (col: string) => `strftime(CAST(${col} AS TIMESTAMP), '%Y-%m-%d %H:%M')`;
const MS = (col: string) => `epoch_ms(CAST(${col} AS TIMESTAMP))`;

/** The query for a case's rows, or null when the case names too little to find them. */
export function evidenceQuery(c: TriageCase): EvidenceQuery | null {
  const e = c.entities;
  switch (c.type) {
    case 'refund_spike': {
      const day = str(c.facts['day'] ?? e.date ?? null).slice(0, 10);
      if (!e.region || !/^\d{4}-\d{2}-\d{2}$/.test(day)) return null;
      return {
        sql: `SELECT strftime(CAST(r.refund_date AS DATE), '%Y-%m-%d') AS day, count(*) AS n,
                sum(r.amount) AS amount
              FROM refunds r JOIN customers c ON c.customer_id = r.customer_id
              WHERE c.region = ? AND CAST(r.refund_date AS DATE)
                BETWEEN CAST(? AS DATE) - INTERVAL 28 DAY AND CAST(? AS DATE)
              GROUP BY 1 ORDER BY 1`,
        params: [e.region, day, day]
      };
    }
    case 'underbilling':
      if (!e.customer_id) return null;
      return {
        sql: `SELECT invoice_id, ${TS('invoice_date')} AS at, billed_amount, expected_amount
              FROM invoices WHERE customer_id = ? ORDER BY invoice_date, invoice_id LIMIT 48`,
        params: [e.customer_id]
      };
    case 'duplicate_refund': {
      const [a, b] = e.refund_ids ?? [];
      if (!a || !b) return null;
      return {
        sql: `SELECT 'payment' AS kind, payment_id AS id, ${TS('payment_date')} AS at,
                ${MS('payment_date')} AS ms, amount FROM payments
              WHERE payment_id IN (SELECT linked_payment_id FROM refunds WHERE refund_id IN (?, ?))
              UNION ALL
              SELECT 'refund', refund_id, ${TS('refund_date')}, ${MS('refund_date')}, amount
              FROM refunds WHERE refund_id IN (?, ?)
              ORDER BY ms, id`,
        params: [a, b, a, b]
      };
    }
    case 'tier_mismatch':
      if (!e.invoice_id) return null;
      return {
        sql: `SELECT 'subscription' AS kind, s.subscription_id AS id, ${TS('s.start_date')} AS at,
                ${MS('s.start_date')} AS ms, s.plan_tier AS tier, s.monthly_price AS amount
              FROM subscriptions s
              WHERE s.customer_id = (SELECT customer_id FROM invoices WHERE invoice_id = ?)
              UNION ALL
              SELECT 'invoice', invoice_id, ${TS('invoice_date')}, ${MS('invoice_date')},
                plan_tier_billed, billed_amount
              FROM invoices WHERE invoice_id = ?
              ORDER BY ms, id`,
        params: [e.invoice_id, e.invoice_id]
      };
    case 'manual_credit': {
      const id = e.refund_id ?? e.refund_ids?.[0];
      if (!id || !e.customer_id) return null;
      return {
        sql: `SELECT refund_id, ${TS('refund_date')} AS at, ${MS('refund_date')} AS ms, amount,
                reason FROM refunds
              WHERE customer_id = ? AND refund_date <= (SELECT refund_date FROM refunds WHERE refund_id = ?)
              ORDER BY refund_date DESC, refund_id LIMIT 24`,
        params: [e.customer_id, id]
      };
    }
  }
}

/**
 * The smallest daily count the refund-spike detector would flag at this expected count and
 * dispersion, with the settings the case's rules report (the memory's defaults for any missing):
 * the top of the picture's band, so the band shows how far a day may go before it is a spike.
 */
export function spikeBar(c: TriageCase, mu: number, phi: number): number {
  const m: MemoryValues = defaultMemoryValues();
  for (const r of c.rules)
    if (Object.hasOwn(m, r.rule) && typeof r.threshold === 'number')
      (m as Record<string, unknown>)[r.rule] = r.threshold;
  let n = Math.max(1, Math.ceil(mu));
  while (n < 1_000_000 && !isSpikeCount(n, mu, phi, m)) n++;
  return n;
}

const TIER_ORDER = ['free', 'starter', 'basic', 'pro', 'professional', 'business', 'enterprise'];
function tierScale(tiers: readonly string[]): string[] {
  const unique = [...new Set(tiers.filter(Boolean))];
  const rank = (t: string) => {
    const i = TIER_ORDER.indexOf(t.toLowerCase());
    return i < 0 ? TIER_ORDER.length : i;
  };
  return unique.sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : 1));
}

/** The chart and table for a case from the rows `evidenceQuery` returned. */
export function evidenceChart(
  c: TriageCase,
  rows: readonly EvidenceRow[]
): EvidenceChartSpec | null {
  if (rows.length === 0) return null;
  switch (c.type) {
    case 'refund_spike': {
      const day = str(c.facts['day'] ?? c.entities.date ?? null).slice(0, 10);
      const end = Date.parse(`${day}T00:00:00Z`);
      const byDay = new Map(rows.map((r) => [str(r['day']), num(r['n'])]));
      const days = Array.from({ length: 29 }, (_, i) =>
        new Date(end - (28 - i) * DAY).toISOString().slice(0, 10)
      );
      const mu = num(c.facts['expected_count'] ?? c.facts['baseline_median'] ?? null);
      const phi = num(c.facts['dispersion'] ?? null);
      const bar = spikeBar(c, mu, phi);
      const n = byDay.get(day) ?? 0;
      return {
        label: `Daily refunds in ${c.entities.region ?? 'the region'} over the 4 weeks to ${day}: ${n} on ${day} where the count model expects ${mu} a day and flags ${bar} or more.`,
        x: { kind: 'category', labels: days.map((d) => d.slice(5)) },
        y: { label: 'Refunds a day', format: 'count' },
        band: { name: `Expected (${mu}) up to the spike bar (${bar})`, lo: mu, hi: bar },
        rule: { name: 'Expected a day', y: mu },
        bars: {
          name: 'Refunds',
          points: days.map((d, i) => ({ x: i, y: byDay.get(d) ?? 0, highlight: d === day }))
        },
        table: {
          caption: `Refunds a day in ${c.entities.region ?? 'the region'}`,
          headings: ['Day', 'Refunds', 'Amount'],
          rows: days.map((d) => {
            const r = rows.find((x) => str(x['day']) === d);
            return [
              d === day ? `${d} (the spike)` : d,
              String(byDay.get(d) ?? 0),
              money(num(r?.['amount']))
            ];
          })
        }
      };
    }
    case 'underbilling': {
      const labels = rows.map((r) => str(r['invoice_id']));
      const mine = c.entities.invoice_id;
      const billed = rows.map((r, i) => ({
        x: i,
        y: num(r['billed_amount']),
        highlight: labels[i] === mine
      }));
      const expected = rows.map((r, i) => ({ x: i, y: num(r['expected_amount']) }));
      const gap = rows.filter((r) => num(r['billed_amount']) < num(r['expected_amount'])).length;
      return {
        label: `Billed against expected across the customer's ${rows.length} invoices: ${gap} billed below the expected amount; ${mine ?? 'this invoice'} is marked.`,
        x: { kind: 'category', labels },
        y: { label: 'Amount', format: 'money' },
        bars: { name: 'Billed', points: billed },
        bars2: { name: 'Expected', points: expected },
        table: {
          caption: "The customer's invoices",
          headings: ['Invoice', 'Date', 'Billed', 'Expected', 'Gap'],
          rows: rows.map((r) => [
            str(r['invoice_id']) === mine
              ? `${str(r['invoice_id'])} (this case)`
              : str(r['invoice_id']),
            str(r['at']).slice(0, 10),
            money(num(r['billed_amount'])),
            money(num(r['expected_amount'])),
            money(num(r['expected_amount']) - num(r['billed_amount']))
          ])
        }
      };
    }
    case 'duplicate_refund': {
      const pts = rows.map((r) => ({
        x: num(r['ms']),
        y: num(r['amount']),
        label: `${str(r['kind']) === 'payment' ? 'Payment' : 'Refund'} ${str(r['id'])}`,
        highlight: str(r['kind']) === 'refund'
      }));
      const refunds = rows.filter((r) => str(r['kind']) === 'refund');
      const gapMin =
        refunds.length >= 2
          ? Math.round((num(refunds[1]!['ms']) - num(refunds[0]!['ms'])) / 60_000)
          : null;
      return {
        label: `The payment and its refunds on one time line: ${rows.length} events${gapMin === null ? '' : `, the two refunds ${gapMin} minutes apart`}.`,
        x: { kind: 'time' },
        y: { label: 'Amount', format: 'money' },
        points: { name: 'Payment and refunds', points: pts },
        table: {
          caption: 'The payment and its refunds',
          headings: ['When', 'What', 'Amount'],
          rows: rows.map((r) => [
            str(r['at']),
            `${str(r['kind']) === 'payment' ? 'Payment' : 'Refund'} ${str(r['id'])}`,
            money(num(r['amount']))
          ])
        }
      };
    }
    case 'tier_mismatch': {
      const tiers = tierScale(rows.map((r) => str(r['tier'])));
      const subs = rows.filter((r) => str(r['kind']) === 'subscription');
      const inv = rows.find((r) => str(r['kind']) === 'invoice');
      const rank = (t: Value | undefined) => tiers.indexOf(str(t));
      const end = Math.max(...rows.map((r) => num(r['ms']))) + 7 * DAY;
      const line = [
        ...subs.map((r) => ({ x: num(r['ms']), y: rank(r['tier']) })),
        ...(subs.length ? [{ x: end, y: rank(subs[subs.length - 1]!['tier']) }] : [])
      ];
      return {
        label: `Subscription tier over time against the invoice: billed as ${str(inv?.['tier']) || 'unknown'} while the subscription was ${str(c.facts['contracted_tier'] ?? null) || 'another tier'}.`,
        x: { kind: 'time' },
        y: { label: 'Tier', format: 'tier', tiers },
        line: { name: 'Subscription tier', points: line, step: true },
        points: {
          name: 'Invoice billed tier',
          points: inv
            ? [
                {
                  x: num(inv['ms']),
                  y: rank(inv['tier']),
                  label: `Invoice ${str(inv['id'])}`,
                  highlight: true
                }
              ]
            : []
        },
        table: {
          caption: 'Subscription tiers and the invoice',
          headings: ['When', 'What', 'Tier', 'Amount'],
          rows: rows.map((r) => [
            str(r['at']),
            `${str(r['kind']) === 'invoice' ? 'Invoice' : 'Subscription'} ${str(r['id'])}`,
            str(r['tier']),
            money(num(r['amount']))
          ])
        }
      };
    }
    case 'manual_credit': {
      const ordered = [...rows].reverse();
      const mine = c.entities.refund_id ?? c.entities.refund_ids?.[0];
      const price = c.facts['monthly_price'];
      const amount = num(c.facts['amount'] ?? null);
      return {
        label: `The credit of ${money(amount)} against the customer's monthly price${typeof price === 'number' ? ` of ${money(price)}` : ''} and ${ordered.length - 1} earlier credits.`,
        x: { kind: 'time' },
        y: { label: 'Amount', format: 'money' },
        bars: {
          name: 'Credits and refunds',
          points: ordered.map((r) => ({
            x: num(r['ms']),
            y: num(r['amount']),
            highlight: str(r['refund_id']) === mine,
            label: str(r['refund_id'])
          }))
        },
        ...(typeof price === 'number' ? { rule: { name: 'Monthly price', y: price } } : {}),
        table: {
          caption: "The customer's credits and refunds up to this one",
          headings: ['When', 'Refund', 'Amount', 'Reason'],
          rows: ordered.map((r) => [
            str(r['at']),
            str(r['refund_id']) === mine
              ? `${str(r['refund_id'])} (this case)`
              : str(r['refund_id']),
            money(num(r['amount'])),
            str(r['reason'])
          ])
        }
      };
    }
  }
}
