import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DuckDBBindings } from '@duckdb/duckdb-wasm/blocking';
import '../../support/fake-idb-globals';
import { IDBFactory } from 'fake-indexeddb';
import type { CsvFile } from '../../../workers/contracts/analytics';
import { AnalyticsService } from '../../../workers/services/analytics-service';
import { createNodeBindings } from '../../../workers/services/duckdb-node';

export const demoDir = join(import.meta.dirname, '../../../data/demo');
export const fixtureDir = join(import.meta.dirname, '../../fixtures/csv');

/** A service over real DuckDB-WASM (Node build) and an in-memory IndexedDB. */
export function makeService(
  options: {
    idb?: IDBFactory;
    maxFileBytes?: number;
    createBindings?: () => Promise<DuckDBBindings>;
  } = {}
) {
  const idb = options.idb ?? new IDBFactory();
  const service = new AnalyticsService({
    createBindings: options.createBindings ?? (() => createNodeBindings()),
    idb,
    maxFileBytes: options.maxFileBytes
  });
  return { service, idb };
}

export function demoFiles(): CsvFile[] {
  return readdirSync(demoDir)
    .filter((f) => f.endsWith('.csv'))
    .map((fileName) => ({ fileName, data: readFileSync(join(demoDir, fileName), 'utf8') }));
}

export function fixture(name: string): CsvFile {
  return { fileName: name, data: new Uint8Array(readFileSync(join(fixtureDir, name))) };
}

export function counts(
  tables: readonly { name: string; rowCount: number }[]
): Record<string, number> {
  return Object.fromEntries(tables.map((t) => [t.name, t.rowCount]));
}

/** Two customers (C1, C2): the good table beside a broken file in the trust and corpus tests. */
export const twoCustomersCsv =
  'customer_id,customer_name,region,plan_tier,status\nC1,Acme,NA,pro,active\nC2,Beta,EMEA,starter,active\n';
