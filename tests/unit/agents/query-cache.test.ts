import { describe, expect, it } from 'vitest';
import { defaultMemory, defaultMemoryValues } from '../../../src/lib/domain/memory';
import { cachingAnalytics } from '../../../src/lib/agents/query-cache';
import { runInvestigation } from '../../../src/lib/agents/investigation';
import { demoFiles, makeService } from '../analytics/harness';

const clock = { now: () => '2026-02-21T12:00:00.000Z', elapsedMs: () => performance.now() };

/** A cache over the real service, counting the queries that reach DuckDB. */
function counting(service: ReturnType<typeof makeService>['service']) {
  const calls = { n: 0 };
  const cached = cachingAnalytics({
    status: () => service.status(),
    queryWithParams: (sql, params) => {
      calls.n++;
      return service.queryWithParams(sql, params);
    }
  });
  return { cached, calls };
}

describe('query result cache (real DuckDB)', () => {
  it('a second run reads nothing from DuckDB and finds the same cases', async () => {
    const { service } = makeService();
    await service.importCsv({ name: 'Demo', source: 'demo', files: demoFiles() });
    const { cached, calls } = counting(service);
    const deps = { analytics: cached, state: undefined, clock, orchestrator: undefined };
    const opts = { memory: undefined, runId: 'r1', onProgress: undefined };
    const first = await runInvestigation(deps, opts);
    const afterFirst = calls.n;
    expect(afterFirst).toBeGreaterThan(5);
    const second = await runInvestigation(deps, { ...opts, runId: 'r1' });
    expect(calls.n).toBe(afterFirst);
    expect(second.cases.map((c) => c.key)).toEqual(first.cases.map((c) => c.key));
    expect(second.summary).toBe(first.summary);

    // Another memory setting is another SQL parameter: that detector runs again.
    // Other memory settings: the cached run finds exactly what an uncached run finds.
    const memory = {
      ...defaultMemory(),
      version: 2,
      values: {
        ...defaultMemoryValues(),
        duplicate_window_hours: 0.25,
        spike_ratio: 9,
        underbilling_min_gap: 500
      }
    };
    const viaCache = await runInvestigation(deps, { ...opts, memory });
    const direct = await runInvestigation({ ...deps, analytics: service }, { ...opts, memory });
    expect(viaCache.cases.map((c) => [c.key, c.estimatedImpact])).toEqual(
      direct.cases.map((c) => [c.key, c.estimatedImpact])
    );
    expect(direct.cases.length).toBeLessThan(first.cases.length);
  });

  it('another dataset empties the cache', async () => {
    const { service } = makeService();
    await service.importCsv({ name: 'Demo', source: 'demo', files: demoFiles() });
    const { cached, calls } = counting(service);
    await cached.status();
    const sql = 'SELECT count(*)::INTEGER AS n FROM refunds';
    const a = await cached.queryWithParams(sql, []);
    await cached.queryWithParams(sql, []);
    expect(calls.n).toBe(1);
    await service.importCsv({
      name: 'Less',
      source: 'upload',
      files: demoFiles()
        .filter((f) => f.fileName !== 'customers.csv')
        .map((f) =>
          f.fileName === 'refunds.csv'
            ? { ...f, data: String(f.data).split('\r\n').slice(0, 3).join('\r\n') + '\r\n' }
            : f
        )
    });
    await cached.status();
    const b = await cached.queryWithParams(sql, []);
    expect(calls.n).toBe(2);
    expect(b.rows[0]!['n']).not.toBe(a.rows[0]!['n']);
  });
});

describe('query results kept across page loads (IndexedDB)', () => {
  it('a new page reads a run’s rows back from the store; another dataset or build does not', async () => {
    const { IDBFactory } = await import('fake-indexeddb');
    const { indexedDbResultStore } = await import('../../../src/lib/services/result-store');
    const idb = new IDBFactory();
    const { service } = makeService();
    await service.importCsv({ name: 'Demo', source: 'demo', files: demoFiles() });
    const deps = (analytics: ReturnType<typeof counting>['cached']) => ({
      analytics,
      state: undefined,
      clock,
      orchestrator: undefined
    });
    const opts = { memory: undefined, runId: 'r1', onProgress: undefined };
    const page = (namespace: string) => {
      const calls = { n: 0 };
      const cached = cachingAnalytics(
        {
          status: () => service.status(),
          queryWithParams: (sql, params) => {
            calls.n++;
            return service.queryWithParams(sql, params);
          }
        },
        96,
        indexedDbResultStore(namespace, idb)
      );
      return { cached, calls };
    };
    const first = page('build-1');
    const a = await runInvestigation(deps(first.cached), opts);
    expect(first.calls.n).toBeGreaterThan(5);
    // Writes are fire-and-forget: let them land.
    await new Promise((r) => setTimeout(r, 50));

    // "After a reload": a fresh cache, same store, same dataset: DuckDB is not asked at all.
    const second = page('build-1');
    const b = await runInvestigation(deps(second.cached), opts);
    expect(second.calls.n).toBe(0);
    expect(b.cases.map((c) => [c.key, c.estimatedImpact])).toEqual(
      a.cases.map((c) => [c.key, c.estimatedImpact])
    );

    // Another memory setting is another parameter: only what changed reaches DuckDB.
    const memory = {
      ...defaultMemory(),
      version: 2,
      values: { ...defaultMemoryValues(), duplicate_window_hours: 0.25 }
    };
    const third = page('build-1');
    await runInvestigation(deps(third.cached), { ...opts, memory });
    expect(third.calls.n).toBeGreaterThan(0);
    expect(third.calls.n).toBeLessThan(first.calls.n);

    // Another build reads nothing the old one stored.
    const fourth = page('build-2');
    await runInvestigation(deps(fourth.cached), opts);
    expect(fourth.calls.n).toBe(first.calls.n);
  });
});
