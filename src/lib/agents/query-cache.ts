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
 *
 * With a `ResultStore` the results also outlive the page (IndexedDB): the dataset's id is a
 * digest of its content and the key names the SQL and its parameters (the memory settings a
 * detector reads), so the first click after a reload reads the same rows back instead of
 * scanning a cold engine. A store that fails is skipped: the query runs in DuckDB.
 */
import type { QueryResult } from '../../../workers/contracts/analytics';
import type { AnalyticsPort, DatasetStatus, QueryParam } from './ports';

/** Results kept across page loads, by dataset and query. */
export interface ResultStore {
  get(datasetId: string, key: string): Promise<QueryResult | undefined>;
  put(datasetId: string, key: string, result: QueryResult): Promise<void>;
  /** Forgets every dataset but `datasetId`. */
  keep(datasetId: string): Promise<void>;
}

export interface CachingAnalytics extends AnalyticsPort {
  /** Hits and misses since the last reset (the bench and tests read them). */
  readonly stats: { hits: number; misses: number };
  /** The dataset whose results are held, or null. */
  readonly datasetId: string | null;
  clear(): void;
}

export function cachingAnalytics(
  inner: AnalyticsPort,
  maxEntries = 96,
  store?: ResultStore
): CachingAnalytics {
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
        if (id !== null) void store?.keep(id).catch(() => undefined);
      }
      return status;
    },
    queryWithParams(sql: string, params: QueryParam[]): Promise<QueryResult> {
      // Until a status() names the dataset nothing is known to be stable: no caching.
      if (datasetId === null) return inner.queryWithParams(sql, params);
      const id = datasetId;
      const query = `${sql}\u0000${JSON.stringify(params)}`;
      const key = `${id}\u0000${query}`;
      const hit = entries.get(key);
      if (hit) {
        stats.hits++;
        // Most recently used last, so the oldest is dropped first.
        entries.delete(key);
        entries.set(key, hit);
        return hit;
      }
      stats.misses++;
      const run = () => inner.queryWithParams(sql, params);
      const pending = store
        ? store.get(id, query).then(
            (kept) =>
              kept ??
              run().then((result) => {
                void store.put(id, query, result).catch(() => undefined);
                return result;
              }),
            run
          )
        : run();
      entries.set(key, pending);
      pending.catch(() => entries.delete(key));
      while (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
      return pending;
    }
  };
}
