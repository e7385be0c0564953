import { describe, expect, it } from 'vitest';
import { demoCounts } from '../../support/demo';
import { counts, demoFiles, makeService } from './harness';

describe('demo dataset import', () => {
  it('loads every table of data/demo with the contract counts and as-of date', async () => {
    const { service } = makeService();
    const { duckdbVersion } = await service.init();
    expect(duckdbVersion).toBe('v1.4.3');
    const report = await service.importCsv({ name: 'Demo', source: 'demo', files: demoFiles() });
    expect(report.problems).toEqual([]);
    expect(counts(report.status.tables)).toEqual(demoCounts);
    expect(report.status.missingTables).toEqual([]);
    expect(report.status.asOf).toBe('2026-02-21');
    expect(report.status.asOfTimestamp).toMatch(/^2026-02-21T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(report.tables.every((t) => t.rowsRejected === 0)).toBe(true);
    expect(await service.status()).toEqual(report.status);
  });

  it('gives the same content the same id, and other content another id', async () => {
    const { service } = makeService();
    const a = await service.importCsv({ name: 'Demo', source: 'demo', files: demoFiles() });
    const b = await service.importCsv({
      name: 'Demo',
      source: 'demo',
      files: demoFiles().reverse()
    });
    const c = await service.importCsv({
      name: 'Demo',
      source: 'demo',
      files: demoFiles().slice(1)
    });
    expect(a.status.id).toMatch(/^ds_[0-9a-f]{16}$/);
    expect(b.status.id).toBe(a.status.id);
    expect(c.status.id).not.toBe(a.status.id);
  });

  it('stores the contract types: TIMESTAMP, DECIMAL(18,2), DOUBLE, VARCHAR', async () => {
    const { service } = makeService();
    await service.importCsv({ name: 'Demo', source: 'demo', files: demoFiles() });
    const described = await service.query('DESCRIBE invoices');
    const types = Object.fromEntries(described.rows.map((r) => [r.column_name, r.column_type]));
    expect(types).toEqual({
      invoice_id: 'VARCHAR',
      customer_id: 'VARCHAR',
      invoice_date: 'TIMESTAMP',
      billed_amount: 'DECIMAL(18,2)',
      expected_amount: 'DECIMAL(18,2)',
      plan_tier_billed: 'VARCHAR',
      status: 'VARCHAR'
    });
    const usage = await service.query(
      "SELECT column_type FROM (DESCRIBE usage_events) WHERE column_name = 'usage_units'"
    );
    expect(usage.rows).toEqual([{ column_type: 'DOUBLE' }]);
  });
});
