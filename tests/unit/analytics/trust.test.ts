/**
 * Every class of broken export from issue #12, through the real importer (DuckDB-WASM, Node
 * build): the verdict, the counts, and the file, line (header = 1), column and reason reported.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { CsvFile, ImportProblem } from '../../../workers/contracts/analytics';
import { IDBFactory } from 'fake-indexeddb';
import type { OpsiqError } from '../../../workers/contracts/errors';
import { AnalyticsService } from '../../../workers/services/analytics-service';
import { createNodeBindings } from '../../../workers/services/duckdb-node';
import { makeService, twoCustomersCsv } from './harness';

let service: AnalyticsService;
beforeAll(async () => {
  ({ service } = makeService());
  await service.init();
});

const customers = twoCustomersCsv;
const invoicesHeader =
  'invoice_id,customer_id,invoice_date,billed_amount,expected_amount,plan_tier_billed,status';
const refundsHeader = 'refund_id,customer_id,refund_date,amount,reason,processor,linked_payment_id';
const paymentsHeader =
  'payment_id,invoice_id,customer_id,payment_date,amount,payment_processor,status';

function file(fileName: string, data: string): CsvFile {
  return { fileName, data };
}

async function load(...files: CsvFile[]) {
  return service.importCsv({ name: 't', source: 'upload', files, persist: false });
}

const errors = (ps: readonly ImportProblem[]) => ps.filter((p) => p.severity !== 'warning');
const warnings = (ps: readonly ImportProblem[]) => ps.filter((p) => p.severity === 'warning');
const where = (p: ImportProblem | undefined) => [p?.file, p?.line, p?.column];

describe('issue #12: bad input classes', () => {
  it('a valid refunds file with mixed LF and CR LF line endings loads whole', async () => {
    const data =
      `${refundsHeader}\r\nR1,C1,2026-02-01,10.00,x,stripe,\nR2,C2,2026-02-02,$1,200.00,x,stripe,\r\nR3,C1,2026-02-03,5,x,stripe,\n`.replace(
        '$1,200.00',
        '"$1,200.00"'
      );
    const report = await load(file('customers.csv', customers), file('refunds.csv', data));
    expect(errors(report.problems)).toEqual([]);
    expect(report.tables.find((t) => t.table === 'refunds')).toMatchObject({
      rowsLoaded: 3,
      rowsRejected: 0
    });
    const rows = await service.query('SELECT refund_id, amount, processor FROM refunds ORDER BY 1');
    expect(rows.rows).toEqual([
      { refund_id: 'R1', amount: 10, processor: 'stripe' },
      { refund_id: 'R2', amount: 1200, processor: 'stripe' },
      { refund_id: 'R3', amount: 5, processor: 'stripe' }
    ]);
  });

  it('an unclosed quote rejects every line it swallowed, reported on the line it opened', async () => {
    const data = `customer_id,customer_name,region,plan_tier,status\nC1,Acme,NA,pro,active\nC2,Beta,EMEA,pro,active\nC3,Gamma,NA,pro,active\nC4,Delta,APAC,pro,active\nC5,"Eps, Inc,LATAM,pro,active\nC6,Zeta,NA,pro,active\nC7,Eta,"NA",pro,active\nC8,Theta,EMEA,pro,active\n`;
    const report = await load(file('customers.csv', data));
    const [p, ...rest] = errors(report.problems);
    expect(rest).toEqual([]);
    expect(where(p)).toEqual(['customers.csv', 6, 'customer_name']);
    expect(p?.reason).toMatch(
      /quote opened on line 6 .*lines 6–8 ran together: all 3 rows are rejected/
    );
    expect(p?.technical).toMatch(/unterminated quote/);
    // 4 before + 1 after = loaded; 3 rejected; nothing vanished: 8 data lines in all.
    expect(report.tables[0]).toMatchObject({ rowsLoaded: 5, rowsRejected: 3 });
    const regions = await service.query('SELECT DISTINCT region FROM customers ORDER BY 1');
    expect(regions.rows.map((r) => r.region)).toEqual(['APAC', 'EMEA', 'NA']);
  });

  it('a quote left open to the end of the file rejects the rest of the file, counted', async () => {
    const data = `${customers}C3,"Open,NA,pro,active\nC4,D,NA,pro,active\nC5,E,NA,pro,active\n`;
    const report = await load(file('customers.csv', data));
    expect(where(errors(report.problems)[0])).toEqual(['customers.csv', 4, 'customer_name']);
    expect(report.tables[0]).toMatchObject({ rowsLoaded: 2, rowsRejected: 3 });
  });

  it('far-future and pre-1990 dates are warnings, kept, and left out of the as-of date', async () => {
    const rows = [
      'I1,C1,2026-01-05,10,10,pro,paid',
      'I2,C1,2026-02-05,10,10,pro,paid',
      'I3,C2,2126-02-05,10,10,pro,paid',
      'I4,C2,1899-12-31,10,10,pro,paid',
      'I5,C2,2026-02-20 10:00:00,10,10,pro,paid'
    ];
    for (let i = 6; i <= 30; i++)
      rows.push(`I${i},C1,2026-01-${String(i - 5).padStart(2, '0')},1,1,pro,paid`);
    const report = await load(
      file('customers.csv', customers),
      file('invoices.csv', `${invoicesHeader}\n${rows.join('\n')}\n`)
    );
    expect(errors(report.problems)).toEqual([]);
    const w = warnings(report.problems);
    expect(w.map(where)).toEqual([
      ['invoices.csv', 4, 'invoice_date'],
      ['invoices.csv', 5, 'invoice_date']
    ]);
    expect(w[0]?.reason).toBe(
      'invoice_date "2126-02-05" is more than a year after the rest of the data; the row is kept but left out of the as-of date'
    );
    expect(w[1]?.reason).toMatch(/^invoice_date "1899-12-31" is before 1990; the row is kept/);
    expect(report.status.asOf).toBe('2026-02-20');
    expect(report.asOfNote).toBe(
      'The as-of date leaves out 1 row dated more than a year after the rest of the data (first: invoices line 4: 2126-02-05).'
    );
    expect(report.tables.find((t) => t.table === 'invoices')).toMatchObject({
      rowsLoaded: 30,
      rowsRejected: 0,
      warnings: 2
    });
  });

  it('dangling references are kept and flagged; a missing table is one summary line', async () => {
    const invoices = `${invoicesHeader}\nI1,C1,2026-01-05,10,10,pro,paid\nI2,C9,2026-01-06,10,10,pro,paid\nI3,C1,2026-01-07,x,10,pro,paid\n`;
    const payments = `${paymentsHeader}\nP1,I1,C1,2026-01-05,10,stripe,completed\nP2,I3,C1,2026-01-07,10,stripe,completed\n`;
    const refunds = `${refundsHeader}\nR1,C1,2026-01-08,5,x,stripe,P1\nR2,C1,2026-01-09,5,x,stripe,P7\n`;
    const report = await load(
      file('customers.csv', customers),
      file('invoices.csv', invoices),
      file('payments.csv', payments),
      file('refunds.csv', refunds)
    );
    // I3 is rejected (bad money): the payment of it is flagged, not dropped.
    expect(errors(report.problems).map(where)).toEqual([['invoices.csv', 4, 'billed_amount']]);
    expect(warnings(report.problems).map((p) => [...where(p), p.reason])).toEqual([
      [
        'invoices.csv',
        3,
        'customer_id',
        'customer_id "C9" is not among the loaded customers; the row is kept'
      ],
      [
        'payments.csv',
        3,
        'invoice_id',
        'invoice_id "I3" is not among the loaded invoices; the row is kept'
      ],
      [
        'refunds.csv',
        3,
        'linked_payment_id',
        'linked_payment_id "P7" is not among the loaded payments; the row is kept'
      ]
    ]);
    expect((await service.query('SELECT count(*) AS n FROM payments')).rows).toEqual([{ n: 2 }]);

    const alone = await load(file('refunds.csv', refunds));
    expect(warnings(alone.problems).map((p) => [p.column, p.line, p.reason])).toEqual([
      [
        'customer_id',
        undefined,
        'no customers table is loaded, so none of the 2 customer_id values can be matched to customers; the rows are kept'
      ],
      [
        'linked_payment_id',
        undefined,
        'no payments table is loaded, so none of the 2 linked_payment_id values can be matched to payments; the rows are kept'
      ]
    ]);
  });

  it('a missing required column and a header typo: line 1, the column, and "did you mean"', async () => {
    const report = await load(
      file('customers.csv', customers),
      file(
        'refunds.csv',
        'refund_id,customer_id,refund_date,ammount,reason,processor,linked_payment_id\nR1,C1,2026-01-01,5,x,stripe,\n'
      )
    );
    const [p] = report.problems.filter((x) => x.file === 'refunds.csv');
    expect(where(p)).toEqual(['refunds.csv', 1, 'amount']);
    expect(p?.reason).toMatch(
      /^line 1: missing required column for refunds: amount \(the header has "ammount": did you mean amount\?\)/
    );
    expect(report.droppedTables).toEqual(['refunds']);

    const unnamed = await load(
      file('customers.csv', customers),
      file(
        'export.csv',
        'refund_id,customer_id,refund_date,ammount,reason,processor,linked_payment_id\n'
      )
    );
    const [q] = unnamed.problems.filter((x) => x.file === 'export.csv');
    expect(q).toMatchObject({ table: 'refunds', line: 1, column: 'amount' });
    expect(q?.reason).toContain('did you mean amount?');
  });

  it('a duplicate header name: line 1 and the column', async () => {
    const report = await load(
      file('customers.csv', customers),
      file('refunds.csv', `${refundsHeader},amount\nR1,C1,2026-01-01,5,x,stripe,,6\n`)
    );
    const [p] = report.problems.filter((x) => x.file === 'refunds.csv');
    expect(where(p)).toEqual(['refunds.csv', 1, 'amount']);
    expect(p?.reason).toBe(
      'line 1: column amount appears twice in the header (columns 4 and 8); keep one'
    );
  });

  it('a line over the size limit: its line, its column and the limit', async () => {
    const long = 'x'.repeat(2_200_000);
    const data = `${customers}C3,${long},NA,pro,active\nC4,Delta,NA,pro,active\n`;
    const report = await load(file('customers.csv', data));
    const [p, ...rest] = errors(report.problems);
    expect(rest).toEqual([]);
    expect(where(p)).toEqual(['customers.csv', 4, 'customer_name']);
    expect(p?.reason).toBe(
      'line is longer than the 2,097,152-byte limit for one line (mostly customer_name)'
    );
    expect(report.tables[0]).toMatchObject({ rowsLoaded: 3, rowsRejected: 1 });
  });

  it('a row with 9 fields in a 7-field table is reported as having 9', async () => {
    const data = `${paymentsHeader}\nP1,I1,C1,2026-01-05,10,stripe,completed\nP2,I1,C1,2026-01-05,10,stripe,completed,x,y\n`;
    const report = await load(file('payments.csv', data));
    const [p] = errors(report.problems);
    expect(where(p)).toEqual(['payments.csv', 3, undefined]);
    expect(p?.reason).toBe('wrong number of fields: expected 7, found 9');
    expect(report.tables[0]).toMatchObject({ rowsLoaded: 1, rowsRejected: 1 });
  });

  it('a bad timestamp is rejected by the typed read, with the line after a quoted newline', async () => {
    const data = `${paymentsHeader}\nP1,I1,C1,2026-01-05,10,stripe,"multi\nline"\nP2,I1,C1,31/01/2026,10,stripe,completed\nP3,I1,C1,2026-01-05T10:00:00+02:00,10,stripe,completed\n`;
    const report = await load(file('payments.csv', data));
    const [p, ...rest] = errors(report.problems);
    expect(rest).toEqual([]);
    expect(where(p)).toEqual(['payments.csv', 4, 'payment_date']);
    expect(p?.reason).toMatch(/^"31\/01\/2026" is not an ISO 8601 date or timestamp/);
    expect(p?.technical).toMatch(/Could not convert string/);
    const rows = await service.query("SELECT payment_date FROM payments WHERE payment_id = 'P3'");
    expect(rows.rows).toEqual([{ payment_date: '2026-01-05T08:00:00.000Z' }]);
  });

  it('values in messages are shortened and escaped', async () => {
    const data = `${paymentsHeader}\nP1,I1,C1,2026-01-05,"12\u0007${'9'.repeat(60)}",stripe,completed\nP2,I1,C1,2026-01-05,1,stripe,completed\n`;
    const report = await load(file('payments.csv', data));
    const [p] = errors(report.problems);
    expect(p?.reason).toBe(
      `"12\\u0007${'9'.repeat(37)}…" is not a money amount (e.g. 1200.00 or $1,200.00)`
    );
  });
});

describe('replace or add, and the size budget', () => {
  it('add keeps the tables not in the import; replace drops them', async () => {
    const { service: s } = makeService();
    await s.importCsv({
      name: 'first',
      source: 'upload',
      files: [file('customers.csv', customers)],
      persist: false
    });
    const refunds = `${refundsHeader}\nR1,C1,2026-01-08,5,x,stripe,\n`;
    const added = await s.importCsv({
      name: 'second',
      source: 'upload',
      files: [file('refunds.csv', refunds)],
      persist: false,
      mode: 'add'
    });
    expect(added.mode).toBe('add');
    expect(added.keptTables).toEqual(['customers']);
    expect(added.status.tables.map((t) => [t.name, t.rowCount])).toEqual([
      ['customers', 2],
      ['refunds', 1]
    ]);
    // The kept customers are what the refunds are checked against: no warning.
    expect(warnings(added.problems)).toEqual([]);
    expect(added.status.earlier?.map((e) => e.name)).toEqual(['first']);

    const replaced = await s.importCsv({
      name: 'third',
      source: 'upload',
      files: [file('refunds.csv', refunds)],
      persist: false
    });
    expect(replaced.mode).toBe('replace');
    expect(replaced.status.tables.map((t) => t.name)).toEqual(['refunds']);
    expect(replaced.status.earlier?.map((e) => e.name)).toEqual(['second', 'first']);
  });

  it('an import larger than the budget is refused up front and changes nothing', async () => {
    const small = new AnalyticsService({
      createBindings: () => createNodeBindings(),
      idb: new IDBFactory(),
      maxFileBytes: undefined,
      maxImportBytes: 10
    });
    const error = await small
      .importCsv({ name: 'big', source: 'upload', files: [file('customers.csv', customers)] })
      .then(
        () => null,
        (e: unknown) => e as OpsiqError
      );
    expect(error?.code).toBe('import_rejected');
    expect(error?.message).toMatch(
      /^These files are 0 MB together; one import can hold at most 0 MB/
    );
    expect(await small.status()).toBeNull();
  });
});

describe('implausible dates in a small file', () => {
  it('one row a century ahead of two others is flagged and left out of the as-of date', async () => {
    const { service: s } = makeService();
    const refunds = `${refundsHeader}\nR1,C1,2026-03-03,10,x,stripe,\nR2,C1,2026-03-04,10,x,stripe,\nR3,C1,2126-03-05,12,x,stripe,\n`;
    const report = await s.importCsv({
      name: 't',
      source: 'upload',
      files: [file('customers.csv', customers), file('refunds.csv', refunds)],
      persist: false
    });
    expect(warnings(report.problems).map(where)).toEqual([['refunds.csv', 4, 'refund_date']]);
    expect(report.status.asOf).toBe('2026-03-04');
  });
});
