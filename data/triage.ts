/**
 * Headless triage: the same pipeline as the app's "Run Autonomous Investigation", in Node, over
 * the same engines (DuckDB-WASM's Node build, sql.js over fake-indexeddb), writing the case export.
 *
 *   npx tsx data/triage.ts --data data/demo --out cases.json [--csv cases.csv] [--memory memory.json]
 *     [--llm-base-url URL --llm-model MODEL]   (the key from OPSIQ_LLM_API_KEY, never an argument)
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
import { describeMapping } from '../src/lib/domain/mapping/describe';
import { parseMappingFile, type MappingFile } from '../src/lib/domain/mapping/mapping-file';
import { memorySchema } from '../src/lib/domain/memory';
import { AnalyticsService } from '../workers/services/analytics-service';
import {
  adoptMemory,
  applyFeedback,
  loadWorkspace,
  readFeedbackFile,
  saveWorkspace,
  type FeedbackItem
} from './headless-learning';
import {
  createNodeBindings,
  nodeFileBlob,
  registerNodeFile
} from '../workers/services/duckdb-node';
import { StateService } from '../workers/services/state-service';
import { headlessLlmSession } from './triage-llm';

const { values } = parseArgs({
  options: {
    data: { type: 'string' },
    out: { type: 'string' },
    csv: { type: 'string' },
    memory: { type: 'string' },
    'llm-base-url': { type: 'string' },
    'llm-model': { type: 'string' },
    workspace: { type: 'string' },
    feedback: { type: 'string' },
    mapping: { type: 'string', multiple: true },
    help: { type: 'boolean', default: false }
  }
});
const usage =
  'usage: tsx data/triage.ts --data <dir of CSVs> --out cases.json [--csv cases.csv] [--memory memory.json] [--workspace state.sqlite] [--feedback verdicts.json] [--mapping mapping.json ...]';
const STATE_DB = 'opsiq-headless';
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
if (files.length === 0) {
  log(`no CSV files in ${dir}: expected customers.csv, invoices.csv, refunds.csv, ...`);
  process.exit(2);
}
let feedbackItems: FeedbackItem[] = [];
if (values.feedback) {
  try {
    feedbackItems = readFeedbackFile(values.feedback);
  } catch (error) {
    log(error instanceof Error ? error.message : String(error));
    process.exit(2);
  }
}
// Saved column mappings (from the mapping screen's "Export mapping"), for exports whose headers
// are not OpsIQ's; a Stripe export needs none.
const mappings: MappingFile[] = [];
for (const path of values.mapping ?? []) {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    log(`cannot read mapping ${path}: ${String(error)}`);
    process.exit(2);
  }
  const parsed = parseMappingFile(text);
  if ('error' in parsed) {
    log(`${path}: ${parsed.error}`);
    process.exit(2);
  }
  mappings.push(parsed);
}
let memory = memorySchema.parse(
  values.memory ? JSON.parse(readFileSync(values.memory, 'utf8')) : {}
);

// The state worker's globals, from fake-indexeddb (as in the unit tests).
globalThis.IDBKeyRange ??= IDBKeyRange as unknown as typeof globalThis.IDBKeyRange;
const require = createRequire(import.meta.url);
const tails = new Map<string, Promise<unknown>>();
const stateIdb = new IDBFactory();
const state = new StateService({
  loadSqlJs: () => initSqlJs({ locateFile: () => require.resolve('sql.js/dist/sql-wasm.wasm') }),
  idb: stateIdb,
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
  dbName: STATE_DB,
  tuning: { checkpointIdleMs: 60_000, maxWalRecords: 1_000_000, pollMs: 60_000 }
});
const analytics = new AnalyticsService({
  createBindings: () => createNodeBindings(),
  idb: new IDBFactory(),
  maxFileBytes: undefined,
  registerContent: registerNodeFile
});

let report: Awaited<ReturnType<typeof analytics.importCsv>>;
try {
  report = await analytics.importCsv({
    name: dir,
    source: 'upload',
    files,
    persist: false,
    mappings
  });
} catch (error) {
  // One line: what is wrong and where (the importer names the file and the reason).
  log(`cannot load ${dir}: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(2);
}
if (report.tables.every((t) => t.rowsLoaded === 0)) {
  log(
    `no billing table in ${dir}: ${files.map((f) => f.fileName).join(', ')} ${files.length === 1 ? 'is' : 'are'} not customers, subscriptions, invoices, payments, refunds, usage_events or signal_events (or hold no rows)`
  );
  process.exit(2);
}
for (const line of describeMapping(report.mapped ?? [])) log(line);
for (const t of report.tables)
  log(`${t.table}: ${t.rowsLoaded} rows${t.rowsRejected ? `, ${t.rowsRejected} rejected` : ''}`);
for (const p of report.problems.slice(0, 10)) log(`  ${p.file}:${p.line ?? ''} ${p.reason}`);
if (values.workspace && (await loadWorkspace(stateIdb, STATE_DB, values.workspace)))
  log(`workspace ${values.workspace}: loaded`);
await state.open();
const llm = headlessLlmSession(values['llm-base-url'], values['llm-model'], log);
let decisions: Map<string, 'approved' | 'rejected'> | undefined;
if (values.workspace && values.memory) {
  // With a workspace, --memory is the workspace's memory from now on (a person's edit).
  const set = await adoptMemory(state, memory, `memory set from ${values.memory}`, systemClock.now);
  log(`memory from ${values.memory}: ${set.length} setting${set.length === 1 ? '' : 's'} changed`);
  for (const c of set) log(`  ${c.key}: ${String(c.old)} → ${String(c.new)}`);
}
if (values.workspace || values.feedback) {
  // The workspace's memory and standing verdicts, after the feedback file (without a
  // workspace, --memory overrides).
  const learned = await applyFeedback(state, feedbackItems, systemClock.now);
  for (const a of learned.applied) {
    log(`feedback ${a.key}: ${a.verdict}`);
    for (const c of a.changes) log(`  ${c.key}: ${String(c.old)} → ${String(c.new)}`);
    for (const r of a.refused) log(`  refused: ${r}`);
  }
  for (const k of learned.unknown)
    log(`feedback ${k}: no case with this key in the last run, not applied`);
  if (!values.memory || values.workspace) memory = learned.memory;
  decisions = learned.decisions;
  log(`memory version ${memory.version}`);
}
const result = await runInvestigation(
  { analytics, state, clock: systemClock, orchestrator: undefined, ...(llm ? { llm } : {}) },
  {
    memory,
    decisions,
    runId: undefined,
    onProgress: ({ step, fraction }) => log(`[${Math.round(fraction * 100)}%] ${step}`)
  }
);
writeFileSync(values.out, toExportJson(result.cases));
if (values.csv) writeFileSync(values.csv, toExportCsv(result.cases));
for (const s of result.skipped) log(`skipped ${s.detector}: ${s.reason}`);
log(result.summary);
if (llm) for (const r of llm.reasoning) log(`${r.step}: ${r.by} decided. ${r.reason}`);
if (llm) log(`${llm.calls.length} model calls, ${llm.tokens} tokens`);
log(`${result.cases.length} cases → ${values.out}`);
if (values.workspace) {
  await saveWorkspace(state, stateIdb, STATE_DB, values.workspace);
  log(`workspace ${values.workspace}: saved`);
}
await state.close();
