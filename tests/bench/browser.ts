/** Shared bits of the Chromium benchmarks: Debian's Chromium and a static server for `build/`. */
import { chromium, type Browser, type Page } from '@playwright/test';
import { existsSync } from 'node:fs';

export async function launchChromium(): Promise<Browser> {
  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(executablePath)) throw new Error(`No Chromium at ${executablePath}`);
  return chromium.launch({
    executablePath,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      // For experiments, e.g. BENCH_CHROMIUM_ARGS='--js-flags=--no-wasm-lazy-compilation'.
      ...(process.env.BENCH_CHROMIUM_ARGS?.split(' ').filter(Boolean) ?? [])
    ]
  });
}

export function requireBuild(dir = 'build'): void {
  if (!existsSync(`${dir}/index.html`)) {
    throw new Error(`No ${dir}/index.html: run \`npm run build\` first (npm run bench does).`);
  }
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] ?? NaN;
}

export const fmt = (ms: number) => `${ms.toFixed(1)} ms`;

/**
 * Starts the built worker at `workerUrl` in the page and defines `globalThis.benchCall(name,
 * ...args)` there: Comlink's wire protocol by hand, since the page has no bundler.
 */
export async function startBenchWorker(page: Page, workerUrl: string): Promise<void> {
  await page.evaluate((url) => {
    const worker = new Worker(url, { type: 'module' });
    let next = 0;
    const call = (name: string, ...args: unknown[]) =>
      new Promise<unknown>((ok, fail) => {
        const id = `bench-${++next}`;
        const onMessage = (event: MessageEvent) => {
          const data = event.data as { id?: string; type: string; value: unknown };
          if (data.id !== id) return;
          worker.removeEventListener('message', onMessage);
          if (data.type === 'HANDLER') fail(new Error(JSON.stringify(data.value)));
          else ok(data.value);
        };
        worker.addEventListener('message', onMessage);
        worker.postMessage({
          id,
          type: 'APPLY',
          path: [name],
          argumentList: args.map((value) => ({ type: 'RAW', value }))
        });
      });
    (globalThis as unknown as { benchCall: typeof call }).benchCall = call;
  }, workerUrl);
}
