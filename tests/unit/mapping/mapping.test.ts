import type { DuckDBBindings, DuckDBConnection } from '@duckdb/duckdb-wasm/blocking';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableSpec } from '../../../workers/contracts/tables';
import { typedExpr } from '../../../workers/services/analytics/validation-sql';
import { createNodeBindings } from '../../../workers/services/duckdb-node';
import { compileOutput, outputSelectSql } from '../../../src/lib/domain/mapping/compile';
import {
  customerThroughPaymentSql,
  expectedFromSubscriptionSql,
  skippedDetectors
} from '../../../src/lib/domain/mapping/derive';
import {
  headerSignature,
  metadataKey,
  normalHeader
} from '../../../src/lib/domain/mapping/headers';
import { parseMappingFile } from '../../../src/lib/domain/mapping/mapping-file';
import { presetById, type Preset } from '../../../src/lib/domain/mapping/presets';
import { recognise } from '../../../src/lib/domain/mapping/recognise';
import { looksLikeRegions } from '../../../src/lib/domain/mapping/regions';
import { suggestColumns, type SampledColumn } from '../../../src/lib/domain/mapping/suggest';
import {
  chooseDateFormat,
  dateProbeSql,
  type Transform
} from '../../../src/lib/domain/mapping/transforms';
import { ident } from '../../../src/lib/domain/sql-text';
import * as fx from './stripe-fixture';

let db: DuckDBBindings;
let conn: DuckDBConnection;
let n = 0;

beforeAll(async () => {
  db = await createNodeBindings();
  conn = db.connect();
});
afterAll(() => conn.close());

type Row = Record<string, unknown>;
/** Rows with every value as text (DECIMALs arrive from Arrow unscaled otherwise). */
const rows = (sql: string): Row[] =>
  conn
    .query(`SELECT COLUMNS(*)::VARCHAR FROM (${sql})`)
    .toArray()
    .map((r: { toJSON(): Row }) => r.toJSON());

/** Reads a CSV as text columns (as the importer's mapped read does) into table `name`. */
function load(name: string, csv: string): string[] {
  const file = `m${++n}.csv`;
  db.registerFileBuffer(file, new TextEncoder().encode(csv));
  conn.query(
    `CREATE OR REPLACE TABLE ${name} AS SELECT * FROM read_csv('${file}', header=true, all_varchar=true, quote='"', escape='"', delim=',')`
  );
  return rows(`DESCRIBE ${name}`).map((r) => String(r.column_name));
}

function sample(name: string, headers: string[]): SampledColumn[] {
  const data = rows(`SELECT * FROM ${name} LIMIT 50`);
  return headers.map((h) => ({
    header: h,
    values: data.map((r) => r[h]).filter((v): v is string => typeof v === 'string' && v !== '')
  }));
}

const money = (sql: string) => typedExpr(tableSpec('payments').columns[4]!, sql);

/** Suggests and compiles a preset's output over a loaded source, returning the mapped rows. */
function mapWith(
  preset: Preset,
  outputIndex: number,
  name: string,
  headers: string[],
  into?: string
) {
  const output = preset.outputs[outputIndex]!;
  const choices = suggestColumns(output.table, sample(name, headers), output);
  const compiled = compileOutput(
    output.table,
    choices,
    headers,
    {
      column: (h) => ident(h),
      parseMoney: money,
      ...(output.idPrefix ? { idPrefix: output.idPrefix } : {})
    },
    output.filter
  );
  const sql = outputSelectSql(compiled, name);
  if (into) conn.query(`CREATE OR REPLACE TABLE ${into} AS ${sql}`);
  return { choices, compiled, rows: rows(into ? `SELECT * FROM ${into}` : sql) };
}

