import { afterEach, describe, expect, it, vi } from 'vitest';
import { IDBFactory } from 'fake-indexeddb';
import { runInvestigation } from '../../../src/lib/agents/investigation';
import { toExportCsv, toExportJson } from '../../../src/lib/domain/export';
import type { CsvFile } from '../../../workers/contracts/analytics';
import { generateDataset } from '../../../data/generator/api';
import { AnalyticsService } from '../../../workers/services/analytics-service';
import { createNodeBindings } from '../../../workers/services/duckdb-node';
import { demoFiles, fixedClock } from '../agents/harness';
import { createTab, freshIdb } from '../state/harness';
import { session } from './harness';

afterEach(() => vi.restoreAllMocks());

/** The same dataset twice: the deterministic pipeline, and the app's path with no key. */
async function both(files: CsvFile[]) {
  const analytics = new AnalyticsService({
    createBindings: () => createNodeBindings(),
    idb: new IDBFactory(),
    maxFileBytes: undefined
  });
  await analytics.importCsv({ name: 'x', source: 'upload', files, persist: false });
  const fetchSpy = vi.spyOn(globalThis, 'fetch').mockRejectedValue(new Error('no network'));
  const go = async (withSession: boolean) => {
    const state = createTab({ idb: freshIdb() });
    await state.open();
    const result = await runInvestigation(
      {
        analytics,
        state,
        clock: fixedClock,
        orchestrator: undefined,
        ...(withSession ? { llm: session(null) } : {})
      },
      { memory: undefined, runId: 'run-same', onProgress: undefined }
    );
    return { result, calls: await state.listLlmCalls({}) };
  };
  const rules = await go(false);
  const noKey = await go(true);
  return { rules, noKey, fetchCalls: fetchSpy.mock.calls.length };
}

describe('with no key, the run is the deterministic pipeline, byte for byte', () => {
  it('on the demo', async () => {
    const { rules, noKey, fetchCalls } = await both(demoFiles());
    expect(fetchCalls).toBe(0);
    expect(noKey.calls).toEqual([]);
    expect(rules.result.cases.length).toBeGreaterThan(0);
    expect(toExportJson(noKey.result.cases)).toBe(toExportJson(rules.result.cases));
    expect(toExportCsv(noKey.result.cases)).toBe(toExportCsv(rules.result.cases));
    expect(JSON.stringify(noKey.result.trace)).toBe(JSON.stringify(rules.result.trace));
    expect(noKey.result.summary).toBe(rules.result.summary);
  });

  it('on generated medium data', async () => {
    const generated = await generateDataset({ scale: 'medium', seed: 11 });
    const { rules, noKey, fetchCalls } = await both(generated.files);
    expect(fetchCalls).toBe(0);
    expect(rules.result.cases.length).toBeGreaterThan(20);
    expect(toExportJson(noKey.result.cases)).toBe(toExportJson(rules.result.cases));
    expect(toExportCsv(noKey.result.cases)).toBe(toExportCsv(rules.result.cases));
    expect(JSON.stringify(noKey.result.actions)).toBe(JSON.stringify(rules.result.actions));
  }, 120_000);
});
