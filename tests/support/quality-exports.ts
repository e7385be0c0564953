/**
 * Detection quality on real-export layouts: a generated dataset turned into a Stripe Dashboard
 * export (data/stripe-export), imported through the mapping path with no hand-made mapping,
 * investigated, and scored against the translated labels. Detectors the files cannot support
 * are reported as skipped, with the reason, never scored as empty.
 */
import { IDBFactory } from 'fake-indexeddb';
import { toStripeExport } from '../../data/stripe-export';
import { runInvestigation } from '../../src/lib/agents/investigation';
import { anomalyTypes, type AnomalyType } from '../../src/lib/domain/schemas/finding';
import type { ImportReport } from '../../workers/contracts/analytics';
import { AnalyticsService } from '../../workers/services/analytics-service';
import { createNodeBindings } from '../../workers/services/duckdb-node';
import { labelKey, score, truthByType, type Score } from './quality';

export interface ExportQualityRun {
  readonly opsiq: Partial<Record<AnomalyType, Score>>;
  readonly skipped: readonly { detector: string; reason: string }[];
  readonly report: ImportReport;
  readonly importMs: number;
}

export async function measureStripe(
  generated: { files: { fileName: string; data: string }[]; labels: unknown },
  name: string,
  only?: (fileName: string) => boolean
): Promise<ExportQualityRun> {
  const exported = toStripeExport(generated.files, JSON.stringify(generated.labels));
  const labels = JSON.parse(exported.labels) as {
    anomalies: { type: AnomalyType; key: string }[];
  };
  const analytics = new AnalyticsService({
    createBindings: () => createNodeBindings(),
    idb: new IDBFactory(),
    maxFileBytes: undefined
  });
  const t0 = performance.now();
  const report = await analytics.importCsv({
    name,
    source: 'upload',
    files: exported.files.filter((f) => !only || only(f.fileName)),
    persist: false
  });
  const importMs = performance.now() - t0;
  const result = await runInvestigation(
    {
      analytics,
      state: undefined,
      clock: { now: () => '2026-02-22T00:00:00.000Z', elapsedMs: () => performance.now() },
      orchestrator: undefined
    },
    { memory: undefined, runId: `quality-export-${name}`, onProgress: undefined }
  );
  const truth = truthByType(labels);
  const skipped = result.skipped.map((s) => ({ detector: s.detector, reason: s.reason }));
  const opsiq: Partial<Record<AnomalyType, Score>> = {};
  for (const type of anomalyTypes) {
    if (skipped.some((s) => s.detector === type)) continue;
    const found = new Set(result.cases.filter((c) => c.type === type).map(labelKey));
    opsiq[type] = score(found, truth[type]);
  }
  return { opsiq, skipped, report, importMs };
}
