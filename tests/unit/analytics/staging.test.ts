import { describe, expect, it } from 'vitest';
import { counts, demoFiles, fixture, makeService } from './harness';

describe('staged import', () => {
  it('a rejected import leaves the previous dataset active and intact', async () => {
    const { service } = makeService();
    const demo = await service.importCsv({ name: 'Demo', source: 'demo', files: demoFiles() });
    await expect(
      service.importCsv({
        name: 'Bad',
        source: 'upload',
        files: [fixture('notes.csv'), fixture('customers_empty.csv')]
      })
    ).rejects.toMatchObject({ code: 'import_rejected' });
    expect(await service.status()).toEqual(demo.status);
    expect((await service.query('SELECT count(*) AS n FROM usage_events')).rows).toEqual([
      { n: 120 }
    ]);
    const tables = await service.query(
      "SELECT name FROM (SHOW TABLES) WHERE name LIKE '\\_\\_%' ESCAPE '\\'"
    );
    expect(tables.rows).toEqual([]);
  });

  it('a partial dataset replaces the previous one; absent tables are missing', async () => {
    const { service } = makeService();
    await service.importCsv({ name: 'Demo', source: 'demo', files: demoFiles() });
    const report = await service.importCsv({
      name: 'Refunds only',
      source: 'upload',
      files: [fixture('refunds_semicolon.csv')]
    });
    expect(counts(report.status.tables)).toEqual({ refunds: 2 });
    expect(report.status.missingTables).toEqual([
      'customers',
      'subscriptions',
      'invoices',
      'payments',
      'usage_events',
      'signal_events'
    ]);
    await expect(service.query('SELECT * FROM invoices')).rejects.toMatchObject({
      code: 'query_failed'
    });
  });

  it('a dataset whose only file has no loadable row is rejected', async () => {
    const { service } = makeService();
    const headerOnly = {
      fileName: 'refunds.csv',
      data: 'refund_id,customer_id,refund_date,amount,reason,processor,linked_payment_id\n'
    };
    await expect(
      service.importCsv({ name: 'Empty', source: 'upload', files: [headerOnly] })
    ).rejects.toMatchObject({ code: 'import_rejected' });
    expect(await service.status()).toBeNull();
  });

  it('init is idempotent: one engine, one version', async () => {
    let created = 0;
    const { createNodeBindings } = await import('../../../workers/services/duckdb-node');
    const { service } = makeService({ createBindings: () => (created++, createNodeBindings()) });
    const [a, b] = await Promise.all([service.init(), service.init()]);
    expect(a).toEqual(b);
    await service.query('SELECT 1');
    expect(created).toBe(1);
  });
});
