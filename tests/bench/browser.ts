/** Shared bits of the Chromium benchmarks: Debian's Chromium and a static server for `build/`. */
import { chromium, type Browser } from '@playwright/test';
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
