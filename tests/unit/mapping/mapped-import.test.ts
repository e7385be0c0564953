import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { headerSignature } from '../../../src/lib/domain/mapping/headers';
import type { MappingFile } from '../../../src/lib/domain/mapping/mapping-file';
import { AnalyticsService } from '../../../workers/services/analytics-service';
import { createNodeBindings } from '../../../workers/services/duckdb-node';
import * as fx from './stripe-fixture';

const service = () =>
  new AnalyticsService({
    createBindings: () => createNodeBindings(),
    idb: new IDBFactory(),
    maxFileBytes: undefined
  });

const folder = () => [
  { fileName: 'unified_customers.csv', data: fx.stripeCustomers },
  { fileName: 'unified_payments.csv', data: fx.stripePayments },
  { fileName: 'invoices.csv', data: fx.stripeInvoices },
  { fileName: 'subscriptions.csv', data: fx.stripeSubscriptions },
  { fileName: 'balance_history.csv', data: fx.stripeBalanceHistory },
  { fileName: 'customer_balance_transactions.csv', data: fx.stripeCustomerBalance }
];

describe('importing a Stripe export folder', () => {
  it('maps every file, marks derived tables and reports rows at their source line and column', async () => {
    const analytics = service();
    const report = await analytics.importCsv({
      name: 'stripe',
      source: 'upload',
      files: folder(),
      persist: false
    });
    expect(report.mapped?.map((m) => [m.file, m.recognisedAs])).toEqual([
      ['unified_customers.csv', 'Stripe customers export'],
      ['unified_payments.csv', 'Stripe payments export'],
      ['invoices.csv', 'Stripe invoices export'],
      ['subscriptions.csv', 'Stripe subscriptions export'],
      ['balance_history.csv', 'Stripe balance history export'],
      ['customer_balance_transactions.csv', 'Stripe customer balance transactions']
    ]);
    const rows = Object.fromEntries(report.status.tables.map((t) => [t.name, t.rowCount]));
    // The guest without an id and the incomplete payment attempt are rejected, not loaded.
    expect(rows).toEqual({
      customers: 3,
      subscriptions: 3,
      invoices: 3,
      payments: 4,
      refunds: 5
    });
    const refunds = report.status.tables.find((t) => t.name === 'refunds');
    expect(refunds?.derivedFrom).toMatch(/balance history.*customer balance/);
    expect(report.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          file: 'unified_customers.csv',
          line: 5,
          column: 'id',
          reason: 'customer_id is empty'
        }),
        // Line 7: the description on line 3 spans two physical lines.
        expect.objectContaining({ file: 'unified_payments.csv', line: 7, column: 'id' })
      ])
    );
    expect(report.notes.join('\n')).toMatch(
      /balance_history\.csv: 2 of 5 rows are not refunds.*\n?/
    );
    const dup = await analytics.query(
      `SELECT refund_id, customer_id, amount::DOUBLE AS amount FROM refunds WHERE linked_payment_id = 'ch_2' ORDER BY refund_id`
    );
    expect(dup.rows).toEqual([
      { refund_id: 'txn_2', customer_id: 'cus_B2', amount: 60 },
      { refund_id: 'txn_3', customer_id: 'cus_B2', amount: 60 }
    ]);
    expect(report.status.unsupported ?? []).toEqual([]);
  });

  it('a bad amount is reported at the physical line of the export, with its header', async () => {
    const bad = fx.stripePayments.replace(
      'ch_3,2026-02-03 11:30:00,49.00',
      'ch_3,2026-02-03 11:30:00,49.OO'
    );
    const report = await service().importCsv({
      name: 'stripe',
      source: 'upload',
      files: [{ fileName: 'unified_payments.csv', data: bad }],
      persist: false
    });
    const p = report.problems.find((x) => x.column === 'Amount');
    expect(p).toMatchObject({ file: 'unified_payments.csv', line: 5, table: 'payments' });
    expect(p?.reason).toMatch(/"49\.OO" is not a money amount/);
  });

  it('day-first or month-first dates are never guessed: the table waits for a mapping, then loads with it', async () => {
    const slashed = fx.stripePayments
      .replace('2026-02-01 09:15:02', '01/02/2026')
      .replace('2026-02-02 10:00:00', '02/03/2026')
      .replace('2026-02-03 11:30:00', '03/04/2026')
      .replace('2026-02-04 12:00:00', '04/05/2026')
      .replace('2026-02-05 12:00:00', '05/06/2026');
    const analytics = service();
    const first = await analytics.importCsv({
      name: 'a',
      source: 'upload',
      files: [
        { fileName: 'unified_customers.csv', data: fx.stripeCustomers },
        { fileName: 'unified_payments.csv', data: slashed }
      ],
      persist: false
    });
    const blocked = first.problems.find((p) => p.table === 'payments' && p.line === 1);
    expect(blocked?.reason).toMatch(/read both day first \(01\/02\/2026\) and month first/);
    expect(first.droppedTables).toContain('payments');

    const headers = fx.headerOf(slashed);
    const mapping: MappingFile = {
      format: 'opsiq-mapping',
      version: 1,
      signature: headerSignature(headers),
      source: 'stripe.payments',
      headers,
      outputs: [
        {
          table: 'payments',
          columns: [
            { column: 'payment_id', from: 'id', transforms: [], source: 'preset', confidence: 1 },
            {
              column: 'invoice_id',
              from: 'Invoice ID',
              transforms: [],
              source: 'preset',
              confidence: 1
            },
            {
              column: 'customer_id',
              from: 'Customer ID',
              transforms: [],
              source: 'preset',
              confidence: 1
            },
            {
              column: 'payment_date',
              from: 'Created date (UTC)',
              transforms: [{ kind: 'date', format: 'dmy' }],
              source: 'preset',
              confidence: 1
            },
            { column: 'amount', from: 'Amount', transforms: [], source: 'preset', confidence: 1 },
            {
              column: 'payment_processor',
              from: null,
              constant: 'stripe',
              transforms: [],
              source: 'constant',
              confidence: 1
            },
            {
              column: 'status',
              from: 'Status',
              transforms: [{ kind: 'words', map: { paid: 'completed' } }],
              source: 'preset',
              confidence: 1
            }
          ]
        }
      ]
    };
    const second = await analytics.importCsv({
      name: 'b',
      source: 'upload',
      files: [{ fileName: 'unified_payments.csv', data: slashed }],
      mappings: [mapping],
      persist: false
    });
    expect(second.mapped?.[0]?.recognisedAs).toBe('Stripe payments export (saved mapping)');
    const r = await analytics.query(
      `SELECT payment_id, strftime(payment_date, '%Y-%m-%d') AS d FROM payments WHERE payment_id = 'ch_2'`
    );
    expect(r.rows).toEqual([{ payment_id: 'ch_2', d: '2026-03-02' }]);
  });

  it('payments alone: refunds come from Amount Refunded and the detectors that cannot work are named', async () => {
    const report = await service().importCsv({
      name: 'p',
      source: 'upload',
      files: [
        { fileName: 'unified_customers.csv', data: fx.stripeCustomers },
        { fileName: 'unified_payments.csv', data: fx.stripePayments },
        { fileName: 'invoices.csv', data: fx.stripeInvoices }
      ],
      persist: false
    });
    const refunds = report.status.tables.find((t) => t.name === 'refunds');
    expect(refunds).toMatchObject({
      rowCount: 2,
      caveat: expect.stringMatching(/duplicate refunds cannot be seen/)
    });
    expect(report.status.unsupported?.map((u) => u.detector)).toEqual([
      'duplicate_refund',
      'underbilling',
      'manual_credit'
    ]);
  });

  it('a file nobody recognises still gets the importer’s own message, and the dataset before stays', async () => {
    const analytics = service();
    await analytics.importCsv({ name: 'ok', source: 'upload', files: folder(), persist: false });
    await expect(
      analytics.importCsv({
        name: 'bad',
        source: 'upload',
        files: [{ fileName: 'ledger.csv', data: 'foo,bar\n1,2\n' }],
        persist: false
      })
    ).rejects.toThrow(/cannot tell which table this file holds/);
    expect((await analytics.status())?.name).toBe('ok');
  });
});

