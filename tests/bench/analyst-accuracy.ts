/**
 * Accuracy of the no-key analyst on the question bank (tests/support/analyst-bank.ts), by kind,
 * over generated datasets at several seeds, scales and as-of dates, plus answer latency.
 *
 *   npm run bench:analyst [-- --scale small --seeds 1,2 --verbose]
 */
import '../support/fake-idb-globals';
import { IDBFactory } from 'fake-indexeddb';
import { parseArgs } from 'node:util';
import { generateDataset } from '../../data/generator/index';
import { ask, loadProfile } from '../../src/lib/agents/analyst';
import { AnalystSandbox } from '../../workers/services/analyst-sandbox';
import { AnalyticsService } from '../../workers/services/analytics-service';
import { createNodeBindings } from '../../workers/services/duckdb-node';
import { buildBank, isRight, parseCsv, type Tables } from '../support/analyst-bank';

const { values } = parseArgs({
  options: {
    scale: { type: 'string', default: 'small' },
    seeds: { type: 'string', default: '1,2,3' },
    'as-of': { type: 'string', multiple: true },
    verbose: { type: 'boolean', default: false }
  }
});
const seeds = (values.seeds ?? '1').split(',').map(Number);
const asOfs = values['as-of'] ?? ['', '2025-11-14'];
const byKind = new Map<string, { right: number; total: number }>();
let right = 0;
let total = 0;
const latencies: number[] = [];
for (const seed of seeds) {
  for (const asOf of asOfs) {
    const data = await generateDataset({
      scale: values.scale as 'small',
      seed,
      ...(asOf ? { asOf } : {})
    });
    const tables: Tables = Object.fromEntries(
      data.files.map((f) => [f.fileName.replace('.csv', ''), parseCsv(f.data)])
    );
    const service = new AnalyticsService({
      createBindings: () => createNodeBindings(),
      idb: new IDBFactory(),
      maxFileBytes: undefined
    });
    const report = await service.importCsv({
      name: `s${seed}`,
      source: 'synthetic',
      files: data.files,
      persist: false
    });
    const sandbox = await AnalystSandbox.fromService(service, () => createNodeBindings());
    const profile = await loadProfile(sandbox, report.status);
    const bank = buildBank(tables, report.status.asOf as string, seed);
    for (const c of bank) {
      const started = performance.now();
      const a = await ask(c.question, { engine: sandbox, profile });
      latencies.push(performance.now() - started);
      const ok = isRight(c.expected, a.answer);
      const k = byKind.get(c.kind) ?? { right: 0, total: 0 };
      k.total++;
      total++;
      if (ok) {
        k.right++;
        right++;
      } else if (values.verbose)
        console.log(
          `✗ [${c.kind}] ${c.question}\n   expected ${JSON.stringify(c.expected)}\n   got ${JSON.stringify(a.answer)}\n   read: ${a.reading}`
        );
      byKind.set(c.kind, k);
    }
    sandbox.close();
  }
}
latencies.sort((a, b) => a - b);
console.log(
  `scale ${values.scale}, seeds ${seeds.join(',')}, as-of ${asOfs.map((a) => a || 'default').join(', ')}`
);
for (const [kind, k] of [...byKind].sort())
  console.log(
    `${kind.padEnd(20)} ${k.right}/${k.total}  ${((100 * k.right) / k.total).toFixed(1)} %`
  );
console.log(`TOTAL                ${right}/${total}  ${((100 * right) / total).toFixed(1)} %`);
console.log(
  `latency median ${latencies[Math.floor(latencies.length / 2)]?.toFixed(0)} ms, p95 ${latencies[Math.floor(latencies.length * 0.95)]?.toFixed(0)} ms`
);