describe('recognising a file by its name and header', () => {
  it.each([
    ['unified_customers.csv', 'stripe.customers', fx.stripeCustomers],
    ['unified_payments.csv', 'stripe.payments', fx.stripePayments],
    ['invoices.csv', 'stripe.invoices', fx.stripeInvoices],
    ['subscriptions.csv', 'stripe.subscriptions', fx.stripeSubscriptions],
    ['balance_history.csv', 'stripe.balance_history', fx.stripeBalanceHistory],
    ['customer_balance_transactions.csv', 'stripe.customer_balance', fx.stripeCustomerBalance],
    // Renamed files are still recognised by their header.
    ['export (3).csv', 'stripe.payments', fx.stripePayments],
    ['Itemised_balance_change_from_activity.csv', 'stripe.balance_history', fx.stripeBalanceHistory]
  ])('%s is the %s', (file, id, csv) => {
    const r = recognise(file, fx.headerOf(csv));
    expect(r.kind).toBe('preset');
    expect(r.kind === 'preset' && r.preset.id).toBe(id);
  });

  it('a header in another order, other case and an older Created column is the same export', () => {
    const header = ['Customer ID', 'STATUS', 'amount refunded', 'Created (UTC)', 'Amount', 'ID'];
    const r = recognise('x.csv', header);
    expect(r.kind === 'preset' && r.preset.id).toBe('stripe.payments');
  });

  it('our own columns are our own table, whatever the file is called', () => {
    const r = recognise('export.csv', [
      'refund_id',
      'customer_id',
      'refund_date',
      'amount',
      'reason',
      'processor',
      'linked_payment_id'
    ]);
    expect(r).toMatchObject({ kind: 'table', table: 'refunds' });
  });

  it('an unknown header is unknown, with a guess from the file name only when it names a table', () => {
    expect(recognise('notes.csv', ['a', 'b'])).toMatchObject({ kind: 'unknown', guess: null });
    expect(recognise('acme_refunds.csv', ['a', 'b'])).toMatchObject({
      kind: 'unknown',
      guess: 'refunds'
    });
  });
});

