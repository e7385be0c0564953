import { beforeAll, describe, expect, it } from 'vitest';
import type { AnalyticsService } from '../../../workers/services/analytics-service';
import { fixture, makeService } from './harness';

let service: AnalyticsService;
beforeAll(async () => {
  ({ service } = makeService());
  await service.init();
});

/** The import's row errors; the warnings of a one-table import (no customers…) are tested elsewhere. */
async function importOne(name: string) {
  const report = await service.importCsv({
    name,
    source: 'upload',
    files: [fixture(name)],
    persist: false
  });
  return { ...report, problems: report.problems.filter((p) => p.severity !== 'warning') };
}

describe('row errors are reported with line, column and reason; good rows load', () => {
  it('refunds: currency amounts, amount > 0, duplicate and empty ids, structural error, quoted newline, blank line', async () => {
    const report = await importOne('refunds_currency.csv');
    const file = 'refunds_currency.csv';
    const table = 'refunds';
    expect(report.problems).toEqual([
      {
        table,
        file,
        line: 6,
        column: 'amount',
        reason: 'amount must be greater than 0 (found "-$5.00")'
      },
      {
        table,
        file,
        line: 8,
        reason: 'wrong number of fields: expected 8, found 9',
        technical: 'Expected Number of Columns: 8 Found: 9'
      },
      {
        table,
        file,
        line: 9,
        column: 'refund_id',
        reason: 'duplicate refund_id "R1" (first on line 2)'
      },
      { table, file, line: 10, column: 'refund_id', reason: 'refund_id is empty' },
      {
        table,
        file,
        line: 11,
        column: 'amount',
        reason: '"1.234.5" is not a money amount (e.g. 1200.00 or $1,200.00)'
      },
      {
        table,
        file,
        line: 12,
        column: 'amount',
        reason: 'amount must be greater than 0 (found "0")'
      }
    ]);
    // Two warnings: no customers and no payments to match customer_id / linked_payment_id to.
    expect(report.tables.map(({ elapsedMs: _ms, ...t }) => t)).toEqual([
      { table, file, delimiter: ',', rowsLoaded: 3, rowsRejected: 6, extraColumns: [], warnings: 2 }
    ]);
    const rows = await service.query(
      'SELECT refund_id, amount, refund_date, note FROM refunds ORDER BY refund_id'
    );
    expect(rows.rows).toEqual([
      { refund_id: 'R1', amount: 1200, refund_date: '2026-02-01T10:00:00.000Z', note: 'ok' },
      {
        refund_id: 'R2',
        amount: 50,
        refund_date: '2026-02-02T00:00:00.000Z',
        note: 'multi\nline note'
      },
      { refund_id: 'R3', amount: 7.5, refund_date: '2026-02-03T09:00:00.000Z', note: null }
    ]);
    expect(report.status.asOf).toBe('2026-02-03');
    expect(report.status.missingTables).toHaveLength(6);
  });

  it('invoices: non-numeric money is a row error, $1,200.00 and 1,200 are accepted, empty is NULL', async () => {
    const report = await importOne('invoices_bad_money.csv');
    expect(report.problems.map((p) => [p.line, p.column, p.reason])).toEqual([
      [3, 'billed_amount', '"12abc" is not a money amount (e.g. 1200.00 or $1,200.00)'],
      [5, 'billed_amount', '"1,20" is not a money amount (e.g. 1200.00 or $1,200.00)'],
      [6, 'expected_amount', '"N/A" is not a money amount (e.g. 1200.00 or $1,200.00)']
    ]);
    const rows = await service.query(
      'SELECT invoice_id, billed_amount, expected_amount FROM invoices'
    );
    expect(rows.rows).toEqual([
      { invoice_id: 'I1', billed_amount: 199, expected_amount: 199 },
      { invoice_id: 'I3', billed_amount: 1200, expected_amount: 1200 },
      { invoice_id: 'I6', billed_amount: null, expected_amount: 199 }
    ]);
  });

  it('payments: non-ISO dates are row errors; Z and +02:00 offsets become UTC', async () => {
    const report = await importOne('payments_bad_dates.csv');
    const reason = (v: string) =>
      `"${v}" is not an ISO 8601 date or timestamp (e.g. 2026-02-20 or 2026-02-20 14:45:00)`;
    expect(report.problems.map((p) => [p.line, p.column, p.reason])).toEqual([
      [3, 'payment_date', reason('20/02/2026')],
      [5, 'payment_date', reason('2026-13-01')],
      [6, 'payment_date', reason('yesterday')]
    ]);
    const rows = await service.query('SELECT payment_id, payment_date FROM payments');
    expect(rows.rows).toEqual([
      { payment_id: 'P1', payment_date: '2026-02-20T14:45:00.000Z' },
      { payment_id: 'P3', payment_date: '2026-02-20T14:45:00.000Z' },
      { payment_id: 'P6', payment_date: '2026-02-21T00:00:00.000Z' },
      { payment_id: 'P7', payment_date: null }
    ]);
    expect(report.status.asOf).toBe('2026-02-21');
  });

  it('usage_events: non-numeric and non-finite units are row errors', async () => {
    const report = await importOne('usage_events_bad_units.csv');
    expect(report.problems.map((p) => [p.line, p.column, p.reason])).toEqual([
      [3, 'usage_units', '"lots" is not a number'],
      [5, 'usage_units', '"inf" is not a number']
    ]);
    const rows = await service.query('SELECT event_id, usage_units FROM usage_events');
    expect(rows.rows).toEqual([
      { event_id: 'E1', usage_units: 57 },
      { event_id: 'E3', usage_units: 1500 }
    ]);
  });

  it('signal_events: payload_json must parse as JSON (checked in TypeScript, no extension)', async () => {
    const report = await importOne('signal_events_bad_json.csv');
    expect(report.problems).toHaveLength(1);
    expect(report.problems[0]).toMatchObject({
      table: 'signal_events',
      line: 3,
      column: 'payload_json'
    });
    expect(report.problems[0]?.reason).toMatch(/^payload_json is not valid JSON \(.+\)$/);
    expect(report.tables[0]).toMatchObject({ rowsLoaded: 2, rowsRejected: 1 });
  });

  it('CRLF files keep their line numbers', async () => {
    const report = await importOne('payments_crlf.csv');
    expect(report.problems.map((p) => [p.line, p.column])).toEqual([[3, 'payment_date']]);
    const rows = await service.query(
      "SELECT payment_processor, status FROM payments WHERE payment_id = 'P3'"
    );
    expect(rows.rows).toEqual([{ payment_processor: 'adyen', status: 'failed' }]);
  });

  it('caps the listed problems per file and counts the rest', async () => {
    const lines = ['usage_units,event_id,customer_id,event_time,feature_type'];
    for (let i = 0; i < 250; i++) lines.push(`${i % 2 === 0 ? 'x' : '1'},E${i},C1,2026-01-01,api`);
    const report = await service.importCsv({
      name: 'many',
      source: 'upload',
      files: [{ fileName: 'usage_events.csv', data: lines.join('\n') }],
      persist: false
    });
    const errors = report.problems.filter((p) => p.severity !== 'warning');
    expect(errors).toHaveLength(100);
    expect(report.problemsOmitted).toBe(25);
    expect(errors[0]?.line).toBe(2);
    expect(errors[99]?.line).toBe(200);
    expect(report.tables[0]).toMatchObject({ rowsLoaded: 125, rowsRejected: 125 });
  });
});
