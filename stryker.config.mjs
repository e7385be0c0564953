// Mutation testing (`npm run test:mutation`, outside `npm test`): Stryker's vitest runner
// mutates the pure domain and the state worker and runs the unit tests against each mutant.
// Scope a run while iterating: `npm run test:mutation -- --mutate src/lib/domain/memory.ts`.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts', related: false },
  dryRunTimeoutMinutes: 20,
  plugins: ['@stryker-mutator/vitest-runner'],
  mutate: [
    'src/lib/domain/**/*.ts',
    'workers/services/state-service.ts',
    'workers/services/state/**/*.ts'
  ],
  coverageAnalysis: 'perTest',
  concurrency: 2,
  timeoutMS: 60_000,
  reporters: ['clear-text', 'progress', 'html'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  tempDirName: '.stryker-tmp',
  ignorePatterns: ['build', 'build-*', '.svelte-kit', 'static/vendor', 'test-results', 'reports'],
  thresholds: { high: 90, low: 85, break: null }
};
