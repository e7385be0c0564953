import { sveltekit } from '@sveltejs/kit/vite';
import { cpSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

/**
 * Copies the engines' wasm files and the demo CSVs into `static/vendor` so that SvelteKit's
 * `$service-worker` `files` list includes them: Vite-emitted assets of workers are missing from
 * its `build` list, and an offline start needs every one of them precached.
 */
function vendorAssets(): Plugin {
  return {
    name: 'opsiq-vendor-assets',
    config() {
      const out = 'static/vendor';
      rmSync(out, { recursive: true, force: true });
      mkdirSync(out, { recursive: true });
      // duckdb-wasm's exports map hides package.json: find it beside the wasm file.
      const duckdbWasm = require.resolve('@duckdb/duckdb-wasm/dist/duckdb-eh.wasm');
      const duckdbPkg = join(dirname(duckdbWasm), '..', 'package.json');
      const duckdbVersion = JSON.parse(readFileSync(duckdbPkg, 'utf8')).version as string;
      const sqlWasm = require.resolve('sql.js/dist/sql-wasm.wasm');
      const sqlPkg = join(dirname(sqlWasm), '..', 'package.json');
      const sqlVersion = JSON.parse(readFileSync(sqlPkg, 'utf8')).version as string;
      cpSync(duckdbWasm, `${out}/duckdb-${duckdbVersion}-eh.wasm`);
      cpSync(sqlWasm, `${out}/sql-${sqlVersion}.wasm`);
      cpSync('data/demo', `${out}/demo`, { recursive: true });
      return {
        define: {
          __DUCKDB_WASM__: JSON.stringify(`vendor/duckdb-${duckdbVersion}-eh.wasm`),
          __SQLJS_WASM__: JSON.stringify(`vendor/sql-${sqlVersion}.wasm`)
        }
      };
    }
  };
}

export default defineConfig({
  plugins: [vendorAssets(), sveltekit()],
  resolve: {
    // The package's `./blocking` export points browsers at a file it does not ship; the
    // browser build of the synchronous bindings is imported by path (workers/services).
    alias: [
      {
        find: '@duckdb/duckdb-wasm/dist/duckdb-browser-blocking.mjs',
        replacement: fileURLToPath(
          new URL(
            './node_modules/@duckdb/duckdb-wasm/dist/duckdb-browser-blocking.mjs',
            import.meta.url
          )
        )
      }
    ]
  },
  worker: {
    format: 'es',
    // One file per worker: SvelteKit's service-worker `build` list names worker entries but not
    // the chunks they import, and a missing chunk breaks the worker offline.
    rolldownOptions: { output: { inlineDynamicImports: true } }
  },
  build: { target: 'es2022' },
  test: {
    include: ['tests/unit/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    pool: 'forks'
  }
});
