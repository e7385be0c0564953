/**
 * `npm run bench`: builds the site, then runs every benchmark in turn and prints its figures.
 * Benchmarks are not tests: they print numbers for the notes and never fail on a threshold.
 */
import { execSync } from 'node:child_process';

const benches = [
  'tests/bench/startup.bench.ts',
  'tests/bench/state-durability-chromium.bench.ts',
  'tests/bench/state-durability.bench.ts',
  'tests/bench/verdict-scale.bench.ts',
  'tests/bench/dataset-persistence.bench.ts',
  'tests/bench/triage-scale.bench.ts',
  'tests/bench/import.bench.ts',
  'tests/bench/click-to-cases.bench.ts',
  'tests/bench/learning.bench.ts'
];

const only = process.argv.slice(2);
execSync('npm run build', { stdio: ['ignore', 'ignore', 'inherit'] });
for (const bench of benches) {
  if (only.length > 0 && !only.some((o) => bench.includes(o))) continue;
  console.log(`\n== ${bench}`);
  execSync(`npx tsx ${bench}`, { stdio: 'inherit' });
}
