/**
 * `@duckdb/duckdb-wasm/blocking` resolves to the Node build for types and to a file that does
 * not exist (`dist/duckdb-node-blocking.mjs`) under browser conditions, so the worker imports the
 * browser build by path; Vite maps this specifier to the file (see `resolve.alias` in
 * vite.config.ts). The bindings API is the same as the Node build's, whose types we reuse.
 */
declare module '@duckdb/duckdb-wasm/dist/duckdb-browser-blocking.mjs' {
  import type {
    DuckDBBindings,
    DuckDBBundles,
    DuckDBRuntime,
    Logger,
    PlatformFeatures
  } from '@duckdb/duckdb-wasm/blocking';
  export { VoidLogger } from '@duckdb/duckdb-wasm/blocking';
  export const BROWSER_RUNTIME: DuckDBRuntime;
  export function createDuckDB(
    bundles: DuckDBBundles,
    logger: Logger,
    runtime: DuckDBRuntime
  ): Promise<DuckDBBindings>;
  export function getPlatformFeatures(): Promise<PlatformFeatures>;
}
