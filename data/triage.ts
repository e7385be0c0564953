/**
 * Headless triage: the same pipeline as the app's "Run Autonomous Investigation", in Node, over
 * the same engines (DuckDB-WASM's Node build, sql.js over fake-indexeddb), writing the case export.
 *
 *   npx tsx data/triage.ts --data data/demo --out cases.json [--csv cases.csv] [--memory memory.json]
 *
 * The export is an array of cases (see src/lib/domain/export.ts); progress and the summary go
 * to stderr. Exit code 0 on a finished run, 2 on bad arguments or unreadable input.
 */
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import initSqlJs from 'sql.js';
import { runInvestigation } from '../src/lib/agents/investigation';
import { systemClock } from '../src/lib/agents/ports';
import { toExportCsv, toExportJson } from '../src/lib/domain/export';
import { memorySchema } from '../src/lib/domain/memory';
import { AnalyticsService } from '../workers/services/analytics-service';
import {
  createNodeBindings,
  nodeFileBlob,
  registerNodeFile
} from '../workers/services/duckdb-node';
import { StateService } from '../workers/services/state-service';

const { values } = parseArgs({
  options: {
    data: { type: 'string' },
    out: { type: 'string' },
    csv: { type: 'string' },
    memory: { type: 'string' },
    help: { type: 'boolean', default: false }
  }
});
const usage =
  'usage: tsx data/triage.ts --data <dir of CSVs> --out cases.json [--csv cases.csv] [--memory memory.json]';
const log = (line: string) => process.stderr.write(`${line}\n`);
if (values.help || !values.data || !values.out) {
  log(usage);
  process.exit(values.help ? 0 : 2);
}

const dir = values.data;
let files: { fileName: string; data: Blob }[];
try {
  // Blobs read from disk on demand (also by DuckDB): a large export is never held in memory.
  const names = readdirSync(dir)
    .filter((f) => f.toLowerCase().endsWith('.csv'))
    .sort();
  files = await Promise.all(
    names.map(async (fileName) => ({ fileName, data: await nodeFileBlob(join(dir, fileName)) }))
  );
} catch (error) {
  log(`cannot read ${dir}: ${String(error)}`);
  process.exit(2);
}
const memory = memorySchema.parse(
  values.memory ? JSON.parse(readFileSync(values.memory, 'utf8')) : {}
);

// The state worker's globals, from fake-indexeddb (as in the unit tests).
globalThis.IDBKeyRange ??= IDBKeyRange as unknown as typeof globalThis.IDBKeyRange;
const require = createRequire(import.meta.url);
const tails = new Map<string, Promise<unknown>>();
const state = new StateService({
  loadSqlJs: () => initSqlJs({ locateFile: () => require.resolve('sql.js/dist/sql-wasm.wasm') }),
  idb: new IDBFactory(),
  locks: {
    request<T>(name: string, callback: () => Promise<T>): Promise<T> {
      const run = (tails.get(name) ?? Promise.resolve()).then(callback, callback);
      tails.set(
        name,
        run.catch(() => undefined)
      );
      return run;
    }
  },
  channel: undefined,
  now: systemClock.now,
  dbName: 'opsiq-headless',
  tuning: { checkpointIdleMs: 60_000, maxWalRecords: 1_000_000, pollMs: 60_000 }
});
const analytics = new AnalyticsService({
  createBindings: () => createNodeBindings(),
  idb: new IDBFactory(),
  maxFileBytes: undefined,
  registerContent: registerNodeFile
});

const report = await analytics.importCsv({ name: dir, source: 'upload', files, persist: false });
for (const t of report.tables)
  log(`${t.table}: ${t.rowsLoaded} rows${t.rowsRejected ? `, ${t.rowsRejected} rejected` : ''}`);
for (const p of report.problems.slice(0, 10)) log(`  ${p.file}:${p.line ?? ''} ${p.reason}`);
await state.open();
const result = await runInvestigation(
  { analytics, state, clock: systemClock, orchestrator: undefined },
  {
    memory,
    runId: undefined,
    onProgress: ({ step, fraction }) => log(`[${Math.round(fraction * 100)}%] ${step}`)
  }
);
writeFileSync(values.out, toExportJson(result.cases));
if (values.csv) writeFileSync(values.csv, toExportCsv(result.cases));
for (const s of result.skipped) log(`skipped ${s.detector}: ${s.reason}`);
log(result.summary);
log(`${result.cases.length} cases → ${values.out}`);
await state.close();
