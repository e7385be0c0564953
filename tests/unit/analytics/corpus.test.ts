/**
 * The broken-export corpus of issue #12 that `trust.test.ts` does not cover, through the real
 * importer (DuckDB-WASM, Node build): each file beside a good customers.csv, so the verdict is
 * per file (loaded, rows rejected, or the file rejected and its table dropped), with the counts
 * and the file, line (header = 1), column and reason reported. A file rejected whole never
 * touches what is stored: the dataset loaded before stays active.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { CsvFile, ImportProblem, ImportReport } from '../../../workers/contracts/analytics';
import type { OpsiqError } from '../../../workers/contracts/errors';
import type { AnalyticsService } from '../../../workers/services/analytics-service';
import { makeService, twoCustomersCsv } from './harness';

let service: AnalyticsService;
beforeAll(async () => {
  ({ service } = makeService());
  await service.init();
});

const customers = twoCustomersCsv;
const header =
  'invoice_id,customer_id,invoice_date,billed_amount,expected_amount,plan_tier_billed,status';
const row = (id: string, amount = '100', date = '2026-03-01') =>
  `${id},C1,${date},${amount},100,pro,paid`;
const lines = (...rows: string[]) => `${[header, ...rows].join('\n')}\n`;

function utf16(text: string, order: 'le' | 'be', bom: boolean): Uint8Array {
  const out = new Uint8Array((bom ? 2 : 0) + text.length * 2);
  let at = 0;
  if (bom) {
    out.set(order === 'le' ? [0xff, 0xfe] : [0xfe, 0xff]);
    at = 2;
  }
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const [a, b] = order === 'le' ? [code & 0xff, code >> 8] : [code >> 8, code & 0xff];
    out[at + 2 * i] = a;
    out[at + 2 * i + 1] = b;
  }
  return out;
}

async function withCustomers(data: string | Uint8Array): Promise<ImportReport> {
  const files: CsvFile[] = [
    { fileName: 'customers.csv', data: customers },
    { fileName: 'invoices.csv', data }
  ];
  return service.importCsv({ name: 'corpus', source: 'upload', files, persist: false });
}

const errors = (ps: readonly ImportProblem[]) => ps.filter((p) => p.severity !== 'warning');
const invoicesOf = (r: ImportReport) => r.tables.find((t) => t.table === 'invoices');
const brief = (p: ImportProblem | undefined) => ({
  file: p?.file,
  line: p?.line,
  column: p?.column,
  reason: p?.reason
});

describe('files rejected whole: the table is dropped and named, with the reason', () => {
  const cases: [string, string | Uint8Array, string, number | undefined][] = [
    [
      'UTF-16 LE with a BOM',
      utf16(lines(row('I1')), 'le', true),
      'the file is UTF-16 text (little-endian, with a byte-order mark), not UTF-8: save it as UTF-8 and load it again',
      undefined
    ],
    [
      'UTF-16 LE without a BOM',
      utf16(lines(row('I1')), 'le', false),
      'the file is UTF-16 text (little-endian), not UTF-8: save it as UTF-8 and load it again',
      undefined
    ],
    [
      'UTF-16 BE with a BOM',
      utf16(lines(row('I1')), 'be', true),
      'the file is UTF-16 text (big-endian, with a byte-order mark), not UTF-8: save it as UTF-8 and load it again',
      undefined
    ],
    [
      'a ZIP archive (or .xlsx) renamed .csv',
      new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0, 0, 8, 0, 0x21, 0x22, 0xff, 0x80]),
      'not a CSV file: it is a ZIP archive (an .xlsx workbook is one too). Unzip it, or export the sheet as CSV (UTF-8)',
      undefined
    ],
    [
      'a gzip file renamed .csv',
      new Uint8Array([0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 3, 0x4b, 0x4c]),
      'not a CSV file: it is gzip-compressed. Decompress it first',
      undefined
    ],
    [
      'binary garbage',
      new Uint8Array(Array.from({ length: 300 }, (_, i) => (i * 7919 + 13) % 256)),
      'not a text CSV file (it contains NUL bytes)',
      undefined
    ],
    [
      'CR-only line ends',
      `${header}\r${row('I1')}\r${row('I2')}\r`,
      'lines end in CR only (an old Mac format), so the whole file reads as one line: save it with LF or CR LF line ends and load it again',
      1
    ]
  ];
  for (const [label, data, reason, line] of cases) {
    it(label, async () => {
      const report = await withCustomers(data);
      expect(invoicesOf(report)).toBeUndefined();
      expect(report.droppedTables).toEqual(['invoices']);
      expect(report.tables.map((t) => [t.table, t.rowsLoaded])).toEqual([['customers', 2]]);
      expect(errors(report.problems).map(brief)).toEqual([
        { file: 'invoices.csv', line, column: undefined, reason }
      ]);
    });
  }

  it('a 0-byte file with the right name', async () => {
    const report = await withCustomers(new Uint8Array(0));
    expect(report.droppedTables).toEqual(['invoices']);
    expect(invoicesOf(report)).toBeUndefined();
    expect(errors(report.problems).map(brief)).toEqual([
      { file: 'invoices.csv', line: undefined, column: undefined, reason: 'file is empty' }
    ]);
  });

  it('a rejected-only import keeps the stored dataset active and intact', async () => {
    const before = await withCustomers(lines(row('I1')));
    const error = await service
      .importCsv({
        name: 'broken',
        source: 'upload',
        files: [{ fileName: 'invoices.csv', data: utf16(lines(row('I9')), 'le', true) }],
        persist: false
      })
      .then(
        () => null,
        (e: unknown) => e as OpsiqError
      );
    expect(error?.code).toBe('import_rejected');
    expect(error?.message).toContain('invoices.csv: the file is UTF-16 text');
    expect((await service.status())?.id).toBe(before.status.id);
    const rows = await service.query('SELECT invoice_id FROM invoices');
    expect(rows.rows).toEqual([{ invoice_id: 'I1' }]);
  });
});

describe('files that load, whole or in part', () => {
  it('a header and no rows: the table is loaded empty, with a warning on line 1', async () => {
    const report = await withCustomers(`${header}\n`);
    expect(invoicesOf(report)).toMatchObject({ rowsLoaded: 0, rowsRejected: 0 });
    const p = report.problems.find((x) => x.table === 'invoices');
    expect(p?.severity).toBe('warning');
    expect(brief(p)).toEqual({
      file: 'invoices.csv',
      line: 1,
      column: undefined,
      reason: 'the file has a header (line 1) but no rows below it'
    });
  });

  it('a negative in parentheses is rejected and asked for as -100.00; a minus sign loads', async () => {
    const report = await withCustomers(lines(row('I1', '(100.00)'), row('I2', '-100')));
    expect(invoicesOf(report)).toMatchObject({ rowsLoaded: 1, rowsRejected: 1 });
    expect(errors(report.problems).map(brief)).toEqual([
      {
        file: 'invoices.csv',
        line: 2,
        column: 'billed_amount',
        reason:
          '"(100.00)" is not a money amount: a negative in parentheses is not read (write it as -100.00)'
      }
    ]);
    const rows = await service.query('SELECT invoice_id, billed_amount FROM invoices');
    expect(rows.rows).toEqual([{ invoice_id: 'I2', billed_amount: -100 }]);
  });

  it('NaN and Infinity are not money: each row rejected on its line', async () => {
    const report = await withCustomers(
      lines(row('I1'), row('I2', 'NaN'), row('I3', 'Infinity'), row('I4', '-inf'))
    );
    expect(invoicesOf(report)).toMatchObject({ rowsLoaded: 1, rowsRejected: 3 });
    expect(errors(report.problems).map((p) => [p.line, p.column, p.reason])).toEqual([
      [3, 'billed_amount', '"NaN" is not a money amount (e.g. 1200.00 or $1,200.00)'],
      [4, 'billed_amount', '"Infinity" is not a money amount (e.g. 1200.00 or $1,200.00)'],
      [5, 'billed_amount', '"-inf" is not a money amount (e.g. 1200.00 or $1,200.00)']
    ]);
  });

  it('quoted numbers, thousands separators, currency signs and scientific notation load', async () => {
    const report = await withCustomers(
      lines(row('I1', '"100.50"'), row('I2', '"$1,200.50"'), row('I3', '€99'), row('I4', '1.5E+2'))
    );
    expect(errors(report.problems)).toEqual([]);
    expect(invoicesOf(report)).toMatchObject({ rowsLoaded: 4, rowsRejected: 0 });
    const rows = await service.query(
      'SELECT invoice_id, billed_amount FROM invoices ORDER BY invoice_id'
    );
    expect(rows.rows.map((r) => r['billed_amount'])).toEqual([100.5, 1200.5, 99, 150]);
  });

  it('a decimal comma unquoted splits the row: rejected as a wrong number of fields', async () => {
    const report = await withCustomers(lines(row('I1'), row('I2', '1200,50')));
    expect(invoicesOf(report)).toMatchObject({ rowsLoaded: 1, rowsRejected: 1 });
    expect(errors(report.problems).map(brief)).toEqual([
      {
        file: 'invoices.csv',
        line: 3,
        column: undefined,
        reason: 'wrong number of fields: expected 7, found 8'
      }
    ]);
  });

  it('a trailing delimiter on every line is an empty extra column, kept and said', async () => {
    const data = `${[header, row('I1'), row('I2')].map((l) => `${l},`).join('\n')}\n`;
    const report = await withCustomers(data);
    expect(errors(report.problems)).toEqual([]);
    expect(invoicesOf(report)).toMatchObject({ rowsLoaded: 2, rowsRejected: 0 });
    expect(report.notes).toContain('invoices.csv: extra columns kept as text: column_8');
  });

  it('a row with fields missing names the first missing column', async () => {
    const report = await withCustomers(lines(row('I1'), 'I2,C1,2026-03-01'));
    expect(invoicesOf(report)).toMatchObject({ rowsLoaded: 1, rowsRejected: 1 });
    expect(errors(report.problems).map(brief)).toEqual([
      {
        file: 'invoices.csv',
        line: 3,
        column: 'billed_amount',
        reason: 'wrong number of fields: expected 7, found 3'
      }
    ]);
  });

  it('dates: ISO forms and offsets load; day-first, written-out, compact and impossible dates are rejected', async () => {
    const report = await withCustomers(
      lines(
        row('I1', '1', '2026-03-01'),
        row('I2', '1', '03/01/2026'),
        row('I3', '1', '1 March 2026'),
        row('I4', '1', '20260301'),
        row('I5', '1', '2026-03-01T10:00:00+02:00'),
        row('I6', '1', '2026-03-01 10:00:00Z'),
        row('I7', '1', '2026-02-30')
      )
    );
    expect(invoicesOf(report)).toMatchObject({ rowsLoaded: 3, rowsRejected: 4 });
    const iso = 'is not an ISO 8601 date or timestamp (e.g. 2026-02-20 or 2026-02-20 14:45:00)';
    expect(errors(report.problems).map((p) => [p.line, p.column, p.reason])).toEqual([
      [3, 'invoice_date', `"03/01/2026" ${iso}`],
      [4, 'invoice_date', `"1 March 2026" ${iso}`],
      [5, 'invoice_date', `"20260301" ${iso}`],
      [8, 'invoice_date', `"2026-02-30" ${iso}`]
    ]);
    for (const p of errors(report.problems)) expect(p.technical).toMatch(/Could not convert/);
    const rows = await service.query(
      "SELECT invoice_id, strftime(invoice_date, '%Y-%m-%d %H:%M') AS t FROM invoices ORDER BY 1"
    );
    expect(rows.rows).toEqual([
      { invoice_id: 'I1', t: '2026-03-01 00:00' },
      { invoice_id: 'I5', t: '2026-03-01 08:00' },
      { invoice_id: 'I6', t: '2026-03-01 10:00' }
    ]);
  });
});
