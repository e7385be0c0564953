/**
 * Triage at `large` scale (data/generate.ts --scale large --seed 1: 1.15M invoices, 200k
 * refunds, 2.2M usage events): native DuckDB (@duckdb/node-api, the DuckDB version of
 * duckdb-wasm 1.32) against the BUILT analytics worker (DuckDB-WASM) in headless Chromium, in
 * one run, on the same CSV files and the same detector SQL.
 *
 *   npx tsx tests/bench/triage-scale.bench.ts      (npm run bench runs it after a build)
 *
 * Load: each engine's own path. WASM = the worker's `importCsv` (persist: false), timed in the
 * page from the call to its reply: structured clone of the file bytes to the worker, file
 * checks, DuckDB's VARCHAR read, row checks, typed cast, dataset status. Native = DuckDB's typed
 * read_csv from disk (default threads and threads=1), and the importer's own SQL at threads=1
 * (see triage-scale-native.ts). One run each. The detectors then read those tables.
 *
 * Detectors: each detector's SQL exactly as the app builds it (default memory, the dataset's
 * as-of date), every row read back as JSON. WASM through the worker's `queryWithParams`, timed
 * in the page (Comlink round trip included); native through `runAndReadAll`. One warm-up, then
 * best of 3; the engines take turns within each round so background load hits them alike.
 * Native runs with its default threads and with threads = 1 (the WASM eh bundle is
 * single-threaded), one instance each. BENCH_TRIAGE_SKIP_EVENTS=1 leaves usage_events and signal_events out of both
 * engines (no detector reads them).
 */
