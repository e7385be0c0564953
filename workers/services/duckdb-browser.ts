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
  // Emscripten never hears of a failed download, so race it to fail instead of hanging.
  const downloadFailed = streamWasmForCodeCache(db, wasmUrl);
  await Promise.race([db.instantiate(() => {}), downloadFailed]);
  return db;
}

/**
 * duckdb-wasm pipes the wasm response through a TransformStream to report download progress and
 * instantiates the resulting synthetic `Response`. V8 caches compiled wasm only for a response
 * that came from `fetch` itself, so that wrapper makes every start recompile 33 MB of wasm.
 * Instantiating the fetched response directly lets warm starts reuse the compiled code.
 */
function streamWasmForCodeCache(db: DuckDBBindings, wasmUrl: string): Promise<never> {
  let fail: (error: OpsiqError) => void = () => {};
  const failed = new Promise<never>((_, reject) => (fail = reject));
  type Instantiate = (
    imports: WebAssembly.Imports,
    done: (instance: WebAssembly.Instance, module: WebAssembly.Module) => void
  ) => Record<string, never>;
  (db as unknown as { instantiateWasm: Instantiate }).instantiateWasm = function (imports, done) {
    (globalThis as { DUCKDB_RUNTIME?: unknown }).DUCKDB_RUNTIME = (
      this as unknown as { _runtime: unknown }
    )._runtime;
    // Compile and instantiate apart (User Timing marks, read by the start-up bench): streaming
    // compilation of the fetched response is what V8's wasm code cache serves.
    performance.mark('opsiq:wasm:fetch');
    WebAssembly.compileStreaming(fetch(wasmUrl, { credentials: 'same-origin' }))
      .then((module) => {
        performance.mark('opsiq:wasm:compiled');
        return WebAssembly.instantiate(module, imports).then((instance) => {
          performance.mark('opsiq:wasm:instantiated');
          return { instance, module };
        });
      })
      .then(
        ({ instance, module }) => done(instance, module),
        (error: unknown) =>
          fail(
            new OpsiqError(
              'engine_failed',
              `DuckDB could not be loaded from ${wasmUrl} (${error instanceof Error ? error.message : String(error)}). If you are offline, open OpsIQ once while online first.`
            )
          )
      );
    return {};
  };
  return failed;
}

/**
 * A chosen `File` is registered as a handle DuckDB reads slice by slice with FileReaderSync
 * (this worker is where DuckDB runs, so the synchronous reader is allowed): a 300 MB CSV is never
 * copied into the heap whole. Bytes already in memory are copied in as before.
 */
export function registerFile(db: DuckDBBindings, name: string, content: Uint8Array | Blob): void {
  if (content instanceof Uint8Array) db.registerFileBuffer(name, content);
  else db.registerFileHandle(name, content, duckdb.DuckDBDataProtocol.BROWSER_FILEREADER, true);
}
