import { IDBDatabase } from 'fake-indexeddb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTab, freshIdb, sampleCase } from '../state/harness';
import { demoFiles, makeService } from './harness';
import { IDBFactory } from 'fake-indexeddb';

/**
 * Every IndexedDB transaction that writes OpsIQ's data asks for `durability: 'strict'` (flushed
 * to disk before `complete`): the dataset's tables, its metadata record and the `active`
 * pointer, and the state worker's log, checkpoints and rebases. A 'relaxed' (or missing) flag
 * on any of them fails here.
 */
function recordTransactions() {
  const seen: Array<{ stores: string[]; durability: string | undefined }> = [];
  const original = IDBDatabase.prototype.transaction;
  vi.spyOn(IDBDatabase.prototype, 'transaction').mockImplementation(function (
    this: IDBDatabase,
    stores: string | string[],
    mode?: IDBTransactionMode,
    options?: IDBTransactionOptions
  ) {
    if (mode === 'readwrite') {
      seen.push({ stores: [stores].flat(), durability: options?.durability });
    }
    return original.call(this, stores, mode, options);
  } as typeof original);
  return seen;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('durability flags', () => {
  it(
    'a dataset save writes its tables, metadata and active pointer strictly',
    { timeout: 120_000 },
    async () => {
      const { service } = makeService({ idb: new IDBFactory() });
      const seen = recordTransactions();
      const report = await service.importCsv({ name: 'Demo', source: 'demo', files: demoFiles() });
      expect(report.persisted).toBe(true);
      const touched = new Set(seen.flatMap((t) => t.stores));
      expect(touched).toEqual(new Set(['tables', 'datasets', 'meta']));
      expect(seen.filter((t) => t.durability !== 'strict')).toEqual([]);
      // The pointer's transaction is among them (meta = the `active` pointer).
      expect(seen.some((t) => t.stores.includes('meta'))).toBe(true);
      await service.clear();
      expect(seen.filter((t) => t.durability !== 'strict')).toEqual([]);
    }
  );

  it('the state log, checkpoint and reset are written strictly', async () => {
    const tab = createTab({ idb: freshIdb() });
    await tab.open();
    const seen = recordTransactions();
    await tab.putCases([sampleCase(1)]);
    await tab.flush();
    await tab.resetAll();
    await tab.close();
    expect(new Set(seen.flatMap((t) => t.stores))).toEqual(
      new Set(['wal', 'images', 'meta', 'wal_rejected'])
    );
    expect(seen.filter((t) => t.durability !== 'strict')).toEqual([]);
  });
});
