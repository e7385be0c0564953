/**
 * Turns a dataset in OpsIQ's seven tables into the files a Stripe Dashboard user would export
 * for the same business, with the labels translated to the exported ids: the fixtures for
 * mapping real exports (`npm run bench:quality -- --format stripe`).
 *
 * What changes, as in real exports:
 *  - ids carry Stripe's prefixes (`cus_`, `sub_`, `in_`, `ch_`, `txn_`, `cbtxn_`);
 *  - columns are Stripe's headers, in Stripe's order, with extra columns nobody maps;
 *  - amounts are decimal major units; timestamps UTC without an offset (minutes for invoices
 *    and customers, seconds for payments and the balance history);
 *  - regions become card countries, statuses Stripe's words;
 *  - invoices carry no expected amount: a legitimate reduction (a proration, a negotiated
 *    discount) is recorded as `Total Discount Amount`, and the billed tier as `tier (metadata)`;
 *  - refunds are balance-history rows (Type `refund`, negative Amount, Source = the charge); the
 *    payments say only how much of each charge was refunded;
 *  - manual credits are customer balance adjustments (negative Amount), approver in metadata;
 *  - usage and monitoring signals are not Stripe's: they stay OpsIQ files beside the export.
 * Deterministic: the same input gives the same bytes.
 */
import { stableHash } from '../../src/lib/domain/keys';
import { csvRecords } from '../generator/verify/csv-parse';

export interface ExportFile {
  readonly fileName: string;
  readonly data: string;
}

type Row = Record<string, string>;

const countries: Record<string, readonly string[]> = {
  NA: ['US', 'US', 'US', 'CA'],
  EMEA: ['GB', 'DE', 'FR', 'NL', 'ES', 'AE', 'ZA', 'SE'],
  APAC: ['AU', 'JP', 'SG', 'IN', 'NZ', 'KR'],
  LATAM: ['BR', 'MX', 'AR', 'CL', 'CO']
};

const pick = <T>(list: readonly T[], key: string): T =>
  list[parseInt(stableHash(key).slice(0, 8), 16) % list.length] as T;

