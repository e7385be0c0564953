/**
 * How fast a dataset loads from CSV versus from its persisted Arrow IPC form, over 1M synthetic
 * invoices. A plain script, not a vitest test: `npx tsx tests/bench/dataset-persistence.bench.ts`
 * (about a minute). Prints figures only; budgets are judged in the notes.
 */
import { IDBFactory } from 'fake-indexeddb';
import '../support/fake-idb-globals';
import { exportIpc } from '../../workers/services/analytics/arrow-ipc';
import { prepareCsv } from '../../workers/services/analytics/csv-file';
import { loadCsv, registerCopy, rowsOf } from '../../workers/services/analytics/load-table';
import { AnalyticsService } from '../../workers/services/analytics-service';
import { createNodeBindings } from '../../workers/services/duckdb-node';

const rows = Number(process.env.BENCH_ROWS ?? 1_000_000);
const tiers = ['starter', 'pro', 'enterprise'] as const;
const prices = [49, 199, 499] as const;

function syntheticInvoices(n: number): Uint8Array {
  const lines = [
    'invoice_id,customer_id,invoice_date,billed_amount,expected_amount,plan_tier_billed,status'
  ];
  for (let i = 0; i < n; i++) {
    const t = i % 3;
    const day = String(1 + (i % 28)).padStart(2, '0');
    const month = String(1 + (Math.floor(i / 28) % 12)).padStart(2, '0');
    const billed = i % 97 === 0 ? prices[t]! - 50 : prices[t]!;
    lines.push(
      `INV${String(i).padStart(7, '0')},C${i % 20_000},2025-${month}-${day} 10:00:00,${billed}.00,${prices[t]}.00,${tiers[t]},${i % 11 === 0 ? 'open' : 'paid'}`
    );
  }
  return new TextEncoder().encode(lines.join('\n') + '\n');
}

function time<T>(task: () => T): [T, number] {
  const start = performance.now();
  const result = task();
  return [result, (performance.now() - start) / 1000];
}

async function timeAsync<T>(task: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const result = await task();
  return [result, (performance.now() - start) / 1000];
}

const mb = (bytes: number) => bytes / 1024 ** 2;
const fmt = (n: number, digits = 2) => n.toFixed(digits);

const [csv, genSeconds] = time(() => syntheticInvoices(rows));
console.log(
  `rows ${rows.toLocaleString('en')}, CSV ${fmt(mb(csv.length), 1)} MB (generated in ${fmt(genSeconds)} s)`
);

const db = await createNodeBindings();
db.open({});
const conn = db.connect();
conn.query('SET autoload_known_extensions = false; SET autoinstall_known_extensions = false');
const prepared = await prepareCsv('invoices.csv', csv, 1024 ** 3);
if (!prepared.ok) throw new Error(prepared.reason);

const [loaded, csvSeconds] = await timeAsync(() =>
  loadCsv(db, conn, prepared, 'invoices_csv', 100, registerCopy)
);
if ('failed' in loaded) throw new Error(loaded.failed);
console.log(
  `CSV import (loader, validated):  ${fmt(csvSeconds)} s  ${fmt(mb(csv.length) / csvSeconds, 1)} MB/s  ${loaded.rowsLoaded} rows`
);

const [ipc, exportSeconds] = time(() => exportIpc(conn, 'invoices_csv'));
console.log(
  `Arrow IPC export:                ${fmt(exportSeconds)} s  ${fmt(mb(ipc.length), 1)} MB (${fmt(ipc.length / csv.length)}× the CSV)`
);

const [, ipcSeconds] = time(() =>
  conn.insertArrowFromIPCStream(ipc, { name: 'invoices_ipc', create: true })
);
const [count] = rowsOf(conn, 'SELECT count(*)::INTEGER AS n FROM invoices_ipc');
console.log(
  `Arrow IPC re-insert:             ${fmt(ipcSeconds)} s  ${fmt(mb(ipc.length) / ipcSeconds, 1)} MB/s  ${String(count?.n)} rows`
);

const [, reimportSeconds] = await timeAsync(() =>
  loadCsv(db, conn, prepared, 'invoices_csv2', 100, registerCopy)
);
console.log(
  `CSV re-import (loader):          ${fmt(reimportSeconds)} s  ${fmt(mb(csv.length) / reimportSeconds, 1)} MB/s`
);
console.log(`reload speed-up, IPC vs CSV:     ${fmt(reimportSeconds / ipcSeconds, 1)}×`);

// End to end through the service: import + persist to (fake) IndexedDB, then restore elsewhere.
const idb = new IDBFactory();
const deps = { createBindings: () => createNodeBindings(), idb, maxFileBytes: undefined };
const first = new AnalyticsService(deps);
await first.init();
const [, persistSeconds] = await timeAsync(() =>
  first.importCsv({
    name: 'bench',
    source: 'synthetic',
    files: [{ fileName: 'invoices.csv', data: csv }]
  })
);
console.log(`service importCsv + persist:     ${fmt(persistSeconds)} s`);
const second = new AnalyticsService(deps);
await second.init();
const [restored, restoreSeconds] = await timeAsync(() => second.restore());
console.log(
  `service restore (IDB → DuckDB):  ${fmt(restoreSeconds)} s  ${String(restored?.tables[0]?.rowCount)} rows`
);
