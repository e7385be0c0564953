import * as duckdb from '@duckdb/duckdb-wasm/blocking';
import { createRequire } from 'node:module';

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
