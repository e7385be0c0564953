/** Runs a plan's drill-downs (catalogue queries, aggregates only), each a step of the trace. */
import type { InvestigationPlan } from '../../domain/schemas/plan';
import { drillDownQuery } from '../drilldowns';
import type { AnalyticsPort } from '../ports';
import { errorMessage, type TraceRecorder } from '../trace';

export interface DrillDownResult {
  query: string;
  value: string;
  rows: unknown[];
}

export async function runDrillDowns(
  analytics: AnalyticsPort,
  plan: InvestigationPlan,
  asOf: string,
  tables: readonly string[],
  trace: TraceRecorder
): Promise<DrillDownResult[]> {
  const out: DrillDownResult[] = [];
  for (const d of plan.drillDowns ?? []) {
    const name = `drill:${d.query}`;
    const q = drillDownQuery(d.query, d.value, asOf, tables);
    if ('refused' in q) {
      trace.skip(name, { value: d.value, reason: d.reason }, q.refused);
      continue;
    }
    try {
      const result = await trace.step(
        name,
        { value: d.value, reason: d.reason },
        () => analytics.queryWithParams(q.sql, q.params),
        (r) => ({ output: { rows: r.rows.slice(0, 14) as never } })
      );
      out.push({ query: d.query, value: d.value, rows: result.rows.slice(0, 14) });
    } catch (error) {
      // Recorded by the trace; a drill-down never fails the run.
      void errorMessage(error);
    }
  }
  return out;
}
