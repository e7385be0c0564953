// See https://svelte.dev/docs/kit/types#app.d.ts
declare global {
  /** Path of the DuckDB eh wasm below the base path (set by vite.config.ts). */
  const __DUCKDB_WASM__: string;
  /** Path of the sql.js wasm below the base path (set by vite.config.ts). */
  const __SQLJS_WASM__: string;
  namespace App {
    // interface Error {}
    // interface Locals {}
    // interface PageData {}
    // interface PageState {}
    // interface Platform {}
  }
}

export {};
