import '../../support/fake-idb-globals';
import { IDBFactory } from 'fake-indexeddb';
import type { CsvFile } from '../../../workers/contracts/analytics';
import { loadProfile, type AnalystContext } from '../../../src/lib/agents/analyst';
import { AnalystSandbox } from '../../../workers/services/analyst-sandbox';
import { AnalyticsService } from '../../../workers/services/analytics-service';
import { createNodeBindings } from '../../../workers/services/duckdb-node';

/** The analyst over real DuckDB-WASM: the importer's database and the analyst's sandbox. */
export async function analystOver(files: CsvFile[]): Promise<{
  ctx: AnalystContext;
  sandbox: AnalystSandbox;
  service: AnalyticsService;
}> {
  const service = new AnalyticsService({
    createBindings: () => createNodeBindings(),
    idb: new IDBFactory(),
    maxFileBytes: undefined
  });
  const report = await service.importCsv({ name: 't', source: 'upload', files, persist: false });
  const sandbox = await AnalystSandbox.fromService(service, () => createNodeBindings());
  const profile = await loadProfile(sandbox, report.status);
  return { ctx: { engine: sandbox, profile }, sandbox, service };
}