function csvCell(v: string): string {
  return /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

function toCsv(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\n') + '\n';
}

const minutes = (ts: string) => ts.slice(0, 16);
const money = (n: number) => n.toFixed(2);

/** Old id → exported id, for every row of every table (and so for the labels). */
class Ids {
  readonly map = new Map<string, string>();
  add(id: string, prefix: string): string {
    if (!id) return '';
    const out = `${prefix}${id}`;
    this.map.set(id, out);
    return out;
  }
  get(id: string): string {
    return id ? (this.map.get(id) ?? id) : '';
  }
}

export function toStripeExport(
  files: readonly { fileName: string; data: string }[],
  labelsJson: string
): { files: ExportFile[]; labels: string } {
  const table = (name: string): Row[] => {
    const f = files.find((x) => x.fileName === `${name}.csv`);
    return f ? csvRecords(f.data) : [];
  };
  const customers = table('customers');
  const subscriptions = table('subscriptions');
  const invoices = table('invoices');
  const payments = table('payments');
  const refunds = table('refunds');
  const ids = new Ids();

  for (const c of customers) ids.add(c.customer_id ?? '', 'cus_');
  for (const s of subscriptions) ids.add(s.subscription_id ?? '', 'sub_');
  for (const i of invoices) ids.add(i.invoice_id ?? '', 'in_');
  for (const p of payments) ids.add(p.payment_id ?? '', 'ch_');
  for (const r of refunds)
    ids.add(
      r.refund_id ?? '',
      (r.reason ?? '').toLowerCase() === 'manual_credit' ? 'cbtxn_' : 'txn_'
    );

  // The subscription in force on a date: the customer's latest start on or before it.
  const subsOf = new Map<string, Row[]>();
  for (const s of subscriptions) {
    const list = subsOf.get(s.customer_id ?? '') ?? [];
    list.push(s);
    subsOf.set(s.customer_id ?? '', list);
  }
  for (const list of subsOf.values()) list.sort((a, b) => (a.start_date! < b.start_date! ? -1 : 1));
  const inForce = (customer: string, date: string): Row | undefined =>
    (subsOf.get(customer) ?? []).filter((s) => (s.start_date ?? '') <= date).pop();

  const nameOf = new Map(customers.map((c) => [c.customer_id ?? '', c.customer_name ?? '']));
  const email = (id: string) =>
    `${(nameOf.get(id) ?? id)
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '.')
      .replace(/^\.|\.$/g, '')}@example.com`;

  // A region the country table does not know (the hard profile's MEA) is the company's own
  // sales region: such a company keeps it in customer metadata, and so does this export.
  const ownRegions = customers.some((c) => !((c.region ?? '') in countries));
  const customerFile = toCsv(
    [
      'id',
      'Description',
      'Email',
      'Name',
      'Created (UTC)',
      'Delinquent',
      'Card Address Country',
      'Card Brand',
      'Card Last4',
      'Plan',
      'Status',
      'Cancel At Period End',
      'Account Balance',
      'Currency',
      ...(ownRegions ? ['region (metadata)'] : [])
    ],
    customers.map((c) => {
      const id = c.customer_id ?? '';
      const first = (subsOf.get(id) ?? [])[0];
      return [
        ids.get(id),
        '',
        email(id),
        c.customer_name ?? '',
        minutes(first?.start_date ?? '2024-01-01 00:00:00'),
        'false',
        pick(countries[c.region ?? ''] ?? ['US'], id),
        pick(['Visa', 'MasterCard', 'American Express'], `${id}:brand`),
        String(1000 + (parseInt(stableHash(id).slice(0, 4), 16) % 9000)),
        c.plan_tier ?? '',
        (c.status ?? '') === 'churned' ? 'canceled' : (c.status ?? ''),
        'false',
        '0.00',
        'usd',
        ...(ownRegions ? [c.region ?? ''] : [])
      ];
    })
  );

  const subscriptionFile = toCsv(
    [
      'id',
      'Customer ID',
      'Customer Name',
      'Customer Email',
      'Status',
      'Plan',
      'Quantity',
      'Amount',
      'Interval',
      'Created (UTC)',
      'Start Date (UTC)',
      'Canceled At (UTC)'
    ],
    subscriptions.map((s) => {
      const cid = s.customer_id ?? '';
      return [
        ids.get(s.subscription_id ?? ''),
        ids.get(cid),
        nameOf.get(cid) ?? '',
        email(cid),
        (s.billing_status ?? '') === 'cancelled' ? 'canceled' : (s.billing_status ?? ''),
        s.plan_tier ?? '',
        '1',
        s.monthly_price ?? '',
        'month',
        minutes(s.start_date ?? ''),
        minutes(s.start_date ?? ''),
        ''
      ];
    })
  );

  const metadataExpected: string[] = [];
  const invoiceFile = toCsv(
    [
      'id',
      'Amount Due',
      'Billing',
      'Closed',
      'Currency',
      'Customer',
      'Date (UTC)',
      'Due Date (UTC)',
      'Number',
      'Paid',
      'Subscription',
      'Subtotal',
      'Total Discount Amount',
      'Applied Coupons',
      'Tax',
      'Tax Percent',
      'Total',
      'Amount Paid',
      'Status',
      'tier (metadata)',
      'expected_amount (metadata)'
    ],
    invoices.map((i, k) => {
      const cid = i.customer_id ?? '';
      const billed = Number(i.billed_amount);
      const expected = Number(i.expected_amount);
      const sub = inForce(cid, i.invoice_date ?? '');
      const price = sub ? Number(sub.monthly_price) : NaN;
      // A legitimate reduction is a recorded discount; where the subscription cannot explain
      // the expected amount (none in force, or more than its price), the billing system's own
      // expected amount is kept in metadata, as a team that tracks it would.
      const discount = Number.isFinite(price) && expected <= price ? price - expected : 0;
      const explained = Number.isFinite(price) && expected <= price;
      if (!explained) metadataExpected.push(i.invoice_id ?? '');
      const status = (i.status ?? '').toLowerCase();
      return [
        ids.get(i.invoice_id ?? ''),
        money(billed),
        'charge_automatically',
        status === 'paid' ? 'true' : 'false',
        'usd',
        ids.get(cid),
        minutes(i.invoice_date ?? ''),
        '',
        `${cid.replace(/\D/g, '').slice(-4)}-${String(k + 1).padStart(4, '0')}`,
        status === 'paid' ? 'true' : 'false',
        sub ? ids.get(sub.subscription_id ?? '') : '',
        money(billed + discount),
        money(discount),
        discount > 0 ? 'ADJUST' : '',
        '0.00',
        '',
        money(billed),
        status === 'paid' ? money(billed) : '0.00',
        status,
        i.plan_tier_billed ?? '',
        explained ? '' : money(expected)
      ];
    })
  );

  const refundedOf = new Map<string, number>();
  const refundedAt = new Map<string, string>();
  for (const r of refunds) {
    if ((r.reason ?? '').toLowerCase() === 'manual_credit' || !r.linked_payment_id) continue;
    const p = r.linked_payment_id;
    refundedOf.set(p, (refundedOf.get(p) ?? 0) + Number(r.amount));
    if ((r.refund_date ?? '') > (refundedAt.get(p) ?? '')) refundedAt.set(p, r.refund_date ?? '');
  }
  const paymentFile = toCsv(
    [
      'id',
      'Created date (UTC)',
      'Amount',
      'Amount Refunded',
      'Currency',
      'Captured',
      'Converted Amount',
      'Converted Currency',
      'Decline Reason',
      'Description',
      'Fee',
      'Refunded date (UTC)',
      'Statement Descriptor',
      'Status',
      'Seller Message',
      'Card ID',
      'Customer ID',
      'Customer Description',
      'Customer Email',
      'Invoice ID'
    ],
    payments.map((p) => {
      const id = p.payment_id ?? '';
      const amount = Number(p.amount);
      const refunded = refundedOf.get(id) ?? 0;
      const failed = (p.status ?? '').toLowerCase() !== 'completed';
      const cid = p.customer_id ?? '';
      return [
        ids.get(id),
        p.payment_date ?? '',
        money(amount),
        money(refunded),
        'usd',
        failed ? 'false' : 'true',
        money(amount),
        'usd',
        failed ? 'card_declined' : '',
        `Payment for invoice ${ids.get(p.invoice_id ?? '')}`,
        money(Math.round(amount * 2.9 + 30) / 100),
        refundedAt.get(id) ?? '',
        'OPSIQ DEMO',
        failed ? 'Failed' : refunded >= amount && refunded > 0 ? 'Refunded' : 'Paid',
        failed ? 'Your card was declined.' : 'Payment complete.',
        `card_${stableHash(cid).slice(0, 10)}`,
        ids.get(cid),
        '',
        email(cid),
        ids.get(p.invoice_id ?? '')
      ];
    })
  );

  // Balance history: a charge row per captured payment, a refund row per refund.
  const balance: string[][] = [];
  for (const p of payments) {
    if ((p.status ?? '').toLowerCase() !== 'completed') continue;
    const amount = Number(p.amount);
    const fee = Math.round(amount * 2.9 + 30) / 100;
    balance.push([
      `txn_ch_${p.payment_id}`,
      'charge',
      ids.get(p.payment_id ?? ''),
      money(amount),
      money(fee),
      money(amount - fee),
      'usd',
      p.payment_date ?? '',
      (p.payment_date ?? '').slice(0, 10) + ' 00:00:00',
      'Subscription update'
    ]);
  }
  const credits: string[][] = [];
  for (const r of refunds) {
    const amount = Number(r.amount);
    const id = ids.get(r.refund_id ?? '');
    if ((r.reason ?? '').toLowerCase() === 'manual_credit') {
      credits.push([
        id,
        ids.get(r.customer_id ?? ''),
        money(-amount),
        r.refund_date ?? '',
        r.note || 'Credit',
        'adjustment',
        'usd',
        money(-amount),
        '',
        '',
        r.approved_by ?? ''
      ]);
      continue;
    }
    balance.push([
      id,
      'refund',
      ids.get(r.linked_payment_id ?? ''),
      money(-amount),
      '0.00',
      money(-amount),
      'usd',
      r.refund_date ?? '',
      (r.refund_date ?? '').slice(0, 10) + ' 00:00:00',
      r.note || 'REFUND FOR CHARGE'
    ]);
  }
  balance.sort((a, b) =>
    (a[7] ?? '') < (b[7] ?? '')
      ? -1
      : (a[7] ?? '') > (b[7] ?? '')
        ? 1
        : (a[0] ?? '') < (b[0] ?? '')
          ? -1
          : 1
  );
  const balanceFile = toCsv(
    [
      'id',
      'Type',
      'Source',
      'Amount',
      'Fee',
      'Net',
      'Currency',
      'Created (UTC)',
      'Available On (UTC)',
      'Description'
    ],
    balance
  );
  const creditFile = toCsv(
    [
      'id',
      'Customer',
      'Amount',
      'Created (UTC)',
      'Description',
      'Type',
      'Currency',
      'Ending Balance',
      'Invoice',
      'Credit Note',
      'approved_by (metadata)'
    ],
    credits
  );

  // Labels: every exported id in place of the old one (keys, ids and lists alike).
  const labels = labelsJson.replace(/"([^"]*)"/g, (whole, text: string) => {
    const translated = text.replace(/[A-Z]{1,4}\d{4,}/g, (id) => ids.get(id));
    return translated === text ? whole : JSON.stringify(translated);
  });

  const passThrough = files.filter(
    (f) => f.fileName === 'usage_events.csv' || f.fileName === 'signal_events.csv'
  );
  return {
    files: [
      { fileName: 'unified_customers.csv', data: customerFile },
      { fileName: 'subscriptions.csv', data: subscriptionFile },
      { fileName: 'invoices.csv', data: invoiceFile },
      { fileName: 'unified_payments.csv', data: paymentFile },
      { fileName: 'balance_history.csv', data: balanceFile },
      { fileName: 'customer_balance_transactions.csv', data: creditFile },
      ...passThrough.map((f) => ({ fileName: f.fileName, data: translateIds(f.data, ids) }))
    ],
    labels
  };
}

/** Ids inside the pass-through files (usage events' customers) follow the export's. */
function translateIds(data: string, ids: Ids): string {
  return data.replace(/\b[A-Z]{1,4}\d{4,}\b/g, (id) => ids.get(id));
}
