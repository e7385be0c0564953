import { IDBFactory, IDBObjectStore } from 'fake-indexeddb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { OpsiqError } from '../../../workers/contracts/errors';
import { demoCounts } from '../../support/demo';
import { counts, demoFiles, fixture, makeService } from './harness';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('dataset persistence in IndexedDB', () => {
  it('keeps the labels of a generated dataset with it, and forgets them with the next import', async () => {
    const idb = new IDBFactory();
    const labels = {
      version: 1,
      anomalies: [{ key: 'underbilling:INV008', type: 'underbilling' }]
    };
    const first = makeService({ idb }).service;
    await first.importCsv({ name: 'Synthetic', source: 'synthetic', files: demoFiles(), labels });
    expect(await first.labels()).toEqual(labels);

    const second = makeService({ idb }).service;
    await second.restore();
    expect(await second.labels()).toEqual(labels);
    await second.importCsv({ name: 'Demo', source: 'demo', files: demoFiles() });
    expect(await second.labels()).toBeNull();
    const third = makeService({ idb }).service;
    await third.restore();
    expect(await third.labels()).toBeNull();
  });

  it('a new service over the same IndexedDB restores the same tables and query results', async () => {
    const idb = new IDBFactory();
    const first = makeService({ idb }).service;
    const report = await first.importCsv({ name: 'Demo', source: 'demo', files: demoFiles() });
    expect(report.persisted).toBe(true);
    const sql =
      'SELECT customer_id, sum(billed_amount) AS billed, max(invoice_date) AS last FROM invoices GROUP BY 1 ORDER BY 1';
    const before = await first.query(sql);

    const second = makeService({ idb }).service;
    expect(await second.status()).toBeNull();
    const restored = await second.restore();
    expect(restored).toEqual(report.status);
    expect(counts(restored?.tables ?? [])).toEqual(demoCounts);
    expect(await second.query(sql)).toEqual(before);
    const types = await second.query(
      "SELECT column_type FROM (DESCRIBE refunds) WHERE column_name IN ('amount', 'refund_date') ORDER BY column_name"
    );
    expect(types.rows).toEqual([{ column_type: 'DECIMAL(18,2)' }, { column_type: 'TIMESTAMP' }]);
  });

  it('restore returns null when nothing is stored, and clear() forgets the dataset', async () => {
    const idb = new IDBFactory();
    const { service } = makeService({ idb });
    expect(await service.restore()).toBeNull();
    await service.importCsv({ name: 'Demo', source: 'demo', files: demoFiles() });
    await service.clear();
    expect(await service.status()).toBeNull();
    await expect(service.query('SELECT count(*) FROM invoices')).rejects.toMatchObject({
      code: 'query_failed'
    });
    expect(await makeService({ idb }).service.restore()).toBeNull();
  });

  it('a corrupted stored record is reported as state_corrupted, not trusted', async () => {
    const idb = new IDBFactory();
    const { service } = makeService({ idb });
    const report = await service.importCsv({ name: 'Demo', source: 'demo', files: demoFiles() });
    expect(report.persisted).toBe(true);
    await rawIdb(idb, ['meta', 'datasets'], async (stores) => {
      const slot = (await request(stores.meta.get('active'))) as { slot: string };
      const record = (await request(stores.datasets.get(slot.slot))) as object;
      await request(
        stores.datasets.put({ ...record, formatVersion: 99, tables: 'garbage' }, slot.slot)
      );
    });
    const error = await makeService({ idb })
      .service.restore()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpsiqError);
    expect((error as OpsiqError).code).toBe('state_corrupted');
    expect((error as OpsiqError).message).toMatch(
      /^The saved dataset could not be read \(the record failed validation\)/
    );
  });

  it('a full disk surfaces as storage_full and keeps the previous dataset, stored and active', async () => {
    const idb = new IDBFactory();
    const { service } = makeService({ idb });
    const previous = await service.importCsv({ name: 'Demo', source: 'demo', files: demoFiles() });

    const realPut = IDBObjectStore.prototype.put;
    vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(function (
      this: IDBObjectStore,
      value: unknown,
      key?: IDBValidKey
    ) {
      if (this.name === 'datasets')
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      return realPut.call(this, value, key);
    });
    const error = await service
      .importCsv({ name: 'Other', source: 'upload', files: [fixture('refunds_semicolon.csv')] })
      .catch((e: unknown) => e);
    expect((error as OpsiqError).code).toBe('storage_full');
    expect(await service.status()).toEqual(previous.status);
    expect((await service.query('SELECT count(*) AS n FROM refunds')).rows).toEqual([{ n: 11 }]);
    vi.restoreAllMocks();

    const restored = await makeService({ idb }).service.restore();
    expect(restored).toEqual(previous.status);
  });

  it('a new import replaces the stored dataset and deletes the old record', async () => {
    const idb = new IDBFactory();
    const { service } = makeService({ idb });
    await service.importCsv({ name: 'Demo', source: 'demo', files: demoFiles() });
    const second = await service.importCsv({
      name: 'Refunds',
      source: 'upload',
      files: [fixture('refunds_semicolon.csv')]
    });
    const { datasetKeys, tableKeys, pointer } = await rawIdb(
      idb,
      ['meta', 'datasets', 'tables'],
      async (stores) => ({
        datasetKeys: await request(stores.datasets.getAllKeys()),
        tableKeys: await request(stores.tables.getAllKeys()),
        pointer: (await request(stores.meta.get('active'))) as { id: string; slot: string }
      })
    );
    expect(pointer.id).toBe(second.status.id);
    expect(datasetKeys).toEqual([pointer.slot]);
    // Only the new dataset's one table is left: the demo's seven were deleted with it.
    expect(tableKeys).toEqual([`${pointer.slot}/refunds`]);
    expect(await makeService({ idb }).service.restore()).toEqual(second.status);
  });

  it('importing the active dataset again, with a full disk, keeps the stored copy intact', async () => {
    const idb = new IDBFactory();
    const { service } = makeService({ idb });
    const first = await service.importCsv({ name: 'Demo', source: 'demo', files: demoFiles() });
    const realPut = IDBObjectStore.prototype.put;
    let puts = 0;
    vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(function (
      this: IDBObjectStore,
      value: unknown,
      key?: IDBValidKey
    ) {
      // Fail half-way through writing the same dataset's tables again.
      if (this.name === 'tables' && ++puts > 3)
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      return realPut.call(this, value, key);
    });
    const error = await service
      .importCsv({ name: 'Demo', source: 'demo', files: demoFiles() })
      .catch((e: unknown) => e);
    expect((error as OpsiqError).code).toBe('storage_full');
    vi.restoreAllMocks();
    const again = makeService({ idb }).service;
    expect(await again.restore()).toEqual(first.status);
    expect((await again.query('SELECT count(*)::INTEGER AS n FROM usage_events')).rows).toEqual([
      { n: demoCounts.usage_events }
    ]);
    const tableKeys = await rawIdb(idb, ['tables'], (s) => request(s.tables.getAllKeys()));
    expect(tableKeys).toHaveLength(7);
  });

  it('a missing table record is reported as state_corrupted', async () => {
    const idb = new IDBFactory();
    await makeService({ idb }).service.importCsv({
      name: 'Demo',
      source: 'demo',
      files: demoFiles()
    });
    await rawIdb(idb, ['meta', 'tables'], async (stores) => {
      const { slot } = (await request(stores.meta.get('active'))) as { slot: string };
      await request(stores.tables.delete(`${slot}/invoices`));
    });
    const error = await makeService({ idb })
      .service.restore()
      .catch((e: unknown) => e);
    expect((error as OpsiqError).code).toBe('state_corrupted');
    expect((error as OpsiqError).message).toMatch(/table invoices is missing/);
  });

  it('reads a dataset saved in format 1 (all tables in one record) by an earlier version', async () => {
    // Write format 1 exactly as the earlier version did, from a real export.
    const source = new IDBFactory();
    const { service } = makeService({ idb: source });
    const report = await service.importCsv({ name: 'Demo', source: 'demo', files: demoFiles() });
    const tables = await rawIdb(source, ['meta', 'tables'], async (stores) => {
      const { slot } = (await request(stores.meta.get('active'))) as { slot: string };
      return Promise.all(
        report.tables.map(async (t) => ({
          name: t.table,
          ipc: (await request(stores.tables.get(`${slot}/${t.table}`))) as Uint8Array
        }))
      );
    });
    const idb = new IDBFactory();
    await new Promise<void>((resolve, reject) => {
      const open = idb.open('opsiq-datasets', 1);
      open.onupgradeneeded = () => {
        open.result.createObjectStore('datasets');
        open.result.createObjectStore('meta');
      };
      open.onsuccess = () => {
        const tx = open.result.transaction(['datasets', 'meta'], 'readwrite');
        const id = report.status.id;
        tx.objectStore('datasets').put(
          { formatVersion: 1, id, status: report.status, report, tables },
          id
        );
        tx.objectStore('meta').put({ formatVersion: 1, id }, 'active');
        tx.oncomplete = () => {
          open.result.close();
          resolve();
        };
        tx.onerror = () => reject(tx.error);
      };
    });
    const upgraded = makeService({ idb }).service;
    expect(await upgraded.restore()).toEqual(report.status);
    expect((await upgraded.query('SELECT count(*)::INTEGER AS n FROM invoices')).rows).toEqual([
      { n: demoCounts.invoices }
    ]);
  });
});

type Stores<N extends string> = Record<N, IDBObjectStore>;

/** Runs `task` in one readwrite transaction over the OpsIQ dataset database, as the app left it. */
async function rawIdb<N extends string, T>(
  idb: IDBFactory,
  names: readonly N[],
  task: (stores: Stores<N>) => Promise<T>
): Promise<T> {
  const db = await request(idb.open('opsiq-datasets'));
  try {
    const tx = db.transaction(names, 'readwrite');
    const stores = Object.fromEntries(names.map((n) => [n, tx.objectStore(n)])) as Stores<N>;
    const done = new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
    });
    const result = await task(stores);
    await done;
    return result;
  } finally {
    db.close();
  }
}

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}
