import * as duckdb from '@duckdb/duckdb-wasm/blocking';
import { createRequire } from 'node:module';
import { registerCopy } from './analytics/load-table';

/** Synchronous DuckDB-WASM bindings for Node (unit tests, CLI): the same wasm as the browser. */
export async function createNodeBindings(): Promise<duckdb.DuckDBBindings> {
  const require = createRequire(import.meta.url);
  const eh = require.resolve('@duckdb/duckdb-wasm/dist/duckdb-eh.wasm');
  const mvp = require.resolve('@duckdb/duckdb-wasm/dist/duckdb-mvp.wasm');
  const db = await duckdb.createDuckDB(
    { mvp: { mainModule: mvp, mainWorker: '' }, eh: { mainModule: eh, mainWorker: '' } },
    new duckdb.VoidLogger(),
    duckdb.NODE_RUNTIME
  );
  await db.instantiate(() => {});
  return db;
}

const filePaths = new WeakMap<Blob, string>();

/**
 * A file on disk as a lazily read `Blob` (Node's `fs.openAsBlob`): the importer's checks stream
 * over it, and `registerNodeFile` lets DuckDB read it from disk, so a large export is held in
 * memory neither by JavaScript nor in DuckDB's heap.
 */
export async function nodeFileBlob(path: string): Promise<Blob> {
  const { openAsBlob } = await import('node:fs');
  const blob = await openAsBlob(path);
  filePaths.set(blob, path);
  return blob;
}

/** `RegisterContent` for Node: a `nodeFileBlob` is read from disk (NODE_FS); the rest is copied. */
export function registerNodeFile(
  db: duckdb.DuckDBBindings,
  name: string,
  content: Uint8Array | Blob
): void | Promise<void> {
  const path = content instanceof Blob ? filePaths.get(content) : undefined;
  if (path) {
    db.registerFileURL(name, path, duckdb.DuckDBDataProtocol.NODE_FS, false);
    return;
  }
  return registerCopy(db, name, content);
}
