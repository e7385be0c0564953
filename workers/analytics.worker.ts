// The start-up bench reads this: module fetched and evaluated, the worker is up.
performance.mark('opsiq:worker:boot');
import { Comlink } from './contracts/wire';
import { AnalyticsService } from './services/analytics-service';
import { AnalystHost } from './services/analyst-host';
import { createBrowserBindings, registerFile } from './services/duckdb-browser';

// The analyst's own DuckDB instance starts from the same wasm URL as the importer's.
let wasmUrl: string | undefined;
const service = new AnalyticsService({
  createBindings: (options) => {
    wasmUrl = options.wasmUrl ?? wasmUrl;
    return createBrowserBindings(wasmUrl);
  },
  idb: indexedDB,
  maxFileBytes: undefined,
  registerContent: registerFile
});
const analyst = new AnalystHost(service, () => createBrowserBindings(wasmUrl));

Comlink.expose(
  Object.assign(service, {
    analystQuery: (sql: string, timeLimitMs?: number) => analyst.analystQuery(sql, timeLimitMs),
    analystCancel: () => analyst.analystCancel()
  })
);
