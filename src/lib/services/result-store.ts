/**
 * The investigation's query results kept in IndexedDB (`opsiq-query-cache`), so the first run
 * after a reload reads them back instead of scanning a cold DuckDB (see
 * src/lib/agents/query-cache.ts). Keys carry a namespace (the app's build version: another
 * build may read or shape rows differently), the dataset's content digest and the query with
 * its parameters. Only the active dataset's results are kept; results too large to be worth a
 * copy are not stored. A derived copy: losing it costs one slow run, never data.
 */
import { wrap, type IDBPDatabase } from 'idb';
import type { ResultStore } from '$lib/agents/query-cache';
import type { QueryResult } from '$workers/contracts/analytics';

const DB = 'opsiq-query-cache';
const STORE = 'results';
/** Rows above this are not copied (a detector's findings are far fewer). */
const MAX_ROWS = 50_000;

export function indexedDbResultStore(namespace: string, idb: IDBFactory = indexedDB): ResultStore {
  let db: Promise<IDBPDatabase> | null = null;
  const open = () =>
    (db ??= (async () => {
      const request = idb.open(DB, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(STORE);
      const d = (await wrap(request)) as unknown as IDBPDatabase;
      d.addEventListener('versionchange', () => {
        d.close();
        db = null;
      });
      return d;
    })().catch((error: unknown) => {
      db = null;
      throw error;
    }));
  const prefix = (datasetId: string) => `${namespace}\u0000${datasetId}\u0000`;
  return {
    async get(datasetId, key) {
      const value: unknown = await (await open()).get(STORE, prefix(datasetId) + key);
      return value && typeof value === 'object' && 'rows' in value
        ? (value as QueryResult)
        : undefined;
    },
    async put(datasetId, key, result) {
      if (result.rows.length > MAX_ROWS) return;
      await (await open()).put(STORE, result, prefix(datasetId) + key);
    },
    async keep(datasetId) {
      const d = await open();
      const mine = prefix(datasetId);
      const tx = d.transaction(STORE, 'readwrite');
      for (const key of await tx.store.getAllKeys())
        if (typeof key !== 'string' || !key.startsWith(mine)) await tx.store.delete(key);
      await tx.done;
    }
  };
}
