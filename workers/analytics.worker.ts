import { Comlink } from './contracts/wire';
import { AnalyticsService } from './services/analytics-service';
import { createBrowserBindings, registerFile } from './services/duckdb-browser';

Comlink.expose(
  new AnalyticsService({
    createBindings: ({ wasmUrl }) => createBrowserBindings(wasmUrl),
    idb: indexedDB,
    maxFileBytes: undefined,
    registerContent: registerFile
  })
);