import { execSync } from 'node:child_process';
import { createReadStream, existsSync, readdirSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { availableParallelism, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import sirv from 'sirv';
import { detectors } from '../../src/lib/domain/detectors';
import type { DetectorContext } from '../../src/lib/domain/detectors/types';
import { defaultMemoryValues } from '../../src/lib/domain/memory';
import { tableNames, type TableName } from '../../workers/contracts/tables';
import { launchChromium, startBenchWorker } from './browser';
import {
  datasetShape,
  loadLikeApp,
  loadTyped,
  openNative,
  queryJson,
  type Native
} from './triage-scale-native';

const dataDir = 'tests/bench/out/large-seed1';
const skipEvents = process.env.BENCH_TRIAGE_SKIP_EVENTS === '1';
const tables: TableName[] = tableNames.filter(
  (t) => !skipEvents || (t !== 'usage_events' && t !== 'signal_events')
);
const ROUNDS = 3;
const started = performance.now();
const loadAtStart = loadavg()[0]!;
const log = (text: string) =>
  console.log(`  [${((performance.now() - started) / 1000).toFixed(0).padStart(3)} s] ${text}`);

// ---- data and build ------------------------------------------------------------------------
if (!existsSync(join(dataDir, 'labels.json'))) {
  log(`generating large, seed 1 into ${dataDir} (about 25 s)`);
  execSync(`npx tsx data/generate.ts --scale large --seed 1 --out ${dataDir}`, {
    stdio: ['ignore', 'ignore', 'inherit']
  });
}
if (!existsSync('build/index.html')) {
  log('no build/: npm run build');
  execSync('npm run build', { stdio: ['ignore', 'ignore', 'inherit'] });
}
const workerChunk = readdirSync('build/_app/immutable/workers').find((f) =>
  /^analytics\.worker-.*\.js$/.test(f)
);
if (!workerChunk) throw new Error('no analytics worker chunk in build/_app/immutable/workers');
const wasmFile = readdirSync('build/vendor').find((f) => /^duckdb-.*-eh\.wasm$/.test(f));
if (!wasmFile) throw new Error('no duckdb eh wasm in build/vendor');
const csvBytes = tables.reduce((n, t) => n + statSync(join(dataDir, `${t}.csv`)).size, 0);

// ---- native: load ---------------------------------------------------------------------------
interface Times {
  nativeDefault: number;
  native1: number;
  wasm: number;
}
// One instance per thread setting (switching `threads` between queries slows the next one).
const nativeD: Native = await openNative();
const native1: Native = await openNative(1);
const nd = nativeD.threads;
const loads = { typed: { d: NaN, one: NaN }, app: NaN };
for (const [native, key] of [
  [nativeD, 'd'],
  [native1, 'one']
] as const) {
  const t0 = performance.now();
  await loadTyped(native.conn, dataDir, tables);
  loads.typed[key] = performance.now() - t0;
  log(`native threads=${native.threads}: typed read_csv ${(loads.typed[key] / 1000).toFixed(1)} s`);
}
// The importer's SQL once, single-threaded like the worker (about 25 s). It replaces the
// threads=1 tables with the same rows in the same order.
{
  const t0 = performance.now();
  await loadLikeApp(native1.conn, dataDir, tables);
  loads.app = performance.now() - t0;
  log(`native threads=1: importer SQL ${(loads.app / 1000).toFixed(1)} s`);
}
const shape = await datasetShape(native1.conn, tables);
const ctx: DetectorContext = {
  asOf: shape.asOf,
  memory: defaultMemoryValues(),
  columns: shape.columns
};
const queries = detectors.map((d) => ({ type: d.type, ...d.build(ctx) }));

// ---- Chromium: the built worker, files served beside the build -----------------------------
const site = sirv(resolve('build'), { dev: false, etag: true, extensions: ['html'] });
const server = createServer((req, res) => {
  const url = req.url ?? '/';
  if (url === '/__bench/blank.html') {
    res.setHeader('content-type', 'text/html');
    res.end('<!doctype html><title>bench</title>');
    return;
  }
  const data = /^\/__bench\/data\/([a-z_]+\.csv)$/.exec(url);
  if (data?.[1] && tables.includes(data[1].replace(/\.csv$/, '') as TableName)) {
    const path = join(dataDir, data[1]);
    res.setHeader('content-type', 'text/csv');
    res.setHeader('content-length', statSync(path).size);
    createReadStream(path).pipe(res);
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
type Outcome = { ms: number; rows: number; firstColumn: string } | { error: string };
try {
  const page = await browser.newPage();
  // tsx (esbuild keepNames) wraps named functions in __name(); the page needs it defined.
  await page.addInitScript({ content: 'globalThis.__name = (f) => f;' });
  // A blank page of the site's origin: the app itself would start a worker of its own.
  await page.goto(`${origin}/__bench/blank.html`);
  await startBenchWorker(page, `${origin}/_app/immutable/workers/${workerChunk}`);
  const init = await page.evaluate(async (wasmUrl) => {
    const call = (globalThis as unknown as { benchCall: (n: string, ...a: unknown[]) => unknown })
      .benchCall;
    return (await call('init', { wasmUrl })) as { duckdbVersion: string };
  }, `${origin}/vendor/${wasmFile}`);
  log(`Chromium ${browser.version()}, worker DuckDB ${init.duckdbVersion}; importing`);

  const imported = await page.evaluate(async (names: string[]) => {
    const call = (globalThis as unknown as { benchCall: (n: string, ...a: unknown[]) => unknown })
      .benchCall;
    // Fetching the files is not timed: the app gets them from a file picker or the generator.
    const files = await Promise.all(
      names.map(async (n) => ({
        fileName: `${n}.csv`,
        data: new Uint8Array(await (await fetch(`/__bench/data/${n}.csv`)).arrayBuffer())
      }))
    );
    const t0 = performance.now();
    try {
      const report = (await call('importCsv', {
        name: 'large seed 1',
        source: 'synthetic',
        files,
        persist: false
      })) as {
        status: { asOf: string | null; tables: { name: string; rowCount: number }[] };
        problems: unknown[];
      };
      return { ms: performance.now() - t0, status: report.status, problems: report.problems };
    } catch (error) {
      return { error: String(error) };
    }
  }, tables);
  if ('error' in imported) throw new Error(`WASM import failed: ${imported.error}`);
  log(`WASM importCsv ${(imported.ms / 1000).toFixed(1)} s`);
  const checks: string[] = [];
  if (imported.status.asOf !== shape.asOf)
    checks.push(`as-of differs: WASM ${imported.status.asOf}, native ${shape.asOf}`);
  for (const [i, name] of tables.entries()) {
    const wasmRows = imported.status.tables.find((t) => t.name === name)?.rowCount;
    if (wasmRows !== shape.rows[i])
      checks.push(`${name}: WASM ${wasmRows} rows, native ${shape.rows[i]}`);
  }
  if (imported.problems.length > 0)
    checks.push(`WASM import problems: ${imported.problems.length}`);

  const wasmQuery = (q: { sql: string; params: unknown[] }) =>
    page.evaluate(async ({ sql, params }): Promise<Outcome> => {
      const call = (globalThis as unknown as { benchCall: (n: string, ...a: unknown[]) => unknown })
        .benchCall;
      const t0 = performance.now();
      try {
        const result = (await call('queryWithParams', sql, params)) as {
          columns: { name: string }[];
          rows: Record<string, unknown>[];
        };
        const ms = performance.now() - t0;
        const first = result.columns[0]?.name ?? '';
        return {
          ms,
          rows: result.rows.length,
          firstColumn: result.rows.map((r) => String(r[first])).join(',')
        };
      } catch (error) {
        return { error: error instanceof Error ? error.message : String(error) };
      }
    }, q);
  const nativeQuery = async (
    native: Native,
    q: { sql: string; params: (string | number | boolean | null)[] }
  ): Promise<Outcome> => {
    const t0 = performance.now();
    try {
      const rows = await queryJson(native.conn, q.sql, q.params);
      const ms = performance.now() - t0;
      const first = Object.keys(rows[0] ?? {})[0] ?? '';
      return { ms, rows: rows.length, firstColumn: rows.map((r) => String(r[first])).join(',') };
    } catch (error) {
      return { error: error instanceof Error ? error.message : String(error) };
    }
  };

  // ---- detectors, engines taking turns ------------------------------------------------------
  const results = new Map<string, { times: Times; rows: number }>();
  const errorsOf = new Map<string, string>();
  const best = (outcomes: Outcome[], label: string): number => {
    const failed = outcomes.find((o) => 'error' in o);
    if (failed && 'error' in failed) {
      errorsOf.set(label, failed.error);
      return NaN;
    }
    return Math.min(...outcomes.map((o) => ('ms' in o ? o.ms : NaN)));
  };
  for (const q of queries) {
    const runs = { d: [] as Outcome[], one: [] as Outcome[], wasm: [] as Outcome[] };
    for (let round = 0; round <= ROUNDS; round++) {
      const d = await nativeQuery(nativeD, q);
      const one = await nativeQuery(native1, q);
      const wasm = await wasmQuery(q);
      const failed = [d, one, wasm].some((o) => 'error' in o);
      if (round === 0) {
        // The warm-up also checks that the engines return the same findings.
        for (const [label, o] of [
          ['native', d],
          ['native-1t', one],
          ['WASM', wasm]
        ] as const) {
          if ('error' in o) log(`${q.type}: ${label} failed: ${o.error}`);
          else if ('rows' in d && o.firstColumn !== d.firstColumn)
            checks.push(`${q.type}: ${label} ${o.rows} rows, native ${d.rows}: findings differ`);
        }
      }
      if (round > 0 || failed) {
        runs.d.push(d);
        runs.one.push(one);
        runs.wasm.push(wasm);
      }
      if (failed) break;
    }
    const rows = runs.d.find((o): o is Extract<Outcome, { rows: number }> => 'rows' in o)?.rows;
    results.set(q.type, {
      times: {
        nativeDefault: best(runs.d, `${q.type} native`),
        native1: best(runs.one, `${q.type} native-1t`),
        wasm: best(runs.wasm, `${q.type} WASM`)
      },
      rows: rows ?? 0
    });
    const t = results.get(q.type)!.times;
    log(
      `${q.type}: native ${t.nativeDefault.toFixed(0)} / ${t.native1.toFixed(0)} ms, WASM ${t.wasm.toFixed(0)} ms`
    );
  }

  // All five in sequence, as a triage runs them (warm from the rounds above).
  const all = { d: [] as number[], one: [] as number[], wasm: [] as number[] };
  const runnable = queries.filter((q) => !errorsOf.has(`${q.type} WASM`));
  for (let round = 0; round < ROUNDS; round++) {
    for (const [key, native] of [
      ['d', nativeD],
      ['one', native1]
    ] as const) {
      let total = 0;
      for (const q of runnable) {
        const o = await nativeQuery(native, q);
        total += 'ms' in o ? o.ms : NaN;
      }
      all[key].push(total);
    }
    const wasmTotal = await page.evaluate(async (qs) => {
      const call = (globalThis as unknown as { benchCall: (n: string, ...a: unknown[]) => unknown })
        .benchCall;
      const t0 = performance.now();
      for (const q of qs) await call('queryWithParams', q.sql, q.params);
      return performance.now() - t0;
    }, runnable);
    all.wasm.push(wasmTotal);
  }

  // ---- report ---------------------------------------------------------------------------------
  const ms = (n: number) => (Number.isFinite(n) ? `${n.toFixed(0)} ms` : '-');
  const ratio = (a: number, b: number) =>
    Number.isFinite(a) && Number.isFinite(b) ? `${(a / b).toFixed(2)}×` : '-';
  const rows: [string, number, number, number][] = [
    ['load: native typed read_csv', loads.typed.d, loads.typed.one, imported.ms],
    ['load: native importer SQL', NaN, loads.app, imported.ms],
    ...queries.map((q): [string, number, number, number] => {
      const r = results.get(q.type)!;
      return [`${q.type} (${r.rows} rows)`, r.times.nativeDefault, r.times.native1, r.times.wasm];
    }),
    [
      `all ${runnable.length} detectors`,
      Math.min(...all.d),
      Math.min(...all.one),
      Math.min(...all.wasm)
    ]
  ];
  const mb = (csvBytes / 1e6).toFixed(0);
  console.log(
    `\ntriage at large scale, seed 1: ${tables.length} tables, ${mb} MB of CSV` +
      `${skipEvents ? ' (usage_events and signal_events left out of both engines)' : ''}; as-of ${shape.asOf}`
  );
  console.log(
    `1-min load average: ${loadAtStart.toFixed(1)} at start, ${loadavg()[0]!.toFixed(1)} at the end, on ${availableParallelism()} CPUs (figures from a busy machine are noisy)`
  );
  console.log(
    `native: ${nativeD.version} (@duckdb/node-api, one in-memory instance per thread setting), default threads = ${nd}; WASM: DuckDB ${init.duckdbVersion} in the built worker, Chromium ${browser.version()}`
  );
  const header = [
    'step',
    `native (threads=${nd})`,
    'native (threads=1)',
    'WASM Chromium',
    'WASM/native-1t',
    `WASM/native-${nd}t`
  ];
  const table = rows.map(([step, d, one, wasm]) => [
    step,
    ms(d),
    ms(one),
    ms(wasm),
    ratio(wasm, one),
    ratio(wasm, d)
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  console.log(line(header));
  console.log(
    `|${widths.map((w, i) => (i === 0 ? '-' : '').padEnd(w + 1, '-') + (i === 0 ? '-' : ':')).join('|')}|`
  );
  for (const r of table) console.log(line(r));
  console.log(
    `load: one run each. WASM = importCsv in the worker (clone of ${mb} MB to the worker, file checks, VARCHAR read, row checks, typed cast, status; persist: false); ` +
      'native typed read_csv = DuckDB parsing straight into typed tables from disk, no checks; ' +
      'native importer SQL = the same VARCHAR read, row checks and typed cast as the worker runs.'
  );
  console.log(
    `detectors: SQL as the app builds it (default memory, as-of ${shape.asOf}), all rows read as JSON; one warm-up then best of ${ROUNDS}, engines taking turns. ` +
      'WASM timed in the page around queryWithParams (Comlink round trip, read-only transaction, JSON conversion).'
  );
  const allRow = rows[rows.length - 1]!;
  const worst = Math.max(...rows.slice(2).map(([, , one, wasm]) => wasm / one));
  console.log(
    `acceptance (detector SQL in the worker ≤ 3× native): all detectors ${ratio(allRow[3], allRow[2])} of native threads=1, ${ratio(allRow[3], allRow[1])} of native threads=${nd}; worst single detector ${worst.toFixed(2)}× of threads=1 → ${allRow[3] <= 3 * allRow[2] && worst <= 3 ? 'met' : 'NOT met'} (against threads=1)`
  );
  for (const [label, error] of errorsOf) console.log(`failed: ${label}: ${error}`);
  for (const c of checks) console.log(`check: ${c}`);
  if (checks.length === 0)
    console.log(
      'check: both engines loaded the same row counts and as-of date and returned the same findings'
    );
} finally {
  await browser.close();
  await new Promise<void>((ok) => server.close(() => ok()));
  nativeD.close();
  native1.close();
}
