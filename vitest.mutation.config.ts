import { defineConfig } from 'vitest/config';
import base from './vite.config';

/**
 * The unit tests Stryker runs against each mutant (`npm run test:mutation`): those of the pure
 * domain and of the state worker. The DuckDB-heavy importer, generator and detector suites are left out
 * (they do not cover these files and would make every mutant run minutes long).
 */
// Spread, not mergeConfig: mergeConfig would append to the base `include` instead of replacing it.
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: ['tests/unit/domain/**/*.test.ts', 'tests/unit/state/**/*.test.ts'],
    // detectors.test.ts runs DuckDB (its SQL is not mutated here); the page-side suites
    // do not cover these files.
    exclude: [
      'tests/unit/domain/detectors.test.ts',
      'tests/unit/state/state-classes.test.ts',
      'tests/unit/state/worker-client.test.ts'
    ]
  }
});
