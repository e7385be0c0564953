import { describe, expect, it } from 'vitest';
import { TABLE_COLUMNS, TABLE_NAMES, type Scale } from '../../../data/generator/index';
import { parseCsv } from '../../../data/generator/verify/csv-parse';
import { dayOf, inForce, subscriptionIndex } from '../../../data/generator/verify/dataset';
import { parseTimestamp } from '../../../data/generator/calendar';
import { file, fixture } from './fixtures';

const TIMESTAMP = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01]) ([01]\d|2[0-3]):[0-5]\d:[0-5]\d$/;
const MONEY = /^\d+\.\d{2}$/;
const TIME_COLUMNS = new Set([
  'start_date',
  'invoice_date',
  'payment_date',
  'refund_date',
  'event_time',
  'timestamp'
]);
const MONEY_COLUMNS = new Set(['monthly_price', 'billed_amount', 'expected_amount', 'amount']);

describe.each([
  ['demo', 2],
  ['small', 1],
  ['medium', 2]
] as [Scale, number][])('CSV files of %s, seed %i', (scale, seed) => {
  it('have the contract headers, full rows, unique ids, ISO dates and plain money', async () => {
    const f = await fixture(scale, seed);
    for (const table of TABLE_NAMES) {
      const { header, rows } = parseCsv(file(f, table));
      expect(header).toEqual([...TABLE_COLUMNS[table]]);
      expect(rows.length).toBe(f.labels.counts[table]);
      const ids = new Set<string>();
      // Problems are collected rather than asserted per cell: a million expect() calls are slow.
      const problems: string[] = [];
      const timeColumns = header.flatMap((c, i) => (TIME_COLUMNS.has(c) ? [i] : []));
      const moneyColumns = header.flatMap((c, i) => (MONEY_COLUMNS.has(c) ? [i] : []));
      for (const row of rows) {
        if (row.length !== header.length) problems.push(`${table} ${row[0]}: ${row.length} fields`);
        ids.add(row[0] ?? '');
        for (const i of timeColumns)
          if (!TIMESTAMP.test(row[i] ?? '')) problems.push(`${table} ${row[0]}: time ${row[i]}`);
        for (const i of moneyColumns)
          if (!MONEY.test(row[i] ?? '')) problems.push(`${table} ${row[0]}: money ${row[i]}`);
      }
      expect(problems.slice(0, 5)).toEqual([]);
      expect(ids.size, `${table} ids`).toBe(rows.length);
    }
  });

  it('keep references, amounts and times consistent', async () => {
    const { ds, asOf } = await fixture(scale, seed);
    const customers = new Set(ds.customers.map((c) => c.id));
    const invoices = new Map(ds.invoices.map((i) => [i.id, i]));
    const payments = new Map(ds.payments.map((p) => [p.id, p]));
    const subs = subscriptionIndex(ds.subscriptions);
    const end = parseTimestamp(`${asOf} 23:59:59`);
    let latest = 0;
    for (const s of ds.subscriptions) expect(customers.has(s.customer)).toBe(true);
    for (const i of ds.invoices) {
      expect(customers.has(i.customer)).toBe(true);
      // expected_amount is the contract in force on the invoice date.
      expect(i.expectedCents, i.id).toBe(inForce(subs, i.customer, i.time)?.priceCents);
      latest = Math.max(latest, i.time);
    }
    expect(ds.payments.length).toBe(ds.invoices.length);
    for (const p of ds.payments) {
      const invoice = invoices.get(p.invoice);
      expect(invoice?.customer, p.id).toBe(p.customer);
      expect(p.amountCents).toBe(invoice?.billedCents);
      expect(p.time).toBeGreaterThan(invoice?.time ?? Infinity);
      expect(invoice?.status).toBe(p.status === 'completed' ? 'paid' : 'open');
      latest = Math.max(latest, p.time);
    }
    for (const r of ds.refunds) {
      expect(r.amountCents, r.id).toBeGreaterThan(0);
      expect(customers.has(r.customer)).toBe(true);
      if (r.payment !== '') {
        const p = payments.get(r.payment);
        expect(p?.customer, r.id).toBe(r.customer);
        expect(p?.status).toBe('completed');
        expect(r.time).toBeGreaterThan(p?.time ?? Infinity);
      } else expect(r.reason).toBe('manual_credit');
      latest = Math.max(latest, r.time);
    }
    for (const u of ds.usage) latest = Math.max(latest, u.time);
    for (const s of ds.signals) {
      expect(() => JSON.parse(s.payload)).not.toThrow();
      expect(typeof (JSON.parse(s.payload) as { message?: unknown }).message).toBe('string');
      latest = Math.max(latest, s.time);
    }
    expect(latest).toBeLessThanOrEqual(end);
    // The as-of date of the data (its latest event) is the configured one.
    expect(dayOf(latest)).toBe(dayOf(end));
  });

  it('read like a business: regions of different sizes, tier changes, churn, failures, notes', async () => {
    const { ds } = await fixture(scale, seed);
    const share = (region: string) =>
      ds.customers.filter((c) => c.region === region).length / ds.customers.length;
    if (scale !== 'demo') {
      expect(share('NA')).toBeGreaterThan(share('EMEA'));
      expect(share('EMEA')).toBeGreaterThan(share('APAC'));
      expect(share('APAC')).toBeGreaterThan(share('LATAM'));
    }
    expect(ds.subscriptions.length).toBeGreaterThan(ds.customers.length);
    expect(ds.subscriptions.some((s) => s.status === 'superseded')).toBe(true);
    const failed = ds.payments.filter((p) => p.status === 'failed').length / ds.payments.length;
    expect(failed).toBeGreaterThan(0.005);
    expect(failed).toBeLessThan(0.08);
    expect(new Set(ds.refunds.map((r) => r.reason)).size).toBeGreaterThanOrEqual(5);
    expect(new Set(ds.payments.map((p) => p.processor)).size).toBeGreaterThanOrEqual(3);
    expect(ds.refunds.some((r) => /furious|escalat|chargeback|angry|twice/i.test(r.note))).toBe(
      true
    );
    expect(ds.refunds.filter((r) => r.note !== '').length).toBeGreaterThan(ds.refunds.length / 4);
    expect(new Set(ds.signals.map((s) => s.type))).toEqual(
      new Set(['scheduled_scan', 'anomaly_alert', 'metric_drift', 'billing_exception', 'batch_job'])
    );
    if (scale !== 'demo') {
      expect(ds.customers.some((c) => c.status === 'churned')).toBe(true);
      const negotiated = ds.subscriptions.filter(
        (s) => ![4900, 19900, 49900].includes(s.priceCents)
      );
      expect(negotiated.length).toBeGreaterThan(0);
    }
  });
});
