import { sveltekit } from '@sveltejs/kit/vite';
import { cpSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { defineConfig, type Plugin } from 'vite';

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
      const duckdbPkg = require.resolve('@duckdb/duckdb-wasm/package.json');
      const duckdbVersion = JSON.parse(readFileSync(duckdbPkg, 'utf8')).version as string;
      const sqlPkg = require.resolve('sql.js/package.json');
      const sqlVersion = JSON.parse(readFileSync(sqlPkg, 'utf8')).version as string;
      cpSync(
        join(dirname(duckdbPkg), 'dist/duckdb-eh.wasm'),
        `${out}/duckdb-${duckdbVersion}-eh.wasm`
      );
      cpSync(join(dirname(sqlPkg), 'dist/sql-wasm.wasm'), `${out}/sql-${sqlVersion}.wasm`);
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
  worker: { format: 'es' },
  build: { target: 'es2022' },
  test: {
    include: ['tests/unit/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    pool: 'forks'
  }
});
