import type { DuckDBBindings } from '@duckdb/duckdb-wasm/blocking';
import * as duckdb from '@duckdb/duckdb-wasm/dist/duckdb-browser-blocking.mjs';
import { OpsiqError } from '../contracts/errors';

/**
 * Synchronous DuckDB-WASM bindings inside our own worker, so no nested DuckDB worker is needed.
 * Only the exception-handling bundle is shipped (served from `static/vendor`): every current
 * Chromium, Firefox and Safari supports it, and one wasm file keeps the offline precache small.
 */
export async function createBrowserBindings(wasmUrl: string | undefined): Promise<DuckDBBindings> {
  if (!wasmUrl) {
    throw new OpsiqError(
      'engine_failed',
      'The analytics engine needs the URL of duckdb-eh.wasm: call init({ wasmUrl }) first.'
    );
  }
  const features = await duckdb.getPlatformFeatures();
  if (!features.wasmExceptions) {
    throw new OpsiqError(
      'unsupported_browser',
      'This browser lacks WebAssembly exception handling, which DuckDB needs: use a current Chromium, Firefox or Safari.'
    );
  }
  const bundle = { mainModule: wasmUrl, mainWorker: '' };
  const db = await duckdb.createDuckDB(
    { mvp: bundle, eh: bundle },
    new duckdb.VoidLogger(),
    duckdb.BROWSER_RUNTIME
  );
  await db.instantiate(() => {});
  return db;
}