describe('amounts in more than one currency', () => {
  it('are never added together: the rows in the minority currency are rejected at their line, and said', async () => {
    const mixed = fx.stripePayments.replace(
      'py_4,2026-02-04 12:00:00,49.00,0.00,usd',
      'py_4,2026-02-04 12:00:00,4900,0.00,jpy'
    );
    const report = await service().importCsv({
      name: 'm',
      source: 'upload',
      files: [
        { fileName: 'unified_customers.csv', data: fx.stripeCustomers },
        { fileName: 'unified_payments.csv', data: mixed }
      ],
      persist: false
    });
    expect(report.notes.join('\n')).toMatch(/2 currencies \(USD: 4 rows, JPY: 1 row\)/);
    const p = report.problems.find((x) => x.column === 'Currency');
    expect(p).toMatchObject({ file: 'unified_payments.csv', line: 6, table: 'payments' });
    expect(p?.reason).toMatch(/in JPY, not USD like the rest/);
    expect(report.status.tables.find((t) => t.name === 'customers')?.rowCount).toBe(3);
  });
});

describe('amounts in cents mapped as dollars', () => {
  it('are said when invoices come out about 100× their subscriptions’ prices', async () => {
    const cents = fx.stripeInvoices
      .replace(',99.00,paid,pro', ',9900,paid,pro')
      .replace(',1200.00,1200.00,paid,enterprise', ',120000,1200.00,paid,enterprise')
      .replace(',49.00,49.00,paid,starter', ',4900,49.00,paid,starter');
    const report = await service().importCsv({
      name: 'c',
      source: 'upload',
      files: [
        { fileName: 'invoices.csv', data: cents },
        { fileName: 'subscriptions.csv', data: fx.stripeSubscriptions }
      ],
      persist: false
    });
    expect(report.notes.join('\n')).toMatch(
      /invoices\.billed_amount are about (9\d|10\d)× subscriptions\.monthly_price row for row.*minor units ÷ 100/
    );
  });
});

describe('a folder with thousands of files', () => {
  it('is refused in one plain sentence before anything is read, and the dataset stays', async () => {
    const analytics = service();
    await analytics.importCsv({ name: 'ok', source: 'upload', files: folder(), persist: false });
    const many = Array.from({ length: 5000 }, (_, i) => ({
      fileName: `export_${i}.csv`,
      data: 'a,b\n1,2\n'
    }));
    await expect(
      analytics.importCsv({ name: 'many', source: 'upload', files: many, persist: false })
    ).rejects.toThrow(/5,000 CSV files were chosen; one import takes at most 50/);
    expect((await analytics.status())?.name).toBe('ok');
  });
});
