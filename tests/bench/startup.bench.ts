/**
 * Build sizes and start-up times of the built site in headless Chromium.
 * Initial JavaScript = the scripts index.html loads before hydration (entry + modulepreloads),
 * gzipped; the wasm files and the workers load lazily and are reported apart.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { serveStatic } from '../support/serve';
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

async function startup(): Promise<void> {
  const server = await serveStatic('build');
  const browser = await launchChromium();
  try {
    const rows: [string, string, string][] = [];
    for (let i = 0; i < 2; i++) {
      const context = await browser.newContext();
      const page = await context.newPage();
      const measure = async (label: string) => {
        await page.getByTestId('as-of').waitFor({ timeout: 60_000 });
        const [interactive, ready] = await page.evaluate(() => [
          performance.getEntriesByName('opsiq:interactive')[0]?.startTime ?? NaN,
          performance.getEntriesByName('opsiq:dataset-ready')[0]?.startTime ?? NaN
        ]);
        rows.push([label, fmt(interactive), fmt(ready)]);
      };
      await page.goto(server.url + '/');
      await measure(`cold #${i + 1} (network, demo CSV import)`);
      await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
      // V8 caches compiled wasm only after it has compiled a module twice, so the third
      // load is the steady warm start of a returning visitor.
      for (let n = 1; n <= 3; n++) {
        await page.reload();
        await measure(`warm #${i + 1}.${n} (service worker, IndexedDB restore)`);
      }
      await context.close();
    }
    console.log('navigation → usable UI / → dataset ready (headless Chromium):');
    for (const [label, a, b] of rows)
      console.log(`  ${label.padEnd(48)} ${a.padStart(10)} ${b.padStart(10)}`);
  } finally {
    await browser.close();
    await server.close();
  }
}

requireBuild();
sizes();
await startup();