describe('headers', () => {
  it('normal forms fold case, BOMs, spacing and punctuation; metadata keys are read', () => {
    expect(normalHeader('\uFEFF Created date (UTC) ')).toBe('created_date_utc');
    expect(normalHeader('Customer-ID')).toBe('customer_id');
    expect(metadataKey('approved_by (metadata)')).toBe('approved_by');
    expect(metadataKey('Plan Tier (Metadata)')).toBe('plan_tier');
    expect(metadataKey('Amount')).toBeNull();
  });

  it('the signature ignores order and case but not the set of columns', () => {
    expect(headerSignature(['id', 'Amount', 'Status'])).toBe(
      headerSignature(['status', 'ID', 'amount'])
    );
    expect(headerSignature(['id', 'Amount'])).not.toBe(headerSignature(['id', 'Amount', 'Status']));
    expect(headerSignature(['a'])).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe('mapping Stripe exports onto the contract, run in DuckDB', () => {
  it('payments: status words, amounts with thousands separators, the processor implied', () => {
    const headers = load('src_pay', fx.stripePayments);
    const { rows: out, compiled } = mapWith(presetById('stripe.payments')!, 0, 'src_pay', headers);
    expect(compiled.unmapped).toEqual([]);
    expect(out.map((r) => [r.payment_id, r.status, Number(r.amount), r.payment_processor])).toEqual(
      [
        ['ch_1', 'completed', 99, 'stripe'],
        ['ch_2', 'completed', 1200, 'stripe'],
        ['ch_3', 'completed', 49, 'stripe'],
        ['py_4', 'failed', 49, 'stripe'],
        // The incomplete attempt keeps its empty id: the importer rejects it and says why.
        [null, 'failed', 10, 'stripe']
      ]
    );
    expect(String(out[0]?.payment_date)).toContain('2026-02-01');
  });

  it('refunds from Amount Refunded: one per refunded charge, marked by id and linked to it', () => {
    const headers = load('src_pay2', fx.stripePayments);
    const preset = presetById('stripe.payments')!;
    const { rows: out } = mapWith(preset, 1, 'src_pay2', headers);
    expect(preset.outputs[1]?.fallback?.caveat).toMatch(/duplicate refunds cannot be seen/);
    expect(
      out.map((r) => [r.refund_id, r.linked_payment_id, Number(r.amount), r.customer_id])
    ).toEqual([
      ['refund-of-ch_2', 'ch_2', 120, 'cus_B2'],
      ['refund-of-ch_3', 'ch_3', 49, 'cus_C3']
    ]);
    expect(String(out[0]?.refund_date)).toContain('2026-02-03');
  });

  it('balance history: only refund rows, amounts made positive, the customer found through the charge', () => {
    load('src_pay3', fx.stripePayments);
    mapWith(
      presetById('stripe.payments')!,
      0,
      'src_pay3',
      load('src_pay3', fx.stripePayments),
      'payments'
    );
    const headers = load('src_bal', fx.stripeBalanceHistory);
    mapWith(presetById('stripe.balance_history')!, 0, 'src_bal', headers, 'refunds');
    conn.query(customerThroughPaymentSql());
    const out = rows('SELECT * FROM refunds ORDER BY refund_id');
    expect(
      out.map((r) => [
        r.refund_id,
        Number(r.amount),
        r.linked_payment_id,
        r.customer_id,
        r.processor
      ])
    ).toEqual([
      ['txn_2', 60, 'ch_2', 'cus_B2', 'stripe'],
      ['txn_3', 60, 'ch_2', 'cus_B2', 'stripe'],
      ['txn_4', 49, 'ch_3', 'cus_C3', 'stripe']
    ]);
    expect(out[0]?.note).toBe('REFUND FOR CHARGE (Subscription update)');
  });

  it('customer balance: negative adjustments are manual credits, with the approver from metadata', () => {
    const headers = load('src_cb', fx.stripeCustomerBalance);
    const { rows: out, choices } = mapWith(
      presetById('stripe.customer_balance')!,
      0,
      'src_cb',
      headers
    );
    expect(choices.find((c) => c.column === 'approved_by')).toMatchObject({
      from: 'approved_by (metadata)',
      source: 'metadata'
    });
    expect(
      out.map((r) => [r.refund_id, Number(r.amount), r.reason, r.processor, r.approved_by])
    ).toEqual([
      ['cbtxn_1', 50, 'manual_credit', 'manual', 'finance@example.com'],
      ['cbtxn_2', 350, 'manual_credit', 'manual', null]
    ]);
  });

  it('customers: country → region, names with commas, status words; an unknown country keeps its code', () => {
    const headers = load('src_cus', fx.stripeCustomers);
    const { rows: out } = mapWith(presetById('stripe.customers')!, 0, 'src_cus', headers);
    expect(out.map((r) => [r.customer_id, r.customer_name, r.region, r.status])).toEqual([
      ['cus_A1', 'Ana Ltd', 'NA', 'active'],
      ['cus_B2', 'Bo, Inc.', 'EMEA', 'active'],
      ['cus_C3', 'Chen Co', 'APAC', 'churned'],
      [null, 'Guest', 'ZZ', null]
    ]);
  });

  it('subscriptions: a yearly price is per month; expected amounts derived from the one in force, less discounts', () => {
    const subHeaders = load('src_sub', fx.stripeSubscriptions);
    const sub = mapWith(
      presetById('stripe.subscriptions')!,
      0,
      'src_sub',
      subHeaders,
      'subscriptions'
    );
    expect(
      sub.rows.map((r) => [r.subscription_id, Number(r.monthly_price), r.billing_status])
    ).toEqual([
      ['sub_1', 99, 'active'],
      ['sub_2', 1300, 'active'],
      ['sub_3', 49, 'cancelled']
    ]);
    const invHeaders = load('src_inv', fx.stripeInvoices);
    const inv = mapWith(presetById('stripe.invoices')!, 0, 'src_inv', invHeaders);
    expect(inv.choices.find((c) => c.column === 'plan_tier_billed')).toMatchObject({
      from: 'tier (metadata)'
    });
    expect(inv.choices.find((c) => c.column === 'expected_amount')).toMatchObject({
      derived: 'expected_from_subscription'
    });
    conn.query(
      `CREATE OR REPLACE TABLE invoices AS SELECT i.*, s."Total Discount Amount" FROM (${outputSelectSql(inv.compiled, 'src_inv')}) i JOIN src_inv s ON s.id = i.invoice_id`
    );
    conn.query(expectedFromSubscriptionSql('Total Discount Amount'));
    const out = rows(
      'SELECT invoice_id, billed_amount, expected_amount, plan_tier_billed FROM invoices ORDER BY invoice_id'
    );
    expect(
      out.map((r) => [
        r.invoice_id,
        Number(r.billed_amount),
        Number(r.expected_amount),
        r.plan_tier_billed
      ])
    ).toEqual([
      ['in_1', 99, 99, 'pro'],
      ['in_2', 1200, 1200, 'enterprise'],
      ['in_3', 49, 49, 'starter']
    ]);
  });

  it('minor units: ÷100, but whole yen and ÷1000 for dinars', () => {
    load('src_minor', 'id,amount,currency\na,1999,usd\nb,500,jpy\nc,12340,kwd\nd,abc,usd\n');
    const t: Transform[] = [{ kind: 'minor_units', currencyColumn: 'currency' }];
    const compiled = compileOutput(
      'payments',
      [
        { column: 'payment_id', from: 'id', transforms: [], source: 'name', confidence: 1 },
        { column: 'amount', from: 'amount', transforms: t, source: 'name', confidence: 1 }
      ],
      ['id', 'amount', 'currency'],
      { column: (h) => ident(h), parseMoney: money }
    );
    expect(compiled.unmapped).toEqual(['payment_date']);
    expect(compiled.absent).toEqual(['invoice_id', 'customer_id', 'payment_processor', 'status']);
    const out = rows(outputSelectSql(compiled, 'src_minor'));
    expect(out.map((r) => (r.amount === null ? null : Number(r.amount)))).toEqual([
      19.99,
      500,
      12.34,
      null
    ]);
  });
});

describe("a company's own region in metadata", () => {
  it('wins over the card country, taken as written', () => {
    const sampled: SampledColumn[] = [
      { header: 'id', values: ['cus_1'] },
      { header: 'Card Address Country', values: ['AE'] },
      { header: 'region (metadata)', values: ['MEA'] }
    ];
    const output = presetById('stripe.customers')!.outputs[0]!;
    const region = suggestColumns('customers', sampled, output).find((c) => c.column === 'region');
    expect(region).toMatchObject({ from: 'region (metadata)', source: 'metadata', transforms: [] });
  });
});

describe('dates are read by the engine, and a day-first/month-first tie is never guessed', () => {
  const probe = (values: string[]) => {
    load('src_dates', `d\n${values.join('\n')}\n`);
    const [r] = rows(dateProbeSql('src_dates', 'd'));
    return chooseDateFormat(Object.fromEntries(Object.entries(r!).map(([k, v]) => [k, Number(v)])));
  };
  it.each([
    [
      ['2026-02-01 14:45:00', '2026-02-20T09:00:00Z', '2026-03-01'],
      { kind: 'format', format: 'iso' }
    ],
    [['01/02/2026', '03/04/2026'], { kind: 'ambiguous', formats: ['dmy', 'mdy'] }],
    [['01/02/2026', '25/04/2026'], { kind: 'format', format: 'dmy' }],
    [['01/02/2026', '04/25/2026'], { kind: 'format', format: 'mdy' }],
    [['01/02/2026 14:45', '13/02/2026 09:00'], { kind: 'format', format: 'dmy_hm' }],
    [['1 Feb 2026', '20 Mar 2026'], { kind: 'format', format: 'd_mon_y' }],
    [['01.02.2026', '31.12.2025'], { kind: 'format', format: 'dmy_dot' }],
    [['yesterday', '2026-02-01'], { kind: 'none' }]
  ])('%j → %j', (values, expected) => {
    expect(probe(values)).toEqual(expected);
  });
});

describe('suggesting columns without a preset', () => {
  it('a spreadsheet of customers maps by names, synonyms and values', () => {
    const sampled: SampledColumn[] = [
      { header: 'Cust ID', values: ['A-1', 'A-2'] },
      { header: 'Company', values: ['Acme', 'Globex'] },
      { header: 'Country', values: ['US', 'FR'] },
      { header: 'Tier', values: ['pro', 'starter'] },
      { header: 'State', values: ['active', 'churned'] },
      { header: 'Signed up', values: ['2025-01-01', '2025-02-01'] }
    ];
    const choices = suggestColumns('customers', sampled);
    expect(Object.fromEntries(choices.map((c) => [c.column, c.from]))).toEqual({
      customer_id: 'Cust ID',
      customer_name: 'Company',
      region: 'Country',
      plan_tier: 'Tier',
      status: 'State'
    });
    expect(choices.find((c) => c.column === 'region')?.transforms[0]?.kind).toBe('region');
  });

  it('values veto a name: a "Date" column of amounts is not the payment date', () => {
    const sampled: SampledColumn[] = [
      { header: 'Date', values: ['12.50', '99.00'] },
      { header: 'Paid at', values: ['2026-01-01', '2026-01-02'] }
    ];
    const choice = suggestColumns('payments', sampled).find((c) => c.column === 'payment_date');
    expect(choice?.from).toBe('Paid at');
  });

  it('a column already of region names is taken as regions, not countries', () => {
    expect(looksLikeRegions(['NA', 'EMEA', 'APAC'])).toBe(true);
    expect(looksLikeRegions(['NA', 'DE'])).toBe(false);
    const choices = suggestColumns('customers', [{ header: 'region', values: ['NA', 'EMEA'] }]);
    expect(choices.find((c) => c.column === 'region')).toMatchObject({
      from: 'region',
      transforms: []
    });
  });
});

describe('mapping files', () => {
  const valid = {
    format: 'opsiq-mapping',
    version: 1,
    signature: headerSignature(['id', 'Amount']),
    source: 'stripe.payments',
    headers: ['id', 'Amount'],
    outputs: [
      {
        table: 'payments',
        columns: [
          { column: 'payment_id', from: 'id', transforms: [], source: 'preset', confidence: 1 }
        ]
      }
    ]
  };
  it('round-trips', () => {
    expect(parseMappingFile(JSON.stringify(valid))).toEqual(valid);
  });
  it.each([
    ['not json', /not JSON/],
    ['{"a":1}', /no "format": "opsiq-mapping"/],
    [JSON.stringify({ ...valid, version: 2 }), /version 2 is not one/],
    [
      JSON.stringify({ ...valid, outputs: [{ table: 'ledger', columns: [] }] }),
      /outputs\.0\.table/
    ],
    [JSON.stringify({ ...valid, signature: 'x' }), /signature/]
  ])('refuses %s with a reason', (text, reason) => {
    const r = parseMappingFile(text);
    expect('error' in r && r.error).toMatch(reason);
  });
});

describe('what the files cannot support is said, per detector', () => {
  it('Stripe payments alone: duplicates invisible, no tier, no manual credits', () => {
    const skipped = skippedDetectors({
      payments: { columns: ['payment_id', 'amount'] },
      refunds: {
        columns: ['refund_id', 'amount', 'linked_payment_id'],
        caveat: presetById('stripe.payments')!.outputs[1]!.fallback!.caveat
      },
      invoices: { columns: ['invoice_id', 'billed_amount'] }
    });
    expect(skipped.map((s) => s.type)).toEqual([
      'duplicate_refund',
      'underbilling',
      'tier_mismatch',
      'manual_credit',
      'refund_spike'
    ]);
    expect(skipped.find((s) => s.type === 'tier_mismatch')?.reason).toBe(
      'Tier mismatch skipped: these invoices do not record the tier billed.'
    );
  });
  it('a full folder skips nothing', () => {
    expect(
      skippedDetectors({
        customers: { columns: ['customer_id', 'region'] },
        refunds: { columns: ['refund_id', 'reason'] },
        invoices: { columns: ['invoice_id', 'expected_amount', 'plan_tier_billed'] }
      })
    ).toEqual([]);
  });
});
