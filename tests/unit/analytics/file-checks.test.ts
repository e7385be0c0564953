import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CsvFile } from '../../../workers/contracts/analytics';
import { OpsiqError } from '../../../workers/contracts/errors';
import { tableFromFileName } from '../../../workers/services/analytics/csv-file';
import type { AnalyticsService } from '../../../workers/services/analytics-service';
import { demoDir, fixture, makeService } from './harness';

let service: AnalyticsService;
beforeAll(async () => {
  ({ service } = makeService({ maxFileBytes: 4096 }));
  await service.init();
});

const goodInvoices = (): CsvFile => ({
  fileName: 'invoices.csv',
  data: readFileSync(join(demoDir, 'invoices.csv'), 'utf8')
});

/** Imports `file` beside a good file, so the import succeeds and lists the file's problems. */
async function problemsOf(file: CsvFile) {
  const report = await service.importCsv({
    name: 't',
    source: 'upload',
    files: [goodInvoices(), file],
    persist: false
  });
  return report.problems.filter((p) => p.file === file.fileName);
}

describe('file-level checks', () => {
  it('an empty file', async () => {
    expect(await problemsOf(fixture('customers_empty.csv'))).toEqual([
      { table: 'customers', file: 'customers_empty.csv', reason: 'file is empty' }
    ]);
  });

  it('a binary file (NUL bytes) and a file that is not UTF-8', async () => {
    expect(await problemsOf(fixture('invoices_binary.csv'))).toEqual([
      {
        table: 'invoices',
        file: 'invoices_binary.csv',
        reason: 'not a text CSV file (it contains NUL bytes)'
      }
    ]);
    expect(await problemsOf(fixture('customers_latin1.csv'))).toEqual([
      {
        table: 'customers',
        file: 'customers_latin1.csv',
        line: 2,
        reason:
          'not UTF-8 text: line 2, byte 57 is 0xE9, which UTF-8 does not allow (the file may be Latin-1 or Windows-1252: save it as UTF-8 and load it again)'
      }
    ]);
  });

  it('a file over the size cap', async () => {
    const big = { fileName: 'usage_events.csv', data: 'x'.repeat(5000) };
    const [problem] = await problemsOf(big);
    expect(problem?.reason).toMatch(/^file is larger than the 0 MB limit/);
  });

  it('a missing required column names the missing columns and the header found', async () => {
    expect(await problemsOf(fixture('subscriptions_missing_columns.csv'))).toEqual([
      {
        table: 'subscriptions',
        file: 'subscriptions_missing_columns.csv',
        line: 1,
        column: 'monthly_price',
        reason:
          'line 1: missing required columns for subscriptions: monthly_price, billing_status; the header found is: subscription_id, customer_id, plan_tier, start_date'
      }
    ]);
  });

  it('hints at another delimiter when the header does not match with it either', async () => {
    const [problem] = await problemsOf(fixture('invoices_semicolon_missing.csv'));
    expect(problem?.reason).toMatch(/^line 1: missing required columns for invoices: /);
    expect(problem?.reason).toMatch(/\(the file may use semicolon as its delimiter\)$/);
  });

  it('a file that matches no table', async () => {
    const [problem] = await problemsOf(fixture('notes.csv'));
    expect(problem?.reason).toMatch(
      /^line 1: cannot tell which table this file holds.*the header found is: foo, bar$/
    );
  });

  it('a second file for the same table', async () => {
    const [problem] = await problemsOf({ ...goodInvoices(), fileName: 'acme_invoices_2026.csv' });
    expect(problem?.reason).toBe(
      'invoices is already loaded from invoices.csv: give one file per table'
    );
  });

  it('loads a semicolon file and says so', async () => {
    const report = await service.importCsv({
      name: 't',
      source: 'upload',
      files: [fixture('refunds_semicolon.csv')],
      persist: false
    });
    expect(report.problems.filter((p) => p.severity !== 'warning')).toEqual([]);
    expect(report.tables[0]).toMatchObject({ table: 'refunds', delimiter: ';', rowsLoaded: 2 });
    expect(report.notes).toContain('refunds_semicolon.csv uses semicolon (";") as its delimiter');
    expect((await service.query('SELECT sum(amount) AS s FROM refunds')).rows).toEqual([
      { s: 1215.5 }
    ]);
  });

  it('loads a tab-separated file', async () => {
    const data =
      'customer_id\tcustomer_name\tregion\tplan_tier\tstatus\nC1\tAcme, Inc\tNA\tpro\tactive\n';
    const report = await service.importCsv({
      name: 't',
      source: 'upload',
      files: [{ fileName: 'customers.tsv', data }],
      persist: false
    });
    expect(report.tables[0]).toMatchObject({ table: 'customers', delimiter: '\t', rowsLoaded: 1 });
  });

  it('strips a UTF-8 BOM', async () => {
    const report = await service.importCsv({
      name: 't',
      source: 'upload',
      files: [fixture('customers_bom.csv')],
      persist: false
    });
    expect(report.problems).toEqual([]);
    expect(report.status.tables[0]?.columns).toEqual([
      'customer_id',
      'customer_name',
      'region',
      'plan_tier',
      'status'
    ]);
  });

  it('matches headers case-insensitively after trimming, in any order, and keeps extra columns', async () => {
    const report = await service.importCsv({
      name: 't',
      source: 'upload',
      files: [fixture('customers_extra_columns.csv')],
      persist: false
    });
    expect(report.status.tables[0]).toEqual({
      name: 'customers',
      rowCount: 2,
      columns: [
        'customer_id',
        'customer_name',
        'region',
        'plan_tier',
        'status',
        'Segment',
        'Owner'
      ],
      extraColumns: ['Segment', 'Owner']
    });
    expect(report.notes).toContain(
      'customers_extra_columns.csv: extra columns kept as text: Segment, Owner'
    );
    const rows = await service.query(
      'SELECT customer_id, status, "Segment", "Owner" FROM customers ORDER BY 1'
    );
    expect(rows.rows[0]).toEqual({
      customer_id: 'C1',
      status: 'active',
      Segment: 'smb',
      Owner: 'alice'
    });
  });

  it('finds the table by header when the file name says nothing', async () => {
    const report = await service.importCsv({
      name: 't',
      source: 'upload',
      files: [{ ...goodInvoices(), fileName: 'export (3).csv' }],
      persist: false
    });
    expect(report.tables[0]).toMatchObject({ table: 'invoices', rowsLoaded: 16 });
  });

  it('a dataset where no table loads is rejected with the problems in details', async () => {
    const error = await service
      .importCsv({
        name: 't',
        source: 'upload',
        files: [fixture('customers_empty.csv'), fixture('notes.csv')],
        persist: false
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpsiqError);
    expect((error as OpsiqError).code).toBe('import_rejected');
    expect((error as OpsiqError).message).toMatch(
      /^No table could be loaded.*customers_empty\.csv: file is empty/
    );
    expect(((error as OpsiqError).details as { problems: unknown[] }).problems).toHaveLength(2);
  });

  it('rejects malformed input with invalid_input', async () => {
    const error = await service
      .importCsv({ name: '', source: 'upload', files: [] })
      .catch((e: unknown) => e);
    expect((error as OpsiqError).code).toBe('invalid_input');
  });
});

describe('table from file name', () => {
  it.each([
    ['invoices.csv', 'invoices'],
    ['Invoices.CSV', 'invoices'],
    ['acme_invoices_2026.csv', 'invoices'],
    ['invoice.csv', 'invoices'],
    ['usage-events jan.csv', 'usage_events'],
    ['acme_usage_events.csv', 'usage_events'],
    ['invoices_payments.csv', null],
    ['data.csv', null]
  ])('%s → %s', (name, table) => {
    expect(tableFromFileName(name)?.name ?? null).toBe(table);
  });
});
