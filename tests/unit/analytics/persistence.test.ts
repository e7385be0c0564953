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
    await new Promise<void>((resolve, reject) => {
      const open = idb.open('opsiq-datasets');
      open.onsuccess = () => {
        const tx = open.result.transaction('datasets', 'readwrite');
        const store = tx.objectStore('datasets');
        const get = store.get(report.status.id);
        get.onsuccess = () =>
          store.put({ ...get.result, formatVersion: 99, tables: 'garbage' }, report.status.id);
        tx.oncomplete = () => {
          open.result.close();
          resolve();
        };
        tx.onerror = () => reject(tx.error);
      };
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
    const keys = await new Promise<IDBValidKey[]>((resolve) => {
      const open = idb.open('opsiq-datasets');
      open.onsuccess = () => {
        const req = open.result.transaction('datasets').objectStore('datasets').getAllKeys();
        req.onsuccess = () => {
          open.result.close();
          resolve(req.result);
        };
      };
    });
    expect(keys).toEqual([second.status.id]);
    expect(await makeService({ idb }).service.restore()).toEqual(second.status);
  });
});
