/**
 * Import at `large` scale (data/generate.ts --scale large --seed 1: 306 MB of CSV, 7M rows),
 * per table and in all, from one run on the same files:
 *  - native: DuckDB's typed read_csv (@duckdb/node-api, the DuckDB version of duckdb-wasm 1.32),
 *    default threads and threads = 1 (the WASM build is single-threaded);
 *  - DuckDB-WASM in Node: `AnalyticsService.importCsv` in-process (persist: false);
 *  - DuckDB-WASM in headless Chromium: the BUILT analytics worker's `importCsv`, given the files
 *    as Blobs, the way Settings hands over a chosen `File` (read lazily, never copied whole).
 * Per-table WASM times are the importer's own (`elapsedMs`: read, checks, store); the total is
 * the whole call (file checks, cross-table checks and status included).
 * Then memory: peak RSS of the headless CLI (`data/triage.ts`: import + investigation) under
 * /usr/bin/time -v, against the CSV size.
 *
 *   npx tsx tests/bench/import.bench.ts      (npm run bench runs it after a build)
 */
import { execFileSync, execSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { join, resolve } from 'node:path';
import sirv from 'sirv';
import '../support/fake-idb-globals';
import { IDBFactory } from 'fake-indexeddb';
import { tableNames, type TableName } from '../../workers/contracts/tables';
import { AnalyticsService } from '../../workers/services/analytics-service';
import { createNodeBindings } from '../../workers/services/duckdb-node';
import { launchChromium, startBenchWorker } from './browser';
import { loadTyped, openNative } from './triage-scale-native';

const dataDir = process.env.BENCH_IMPORT_DATA ?? 'tests/bench/out/large-seed1';
const tables: TableName[] = [...tableNames];
const started = performance.now();
const log = (text: string) =>
  console.log(`  [${((performance.now() - started) / 1000).toFixed(0).padStart(3)} s] ${text}`);

if (!existsSync(join(dataDir, 'labels.json'))) {
  log(`generating large, seed 1 into ${dataDir} (about 25 s)`);
  execSync(`npx tsx data/generate.ts --scale large --seed 1 --out ${dataDir}`, {
    stdio: ['ignore', 'ignore', 'inherit']
  });
}
if (!existsSync('build/index.html'))
  execSync('npm run build', { stdio: ['ignore', 'ignore', 'inherit'] });
const sizes = Object.fromEntries(tables.map((t) => [t, statSync(join(dataDir, `${t}.csv`)).size]));
const csvBytes = Object.values(sizes).reduce((a, b) => a + b, 0);
const mb = (n: number) => `${(n / 1024 ** 2).toFixed(0)} MB`;

type Times = { perTable: Record<string, number>; total: number; cpu?: number };

/** CPU seconds (user + system) of this process's descendants named `name` (from /proc). */
function descendantCpu(name: string): number {
  const tick = 100; // USER_HZ
  const procs = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  const parent = new Map<number, number>();
  const cpu = new Map<number, number>();
  const comm = new Map<number, string>();
  for (const d of procs) {
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const fields = stat.slice(close + 2).split(' ');
      parent.set(Number(d), Number(fields[1]));
      cpu.set(Number(d), (Number(fields[11]) + Number(fields[12])) / tick);
      comm.set(Number(d), stat.slice(stat.indexOf('(') + 1, close));
    } catch {
      // Gone meanwhile.
    }
  }
  let total = 0;
  for (const [pid, seconds] of cpu) {
    if (!comm.get(pid)?.includes(name)) continue;
    for (let p = parent.get(pid); p !== undefined && p > 1; p = parent.get(p))
      if (p === process.pid) {
        total += seconds;
        break;
      }
  }
  return total;
}
const cpuNow = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

// ---- native typed read_csv -------------------------------------------------------------------
async function native(threads?: number): Promise<Times & { threads: number }> {
  const n = await openNative(threads);
  try {
    const perTable: Record<string, number> = {};
    const t0 = performance.now();
    const c0 = cpuNow();
    for (const t of tables) {
      const t1 = performance.now();
      await loadTyped(n.conn, dataDir, [t]);
      perTable[t] = performance.now() - t1;
    }
    return { perTable, total: performance.now() - t0, threads: n.threads, cpu: cpuNow() - c0 };
  } finally {
    n.close();
  }
}
const nativeD = await native();
log(`native threads=${nativeD.threads}: ${(nativeD.total / 1000).toFixed(2)} s`);
const native1 = await native(1);
log(`native threads=1: ${(native1.total / 1000).toFixed(2)} s`);

