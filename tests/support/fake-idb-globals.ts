/**
 * `idb` recognises requests with `instanceof IDBRequest` etc., globals a worker has and Node lacks.
 * Importing this module installs fake-indexeddb's classes only; each test still passes its own
 * `IDBFactory`.
 */
import * as fakeIdb from 'fake-indexeddb';

for (const name of [
  'IDBRequest',
  'IDBOpenDBRequest',
  'IDBDatabase',
  'IDBTransaction',
  'IDBObjectStore',
  'IDBIndex',
  'IDBCursor',
  'IDBCursorWithValue',
  'IDBKeyRange'
] as const) {
  (globalThis as Record<string, unknown>)[name] ??= fakeIdb[name];
}
