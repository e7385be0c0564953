/**
 * Read-query results of the active dataset, reused. A dataset's id is a digest of its content
 * (see workers/services/analytics/dataset-status.ts) and queries are read-only, so the same id,
 * SQL and parameters give the same rows: a detector whose memory settings (its SQL parameters)
 * are unchanged gets its findings' rows back without touching DuckDB, and one whose settings
 * changed runs again. The cache empties when `status()` reports another dataset.
 *
 * The first "Run Autonomous Investigation" after a reload or an import is slow because DuckDB's
 * code is cold (compiled lazily, tiered up while it runs) and every detector scans the data;
 * `warm` runs the pipeline's queries in idle time so that the click finds them answered.
 */
import type { QueryResult } from '../../../workers/contracts/analytics';
import type { AnalyticsPort, DatasetStatus, QueryParam } from './ports';

export interface CachingAnalytics extends AnalyticsPort {
  /** Hits and misses since the last reset (the bench and tests read them). */
  readonly stats: { hits: number; misses: number };
  /** The dataset whose results are held, or null. */
  readonly datasetId: string | null;
  clear(): void;
}

export function cachingAnalytics(inner: AnalyticsPort, maxEntries = 96): CachingAnalytics {
  let datasetId: string | null = null;
  const entries = new Map<string, Promise<QueryResult>>();
  const stats = { hits: 0, misses: 0 };
  const clear = () => {
    entries.clear();
    stats.hits = 0;
    stats.misses = 0;
  };
  return {
    stats,
    get datasetId() {
      return datasetId;
    },
    clear,
    async status(): Promise<DatasetStatus | null> {
      const status = await inner.status();
      const id = status?.id ?? null;
      if (id !== datasetId) {
        clear();
        datasetId = id;
      }
      return status;
    },
    queryWithParams(sql: string, params: QueryParam[]): Promise<QueryResult> {
      // Until a status() names the dataset nothing is known to be stable: no caching.
      if (datasetId === null) return inner.queryWithParams(sql, params);
      const key = `${datasetId}\u0000${sql}\u0000${JSON.stringify(params)}`;
      const hit = entries.get(key);
      if (hit) {
        stats.hits++;
        // Most recently used last, so the oldest is dropped first.
        entries.delete(key);
        entries.set(key, hit);
        return hit;
      }
      stats.misses++;
      const pending = inner.queryWithParams(sql, params);
      entries.set(key, pending);
      pending.catch(() => entries.delete(key));
      while (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
      return pending;
    }
  };
}