// ---- DuckDB-WASM in Node ---------------------------------------------------------------------
async function wasmNode(): Promise<Times & { problems: number }> {
  const service = new AnalyticsService({
    createBindings: () => createNodeBindings(),
    idb: new IDBFactory(),
    maxFileBytes: undefined
  });
  await service.init();
  const files = tables.map((t) => ({
    fileName: `${t}.csv`,
    data: new Uint8Array(readFileSync(join(dataDir, `${t}.csv`)))
  }));
  const t0 = performance.now();
  const c0 = cpuNow();
  const report = await service.importCsv({
    name: 'large',
    source: 'synthetic',
    files,
    persist: false
  });
  const total = performance.now() - t0;
  return {
    perTable: Object.fromEntries(report.tables.map((t) => [t.table, t.elapsedMs ?? NaN])),
    total,
    cpu: cpuNow() - c0,
    problems: report.problems.length
  };
}
const node = await wasmNode();
log(`WASM in Node: ${(node.total / 1000).toFixed(2)} s (${node.problems} problems listed)`);

// ---- DuckDB-WASM in headless Chromium --------------------------------------------------------
const workerChunk = readdirSync('build/_app/immutable/workers').find((f) =>
  /^analytics\.worker-.*\.js$/.test(f)
);
const wasmFile = readdirSync('build/vendor').find((f) => /^duckdb-.*-eh\.wasm$/.test(f));
if (!workerChunk || !wasmFile) throw new Error('no analytics worker or wasm in build/');
const site = sirv(resolve('build'), { dev: false, etag: true, extensions: ['html'] });
const server = createServer((req, res) => {
  const url = req.url ?? '/';
  if (url === '/__bench/blank.html') {
    res.setHeader('content-type', 'text/html');
    res.end('<!doctype html><title>bench</title>');
    return;
  }
  const data = /^\/__bench\/data\/([a-z_]+)\.csv$/.exec(url);
  if (data?.[1] && tables.includes(data[1] as TableName)) {
    res.setHeader('content-type', 'text/csv');
    res.end(readFileSync(join(dataDir, `${data[1]}.csv`)));
    return;
  }
  site(req, res, () => {
    res.statusCode = 404;
    res.end('Not found');
  });
});
await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
const address = server.address();
if (typeof address !== 'object' || address === null) throw new Error('no server address');
const origin = `http://127.0.0.1:${address.port}`;
const browser = await launchChromium();
let chromium: Times & { problems: number; duckdbBytes: number };
try {
  const page = await browser.newPage();
  await page.addInitScript({ content: 'globalThis.__name = (f) => f;' });
  await page.goto(`${origin}/__bench/blank.html`);
  await startBenchWorker(page, `${origin}/_app/immutable/workers/${workerChunk}`);
  // Blobs, as a file picker gives them (fetched before the clock and the CPU count start).
  await page.evaluate(
    async ({ wasmUrl, names }) => {
      const g = globalThis as unknown as {
        benchCall: (n: string, ...a: unknown[]) => unknown;
        benchFiles: unknown;
      };
      await g.benchCall('init', { wasmUrl });
      g.benchFiles = await Promise.all(
        names.map(async (n) => ({
          fileName: `${n}.csv`,
          data: await (await fetch(`/__bench/data/${n}.csv`)).blob()
        }))
      );
    },
    { wasmUrl: `${origin}/vendor/${wasmFile}`, names: tables }
  );
  const c0 = descendantCpu('chrom');
  const result = await page.evaluate(async () => {
    const g = globalThis as unknown as {
      benchCall: (n: string, ...a: unknown[]) => unknown;
      benchFiles: unknown;
    };
    const t0 = performance.now();
    const report = (await g.benchCall('importCsv', {
      name: 'large',
      source: 'synthetic',
      files: g.benchFiles,
      persist: false
    })) as { tables: { table: string; elapsedMs?: number }[]; problems: unknown[] };
    const total = performance.now() - t0;
    // What the loaded tables take in DuckDB's memory: decides how much one import can hold.
    const memory = (await g.benchCall(
      'query',
      'SELECT sum(memory_usage_bytes)::DOUBLE AS b FROM duckdb_memory()'
    )) as { rows: { b: number }[] };
    return {
      total,
      perTable: Object.fromEntries(report.tables.map((t) => [t.table, t.elapsedMs ?? NaN])),
      problems: report.problems.length,
      duckdbBytes: memory.rows[0]?.b ?? NaN
    };
  });
  const cpu = descendantCpu('chrom') - c0;
  chromium = { ...result, cpu };
  log(
    `WASM in Chromium ${browser.version()}: ${(chromium.total / 1000).toFixed(2)} s; DuckDB memory after import ${mb(chromium.duckdbBytes)} (${(chromium.duckdbBytes / csvBytes).toFixed(2)}× the CSV)`
  );
} finally {
  await browser.close();
  server.close();
}

