import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { createRequire } from 'node:module';
import initSqlJs, { type SqlJsStatic } from 'sql.js';
import type { CaseInput } from '../../../workers/contracts/state';
import {
  StateService,
  type StateChannel,
  type StateDeps
} from '../../../workers/services/state-service';
import type { DurableTuning } from '../../../workers/services/state/durable-db';
import { WalStore } from '../../../workers/services/state/wal-store';

/**
 * Node stand-ins for the browser pieces of the state worker: the real sql.js Node build,
 * fake-indexeddb, an in-process lock and an in-process BroadcastChannel hub. Several
 * StateService instances over one factory + one lock + one hub behave like tabs.
 */
const require = createRequire(import.meta.url);

// The service uses the global IDBKeyRange (every browser worker has one); fake-indexeddb only
// accepts its own, so Node gets that one as the global.
globalThis.IDBKeyRange ??= IDBKeyRange as unknown as typeof globalThis.IDBKeyRange;
let sqlJs: Promise<SqlJsStatic> | undefined;

export function loadSqlJs(): Promise<SqlJsStatic> {
  sqlJs ??= initSqlJs({ locateFile: () => require.resolve('sql.js/dist/sql-wasm.wasm') });
  return sqlJs;
}

/** navigator.locks stand-in: FIFO per lock name, like the Web Locks exclusive mode. */
export function createLocks(): StateDeps['locks'] {
  const tails = new Map<string, Promise<unknown>>();
  return {
    request<T>(name: string, callback: () => Promise<T>): Promise<T> {
      const previous = tails.get(name) ?? Promise.resolve();
      const run = previous.then(callback, callback);
      tails.set(
        name,
        run.catch(() => undefined)
      );
      return run;
    }
  };
}

/** BroadcastChannel stand-in: delivers a structured clone to every other member, async. */
export function createHub(): { channel(): StateChannel; posted: number } {
  const members = new Set<{ listeners: Array<(m: unknown) => void> }>();
  const hub = {
    posted: 0,
    channel(): StateChannel {
      const me = { listeners: [] as Array<(m: unknown) => void> };
      members.add(me);
      return {
        post(message) {
          hub.posted++;
          for (const other of members) {
            if (other === me) continue;
            const copy = structuredClone(message);
            setTimeout(() => other.listeners.forEach((listener) => listener(copy)), 0);
          }
        },
        onMessage(callback) {
          me.listeners.push(callback);
        },
        close() {
          members.delete(me);
        }
      };
    }
  };
  return hub;
}

export const DB_NAME = 'opsiq-state-test';

export interface TabOptions {
  idb: IDBFactory;
  locks?: StateDeps['locks'];
  channel?: StateChannel;
  tuning?: Partial<DurableTuning>;
  now?: () => string;
}

/** A service like one browser tab; long timers by default so tests decide when to checkpoint. */
export function createTab(options: TabOptions): StateService {
  let tick = 0;
  return new StateService({
    loadSqlJs: () => loadSqlJs(),
    idb: options.idb,
    locks: options.locks ?? createLocks(),
    channel: options.channel,
    now: options.now ?? (() => new Date(Date.UTC(2025, 0, 1, 0, 0, 0, tick++)).toISOString()),
    dbName: DB_NAME,
    tuning: { checkpointIdleMs: 60_000, maxWalRecords: 100_000, pollMs: 60_000, ...options.tuning }
  });
}

export function freshIdb(): IDBFactory {
  return new IDBFactory();
}

export function sampleCase(n: number, overrides: Partial<CaseInput> = {}): CaseInput {
  const invoice = `INV${String(n).padStart(3, '0')}`;
  return {
    caseId: `case-${n}`,
    key: `underbilling:${invoice}`,
    runId: 'run-1',
    anomalyType: 'underbilling',
    title: `Invoice ${invoice} billed below its plan price`,
    severity: n % 3 === 0 ? 'high' : 'medium',
    confidence: 0.8,
    confidenceLabel: 'high',
    estimatedImpact: 100 + n,
    evidence: { invoiceId: invoice, expected: 200 + n, billed: 100 },
    entities: { customerId: `C${n}` },
    sentiment: null,
    recommendedAction: 'Re-bill the difference',
    createdAt: '2025-01-01T00:00:00.000Z',
    ...overrides
  };
}

/** Raw access to the stores, for tests that plant or inspect stored records. */
export async function withStores<T>(
  idb: IDBFactory,
  store: string,
  mode: IDBTransactionMode,
  body: (store: IDBObjectStore) => IDBRequest | void
): Promise<T> {
  (await WalStore.open(idb, DB_NAME, 'strict')).close(); // creates the stores if missing
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const request = idb.open(DB_NAME);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  try {
    return await new Promise<T>((resolve, reject) => {
      const tx = db.transaction([store], mode);
      const request = body(tx.objectStore(store));
      tx.oncomplete = () => resolve((request?.result ?? undefined) as T);
      tx.onabort = () => reject(tx.error);
    });
  } finally {
    db.close();
  }
}

export const getRaw = (idb: IDBFactory, store: string, key: IDBValidKey) =>
  withStores<unknown>(idb, store, 'readonly', (s) => s.get(key));
export const getAllRaw = (idb: IDBFactory, store: string) =>
  withStores<unknown[]>(idb, store, 'readonly', (s) => s.getAll());
export const putRaw = (idb: IDBFactory, store: string, value: unknown, key?: IDBValidKey) =>
  withStores<unknown>(idb, store, 'readwrite', (s) => s.put(value, key));

/** Resolves when `predicate` holds, polling; rejects after `ms`. */
export async function waitFor(
  predicate: () => boolean | Promise<boolean>,
  ms = 2000
): Promise<number> {
  const start = performance.now();
  while (!(await predicate())) {
    if (performance.now() - start > ms) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return performance.now() - start;
}
