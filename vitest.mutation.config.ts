import { defineConfig } from 'vitest/config';
import base from './vite.config';

/**
 * The unit tests Stryker runs against each mutant. Two scopes, so that a mutant in a module's
 * top level (a "static" mutant, which every test must re-run) costs seconds, not minutes:
 * - `npm run test:mutation` (domain): the pure domain suites and the detector suite (real
 *   DuckDB-WASM, a few seconds), the analyst's SQL guard;
 * - `npm run test:mutation:state` (state): the state worker's suites (sql.js + IndexedDB).
 * The page-side suites (state classes, worker client) cover neither.
 */
const scope = process.env.OPSIQ_MUTATION_SCOPE === 'state' ? 'state' : 'domain';
// OPSIQ_MUTATION_SUITES=pure leaves out the DuckDB suites: a static mutant then costs a second,
// and the score can only be lower (fewer tests kill fewer mutants) — for files they do not cover.
const pure = process.env.OPSIQ_MUTATION_SUITES === 'pure';
const include =
  scope === 'state'
    ? ['tests/unit/state/**/*.test.ts']
    : pure
      ? ['tests/unit/domain/**/*.test.ts']
      : ['tests/unit/domain/**/*.test.ts', 'tests/unit/analyst/safety.test.ts'];
const duckdbSuites = pure ? ['tests/unit/domain/detectors.test.ts'] : [];

// The vendor-assets plugin rewrites static/vendor when the config loads: with two Stryker
// runners loading it at once they race (EEXIST), and these suites need no vendored file.
const plugins = (base.plugins ?? []).filter(
  (p) => !(p && typeof p === 'object' && 'name' in p && p.name === 'opsiq-vendor-assets')
);

// Spread, not mergeConfig: mergeConfig would append to the base `include` instead of replacing it.
export default defineConfig({
  ...base,
  plugins,
  define: { __DUCKDB_WASM__: '"vendor/duckdb.wasm"', __SQLJS_WASM__: '"vendor/sql.wasm"' },
  test: {
    ...base.test,
    include,
    exclude: [
      'tests/unit/state/state-classes.test.ts',
      'tests/unit/state/worker-client.test.ts',
      ...duckdbSuites
    ]
  }
});
