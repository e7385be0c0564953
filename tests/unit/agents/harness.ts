import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CsvFile } from '../../../workers/contracts/analytics';
import { runInvestigation } from '../../../src/lib/agents/investigation';
import type { Clock } from '../../../src/lib/agents/ports';
import type { Memory } from '../../../src/lib/domain/memory';
import { makeService } from '../analytics/harness';
import { createTab, freshIdb } from '../state/harness';

/** Agents over the real engines: DuckDB-WASM (Node build) and sql.js over fake-indexeddb. */

export const demoDir = join(import.meta.dirname, '../../../data/demo');

export function demoFiles(except: readonly string[] = []): CsvFile[] {
  return readdirSync(demoDir)
    .filter((f) => f.endsWith('.csv') && !except.includes(f.replace(/\.csv$/, '')))
    .map((fileName) => ({ fileName, data: readFileSync(join(demoDir, fileName), 'utf8') }));
}

/** A clock frozen at one instant, with durations of 0: runs are reproducible to the byte. */
export const fixedClock: Clock = {
  now: () => '2026-02-22T09:00:00.000Z',
  elapsedMs: () => 0
};

export async function engines(files: CsvFile[]) {
  const { service: analytics } = makeService();
  await analytics.importCsv({ name: 'test', source: 'upload', files, persist: false });
  const state = createTab({ idb: freshIdb() });
  await state.open();
  return { analytics, state };
}

export async function investigate(
  files: CsvFile[],
  options: { memory?: Memory; runId?: string } = {}
) {
  const { analytics, state } = await engines(files);
  const progress: { step: string; fraction: number }[] = [];
  const result = await runInvestigation(
    { analytics, state, clock: fixedClock, orchestrator: undefined },
    { memory: options.memory, runId: options.runId, onProgress: (p) => progress.push(p) }
  );
  return { result, progress, analytics, state };
}
