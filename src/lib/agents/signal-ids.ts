/**
 * Signals name ids (invoice, customer, refund) that may not be in the loaded tables: a signal
 * from another system, an export cut at another date. Those ids are dropped from its focus, and a
 * signal whose every named id is missing is unverified: it is kept (and reported as a problem)
 * but ranked after the others, so a run never cites it as its trigger.
 */
import type { DetectorContext } from '../domain/detectors/types';
import type { Signal, SignalFocus } from '../domain/schemas/signal';
import type { AnalyticsPort } from './ports';

const TABLES = [
  { focus: 'invoiceIds', table: 'invoices', column: 'invoice_id' },
  { focus: 'customerIds', table: 'customers', column: 'customer_id' },
  { focus: 'refundIds', table: 'refunds', column: 'refund_id' }
] as const;

/** Checks the ids the signals name; returns the signals with verified focus, unverified last. */
export async function verifySignalIds(
  analytics: AnalyticsPort,
  ctx: DetectorContext,
  signals: readonly Signal[],
  problems: string[]
): Promise<{ verified: Signal[]; unverified: Signal[] }> {
  const known = new Map<string, Set<string>>();
  for (const t of TABLES) {
    const ids = [...new Set(signals.flatMap((s) => s.focus[t.focus]))];
    const found = new Set<string>();
    if (ids.length > 0 && ctx.columns[t.table] !== undefined) {
      const result = await analytics.queryWithParams(
        `SELECT DISTINCT CAST(${t.column} AS VARCHAR) AS id FROM ${t.table}
          WHERE CAST(${t.column} AS VARCHAR) IN (${ids.map(() => '?').join(', ')})`,
        ids
      );
      for (const row of result.rows) found.add(String(row['id']));
    }
    known.set(t.focus, found);
  }
  const verified: Signal[] = [];
  const unverified: Signal[] = [];
  for (const s of signals) {
    const named = TABLES.flatMap((t) => s.focus[t.focus]);
    const focus: SignalFocus = { ...s.focus };
    for (const t of TABLES)
      focus[t.focus] = s.focus[t.focus].filter((id) => known.get(t.focus)?.has(id));
    const kept = TABLES.flatMap((t) => focus[t.focus]);
    const missing = named.filter((id) => !kept.includes(id));
    if (missing.length > 0)
      problems.push(`signal ${s.id}: names ${missing.join(', ')}, not in the loaded tables`);
    if (named.length > 0 && kept.length === 0) unverified.push({ ...s, focus });
    else verified.push({ ...s, focus });
  }
  return { verified, unverified };
}
