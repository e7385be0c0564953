/**
 * Monitor: gathers the signals a run starts from: the rows of `signal_events` (payload parsed
 * in TypeScript) and live signals computed from the data relative to the as-of date. Ranked by
 * severity, then recency; the first triggers the run. A broken table or row is reported as a
 * problem, never thrown: a run must not die of its data.
 */
import type { z } from 'zod';
import type { DetectorContext, SqlQuery } from '../domain/detectors/types';
import {
  failureRow,
  failureSignal,
  failureSql,
  refundDayRow,
  refundDaySignal,
  refundDaySql,
  revenueRow,
  revenueSignals,
  revenueSql
} from '../domain/live-signals';
import { rankSignals, signalFromRow, signalRowSchema, type Signal } from '../domain/schemas/signal';
import { AS_OF_END } from '../domain/detectors/sql';
import type { AnalyticsPort } from './ports';
import { verifySignalIds } from './signal-ids';
import { errorMessage } from './trace';

export interface MonitorResult {
  signals: Signal[];
  problems: string[];
}

/** Most recent signal rows read; older ones cannot outrank them on recency anyway. */
const SIGNAL_ROW_LIMIT = 1000;

export async function monitor(
  analytics: AnalyticsPort,
  ctx: DetectorContext
): Promise<MonitorResult> {
  const signals: Signal[] = [];
  const problems: string[] = [];
  const has = (t: keyof DetectorContext['columns']) => ctx.columns[t] !== undefined;

  async function rows<S extends z.ZodType>(what: string, q: SqlQuery, schema: S) {
    try {
      const result = await analytics.queryWithParams(q.sql, q.params);
      const parsed: z.infer<S>[] = [];
      for (const row of result.rows) {
        const r = schema.safeParse(row);
        if (r.success) parsed.push(r.data);
        else problems.push(`${what}: a row did not match the expected shape`);
      }
      return parsed;
    } catch (error) {
      problems.push(`${what}: ${errorMessage(error)}`);
      return [];
    }
  }

  if (has('signal_events')) {
    const q = {
      sql: `SELECT signal_id, timestamp, signal_type, severity, source, related_entity, payload_json
        FROM signal_events WHERE timestamp < ${AS_OF_END} OR timestamp IS NULL
        ORDER BY timestamp DESC NULLS LAST, signal_id LIMIT ${SIGNAL_ROW_LIMIT}`,
      params: [ctx.asOf]
    };
    for (const row of await rows('signal_events', q, signalRowSchema)) {
      const s = signalFromRow(row);
      if (s.payloadProblem) problems.push(`signal ${s.id}: ${s.payloadProblem}`);
      signals.push(s);
    }
  }
  if (has('refunds')) {
    const q = refundDaySql(ctx, has('customers'));
    for (const row of await rows('refund volume', q, refundDayRow)) {
      const s = refundDaySignal(row, ctx);
      if (s) signals.push(s);
    }
  }
  if (has('invoices')) {
    for (const row of await rows('revenue', revenueSql(ctx), revenueRow))
      signals.push(...revenueSignals(row, ctx));
  }
  if (has('payments')) {
    for (const row of await rows('payment failures', failureSql(ctx), failureRow)) {
      const s = failureSignal(row, ctx);
      if (s) signals.push(s);
    }
  }
  try {
    const { verified, unverified } = await verifySignalIds(analytics, ctx, signals, problems);
    return { signals: [...rankSignals(verified), ...rankSignals(unverified)], problems };
  } catch (error) {
    problems.push(`signal ids: ${errorMessage(error)}`);
    return { signals: rankSignals(signals), problems };
  }
}
