// Mutation testing (`npm run test:mutation`, outside `npm test`): Stryker's vitest runner
// mutates the pure domain and the state worker and runs the unit tests against each mutant.
// Two scopes (vitest.mutation.config.ts picks the suites): `npm run test:mutation` mutates
// src/lib/domain against the domain suites; `npm run test:mutation:state` (OPSIQ_MUTATION_SCOPE
// =state) mutates the state worker against its suites. Scope a run while iterating:
// `npm run test:mutation -- --mutate src/lib/domain/memory.ts`.
const state = process.env.OPSIQ_MUTATION_SCOPE === 'state';
// Reports and the incremental file are named by scope, or by OPSIQ_MUTATION_REPORT for a
// partial run (e.g. one directory), so partial runs keep their results apart.
const report = process.env.OPSIQ_MUTATION_REPORT ?? (state ? 'state' : 'domain');
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts', related: false },
  dryRunTimeoutMinutes: 20,
  plugins: ['@stryker-mutator/vitest-runner'],
  mutate: state
    ? ['workers/services/state-service.ts', 'workers/services/state/**/*.ts']
    : ['src/lib/domain/**/*.ts'],
  coverageAnalysis: 'perTest',
  concurrency: 2,
  timeoutMS: 60_000,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: `reports/mutation/${report}.html` },
  jsonReporter: { fileName: `reports/mutation/${report}.json` },
  // Re-runs only mutants whose code or tests changed (the file is under the ignored reports/).
  incrementalFile: `reports/stryker-incremental-${report}.json`,
  tempDirName: '.stryker-tmp',
  ignorePatterns: ['build', 'build-*', '.svelte-kit', 'static/vendor', 'test-results', 'reports'],
  thresholds: { high: 90, low: 85, break: null }
};
