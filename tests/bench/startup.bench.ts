/**
 * Build sizes and start-up times of the built site in headless Chromium.
 * Initial JavaScript = the scripts index.html loads before hydration (entry + modulepreloads),
 * gzipped; the wasm files and the workers load lazily and are reported apart.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { serveStatic } from '../support/serve';
import type { Page } from '@playwright/test';
import { fmt, launchChromium, requireBuild } from './browser';

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
const mb = (n: number) => `${(n / 1024 / 1024).toFixed(2)} MB`;

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

function sizes(): void {
  const files = walk('build');
  const total = files.reduce((n, f) => n + statSync(f).size, 0);
  const gz = files.reduce((n, f) => n + gzipSync(readFileSync(f)).length, 0);
  console.log(`build/: ${files.length} files, ${mb(total)} raw, ${mb(gz)} gzipped`);
  for (const f of files.filter((f) => f.endsWith('.wasm'))) {
    const raw = readFileSync(f);
    console.log(`  ${f}: ${mb(raw.length)} raw, ${mb(gzipSync(raw).length)} gzipped`);
  }
  const workers = files.filter((f) => f.includes('/workers/') && f.endsWith('.js'));
  const workerGz = workers.reduce((n, f) => n + gzipSync(readFileSync(f)).length, 0);
  console.log(`  worker chunks: ${workers.length} files, ${kb(workerGz)} gzipped`);

  const html = readFileSync('build/index.html', 'utf8');
  const urls = new Set<string>();
  for (const m of html.matchAll(
    /<link[^>]*href="([^"]+)"[^>]*rel="modulepreload"|<link[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g
  ))
    urls.add((m[1] ?? m[2])!);
  for (const m of html.matchAll(/import\("([^"]+)"\)/g)) urls.add(m[1]!);
  let initial = 0;
  for (const url of urls) {
    const path = join('build', url.replace(/^\.?\//, '').replace(/^(\.\.\/)+/, ''));
    initial += gzipSync(readFileSync(path)).length;
  }
  const css = files.filter((f) => f.endsWith('.css'));
  const cssGz = css.reduce((n, f) => n + gzipSync(readFileSync(f)).length, 0);
  console.log(
    `initial JavaScript (${urls.size} files, no wasm/workers): ${kb(initial)} gzipped; CSS ${kb(cssGz)} gzipped`
  );
}

/** One start's phases, in ms (page timeline; the worker's marks shifted onto it). */
interface Phases {
  interactive: number;
  ready: number;
  serviceWorker: number;
  pageToUi: number;
  workerBoot: number;
  wasmFetch: number;
  compile: number;
  instantiate: number;
  duckdbOpen: number;
  engineToRestore: number;
  idbRead: number;
  arrowInsert: number;
}

const phaseLabels: [keyof Phases, string][] = [
  ['serviceWorker', 'service worker (navigation request → HTML)'],
  ['pageToUi', 'page scripts → usable UI'],
  ['workerBoot', 'analytics worker boot (spawn → module run)'],
  ['wasmFetch', 'wasm fetch (request → last byte)'],
  ['compile', 'wasm compile (streaming, overlaps the fetch)'],
  ['instantiate', 'wasm instantiate'],
  ['duckdbOpen', 'DuckDB runtime init + open (first wasm calls)'],
  ['engineToRestore', 'connect, settings → restore starts'],
  ['idbRead', 'IndexedDB read (meta + tables)'],
  ['arrowInsert', 'Arrow insert into DuckDB'],
  ['interactive', '= navigation → usable UI'],
  ['ready', '= navigation → dataset ready']
];

