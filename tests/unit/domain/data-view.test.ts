import { describe, expect, it } from 'vitest';
import {
  DATA_PAGE_SIZE,
  caseRows,
  dataViewSql,
  defaultView,
  parseView,
  viewSearch
} from '../../../src/lib/domain/data-view';
import type { TriageCase } from '../../../src/lib/domain/schemas/case';
import { demoFiles, makeService } from '../analytics/harness';

describe('data view (real DuckDB)', () => {
  it('pages, sorts and filters in the engine; names only the table’s own columns', async () => {
    const { service } = makeService();
    const status = await service.importCsv({ name: 'Demo', source: 'demo', files: demoFiles() });
    const cols = status.status.tables.find((t) => t.name === 'refunds')!.columns;
    const run = async (v: Parameters<typeof dataViewSql>[0]) => {
      const q = dataViewSql(v, cols);
      const rows = await service.queryWithParams(q.rows.sql, q.rows.params);
      const count = await service.queryWithParams(q.count.sql, q.count.params);
      return { rows: rows.rows, n: count.rows[0]!['n'], ignored: q.ignored };
    };
    const all = await run({ ...defaultView('refunds'), sort: 'amount', desc: true });
    expect(all.n).toBe(11);
    expect(all.rows.map((r) => r['amount'])).toEqual([
      500, 200, 199, 180, 150, 150, 100, 50, 50, 49, 30
    ]);

    const two = await run({
      ...defaultView('refunds'),
      filters: [{ column: 'refund_id', values: ['REF004', 'REF003'] }]
    });
    expect(two.rows.map((r) => r['refund_id'])).toEqual(['REF003', 'REF004']);

    // Text with quotes and SQL is a parameter; a column the table lacks is dropped and named.
    const hostile = await run({
      ...defaultView('refunds'),
      text: "x' OR 1=1 --",
      filters: [{ column: 'nope"; DROP TABLE refunds; --', values: ['1'] }]
    });
    expect(hostile.n).toBe(0);
    expect(hostile.ignored).toEqual(['nope"; DROP TABLE refunds; --']);
    const inColumn = await run({
      ...defaultView('refunds'),
      text: 'OVERCHARGE',
      textColumn: 'reason'
    });
    expect(inColumn.n).toBe(3);

    const usage = status.status.tables.find((t) => t.name === 'usage_events')!.columns;
    const page2 = dataViewSql({ ...defaultView('usage_events'), page: 2 }, usage);
    const rows = await service.queryWithParams(page2.rows.sql, page2.rows.params);
    expect(rows.rows).toHaveLength(120 - 2 * DATA_PAGE_SIZE);
  });

  it('round-trips through the URL and opens a case’s rows', () => {
    const v = {
      ...defaultView('refunds' as const),
      filters: [{ column: 'refund_id', values: ['A&B', 'C'] }],
      text: 'x y',
      textColumn: 'reason',
      sort: 'amount',
      desc: true,
      page: 3
    };
    expect(parseView(new URLSearchParams(viewSearch(v)), 'customers')).toEqual(v);
    expect(parseView(new URLSearchParams('table=secrets'), 'customers').table).toBe('customers');
    const c = (type: TriageCase['type'], entities: TriageCase['entities']) =>
      ({ type, entities }) as TriageCase;
    expect(
      caseRows(c('duplicate_refund', { refund_ids: ['R1', 'R2'], customer_id: 'C1' }))
    ).toMatchObject({
      table: 'refunds',
      filters: [{ column: 'refund_id', values: ['R1', 'R2'] }]
    });
    expect(caseRows(c('underbilling', { invoice_id: 'I9', customer_id: 'C1' }))).toMatchObject({
      table: 'invoices',
      filters: [{ column: 'invoice_id', values: ['I9'] }]
    });
    expect(caseRows(c('tier_mismatch', {}))).toBeNull();
  });
});