// ---- memory: the headless CLI, import + investigation ------------------------------------------
let peakRss = NaN;
function measureRss(dir: string): number {
  const result = execFileSync(
    'bash',
    [
      '-c',
      `/usr/bin/time -v npx tsx data/triage.ts --data ${dir} --out /tmp/opsiq-bench-cases.json 2>&1 >/dev/null | grep 'Maximum resident'`
    ],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }
  );
  return Number(/(\d+)/.exec(result)?.[1] ?? NaN) * 1024;
}
// The same CLI on the 40 KB demo: what Node, tsx, DuckDB-WASM's compiled code and sql.js take
// before any data (a floor no import can go under).
let floorRss = NaN;
if (existsSync('/usr/bin/time')) {
  peakRss = measureRss(dataDir);
  floorRss = measureRss('data/demo');
}
log(`headless import + run: peak RSS ${mb(peakRss)}; on the demo ${mb(floorRss)}`);

// ---- table ---------------------------------------------------------------------------------------
const s = (ms: number) => (ms / 1000).toFixed(2).padStart(7);
const r = (a: number, b: number) => `${(a / b).toFixed(2)}×`.padStart(7);
console.log(
  `\nimport of ${dataDir} (${mb(csvBytes)} CSV), seconds; ratios = WASM ÷ native (default threads = ${nativeD.threads}, and threads = 1)`
);
console.log(
  `${'table'.padEnd(15)}${'MB'.padStart(6)}${'native'.padStart(8)}${'nat. t1'.padStart(8)}${'node'.padStart(8)}${'chrome'.padStart(8)}${'chr/nat'.padStart(8)}${'chr/t1'.padStart(8)}${'node/nat'.padStart(9)}`
);
for (const t of tables) {
  const n = nativeD.perTable[t]!;
  const n1 = native1.perTable[t]!;
  const c = chromium.perTable[t] ?? NaN;
  const w = node.perTable[t] ?? NaN;
  console.log(
    `${t.padEnd(15)}${(sizes[t]! / 1024 ** 2).toFixed(0).padStart(6)} ${s(n)} ${s(n1)} ${s(w)} ${s(c)} ${r(c, n)} ${r(c, n1)} ${r(w, n)}`
  );
}
console.log(
  `${'total (call)'.padEnd(15)}${(csvBytes / 1024 ** 2).toFixed(0).padStart(6)} ${s(nativeD.total)} ${s(native1.total)} ${s(node.total)} ${s(chromium.total)} ${r(chromium.total, nativeD.total)} ${r(chromium.total, native1.total)} ${r(node.total, nativeD.total)}`
);
const c = (t: Times) => (t.cpu ?? NaN).toFixed(1);
console.log(
  `CPU seconds (user + system; a fairer comparison on a shared machine, where wall time depends on the other jobs): native ${c(nativeD)} (threads=${nativeD.threads}), native t1 ${c(native1)}, node ${c(node)}, chrome ${c(chromium)} (all its processes) = ${((chromium.cpu ?? NaN) / (native1.cpu ?? NaN)).toFixed(2)}× native t1, ${((chromium.cpu ?? NaN) / (nativeD.cpu ?? NaN)).toFixed(2)}× native`
);
console.log(
  `headless peak memory (data/triage.ts: import + investigation, /usr/bin/time -v max RSS): ${mb(peakRss)} = ${(peakRss / csvBytes).toFixed(2)}× the CSV size (target ≤ 2×); the same CLI on the demo peaks at ${mb(floorRss)}, so the data's own share is ${mb(peakRss - floorRss)} = ${((peakRss - floorRss) / csvBytes).toFixed(2)}×`
);