async function phasesOf(page: Page): Promise<Phases> {
  await page.getByTestId('as-of').waitFor({ timeout: 60_000 });
  const p = await page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
    const at = (name: string) => performance.getEntriesByName(name)[0]?.startTime ?? NaN;
    return {
      origin: performance.timeOrigin,
      workerStart: nav.workerStart,
      fetchStart: nav.fetchStart,
      responseEnd: nav.responseEnd,
      interactive: at('opsiq:interactive'),
      spawn: at('opsiq:worker:spawn'),
      ready: at('opsiq:dataset-ready')
    };
  });
  const worker = page.workers().find((w) => w.url().includes('analytics'));
  const w = worker
    ? await worker.evaluate(() => {
        // tsx's keepNames wraps named functions in __name(), which a worker lacks.
        (globalThis as { __name?: unknown }).__name ??= (f: unknown) => f;
        const at = (name: string) => performance.getEntriesByName(name)[0]?.startTime ?? NaN;
        const sum = (name: string) =>
          performance.getEntriesByName(name).reduce((n, e) => n + e.duration, 0);
        const wasm = performance
          .getEntriesByType('resource')
          .find((e) => e.name.endsWith('.wasm')) as PerformanceResourceTiming | undefined;
        const meta = performance.getEntriesByName('opsiq:restore:meta')[0];
        return {
          origin: performance.timeOrigin,
          boot: at('opsiq:worker:boot'),
          fetch: at('opsiq:wasm:fetch'),
          fetched: wasm?.responseEnd ?? NaN,
          compiled: at('opsiq:wasm:compiled'),
          instantiated: at('opsiq:wasm:instantiated'),
          opened: at('opsiq:duckdb:opened'),
          restore: meta?.startTime ?? NaN,
          meta: meta?.duration ?? 0,
          idb: sum('opsiq:restore:idb'),
          insert: sum('opsiq:restore:insert')
        };
      })
    : null;
  const shift = w ? w.origin - p.origin : NaN;
  const onPage = (t: number | undefined) => (t ?? NaN) + shift;
  return {
    interactive: p.interactive,
    ready: p.ready,
    serviceWorker: p.workerStart > 0 ? p.responseEnd - p.workerStart : p.responseEnd - p.fetchStart,
    pageToUi: p.interactive - p.responseEnd,
    workerBoot: onPage(w?.boot) - p.spawn,
    wasmFetch: (w?.fetched ?? NaN) - (w?.fetch ?? NaN),
    compile: (w?.compiled ?? NaN) - (w?.fetch ?? NaN),
    instantiate: (w?.instantiated ?? NaN) - (w?.compiled ?? NaN),
    duckdbOpen: (w?.opened ?? NaN) - (w?.instantiated ?? NaN),
    engineToRestore: (w?.restore ?? NaN) - (w?.opened ?? NaN),
    idbRead: (w?.meta ?? NaN) + (w?.idb ?? NaN),
    arrowInsert: w?.insert ?? NaN
  };
}

const median = (xs: number[]) => {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  return s.length ? (s[(s.length - 1) >> 1]! + s[s.length >> 1]!) / 2 : NaN;
};

async function startup(): Promise<void> {
  const server = await serveStatic('build');
  const browser = await launchChromium();
  const reloads = Number(process.env.BENCH_RELOADS ?? 5);
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    // tsx (esbuild keepNames) wraps named functions in __name(); the page needs it defined.
    await page.addInitScript({ content: 'globalThis.__name = (f) => f;' });
    await page.goto(server.url + '/');
    const cold = await phasesOf(page);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    const warm: Phases[] = [];
    for (let n = 1; n <= reloads; n++) {
      await page.reload();
      warm.push(await phasesOf(page));
    }
    await context.close();
    console.log(
      `start-up phases on the demo (headless Chromium), ms: cold (network, demo CSV import), then ${reloads} warm reloads (service worker, IndexedDB restore) and their median`
    );
    const w = (x: number) => (Number.isFinite(x) ? x.toFixed(0) : '—').padStart(6);
    console.log(
      `  ${'phase'.padEnd(46)} ${'cold'.padStart(6)} ${warm.map((_, i) => `#${i + 1}`.padStart(6)).join(' ')} ${'median'.padStart(7)}`
    );
    for (const [key, label] of phaseLabels)
      console.log(
        `  ${label.padEnd(46)} ${w(cold[key])} ${warm.map((p) => w(p[key])).join(' ')} ${w(median(warm.map((p) => p[key])))} `
      );
    console.log(
      `warm start on the demo (median of ${reloads} reloads): usable UI ${fmt(median(warm.map((p) => p.interactive)))}, dataset ready ${fmt(median(warm.map((p) => p.ready)))}`
    );
  } finally {
    await browser.close();
    await server.close();
  }
}

requireBuild();
sizes();
await startup();
