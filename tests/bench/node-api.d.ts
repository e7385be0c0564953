/**
 * The slice of @duckdb/node-api the bench uses. The package is installed on first use into
 * tests/bench/out/native-duckdb (see triage-scale-native.ts), so its own types are not there
 * when the project is type-checked.
 */
declare module '@duckdb/node-api' {
  type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
  export class DuckDBMaterializedResult {
    getRowObjectsJson(): Record<string, Json>[];
  }
  export class DuckDBConnection {
    run(sql: string): Promise<unknown>;
    runAndReadAll(sql: string, params?: unknown[]): Promise<DuckDBMaterializedResult>;
    closeSync(): void;
  }
  export class DuckDBInstance {
    static create(path: string, options?: Record<string, string>): Promise<DuckDBInstance>;
    connect(): Promise<DuckDBConnection>;
    closeSync(): void;
  }
}
