import type { QueryResult } from './analytics';

/**
 * The analyst's engine in the analytics worker: a separate DuckDB database holding a copy of the
 * active tables, with external access off and its configuration locked (see
 * `workers/services/analyst-sandbox.ts`). Only SQL the analyst compiled or `guardSql` passed
 * is sent here.
 */
export interface AnalystApi {
  /** Runs one statement with a time limit (ms); rejects with `query_failed` when it passes. */
  analystQuery(sql: string, timeLimitMs?: number): Promise<QueryResult>;
  /** Stops the running analyst query, if any (a superseded question). */
  analystCancel(): Promise<void>;
}
