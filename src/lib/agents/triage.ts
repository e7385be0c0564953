/**
 * Triage: runs the plan's detectors (one set-based query each), validates every returned row
 * with the detector's schema, keeps one case per root cause, drops suppressed keys, scores and
 * ranks. A detector whose query fails is skipped with the reason; the run goes on.
 */
import { detectorFor } from '../domain/detectors';
import { tailProbability } from '../domain/detectors/count-model';
import { isSpikeCount } from '../domain/detectors/refund-spike';
import type { DetectorContext } from '../domain/detectors/types';
import { caseIdFor } from '../domain/keys';
import { defaultMemoryValues, type Memory, type MemoryValues } from '../domain/memory';
import { evidenceFingerprint } from '../domain/memory-agent';
import type { TriageCase } from '../domain/schemas/case';
import { cents, findingSchema, type AnomalyType, type Finding } from '../domain/schemas/finding';
import type { InvestigationPlan } from '../domain/schemas/plan';
import { rankFindings, scoreFinding } from '../domain/scoring';
import type { AnalyticsPort } from './ports';
import { errorMessage, type TraceRecorder } from './trace';

export interface TriageResult {
  cases: TriageCase[];
  skipped: { detector: AnomalyType; reason: string }[];
}

/** Keys listed per step in the trace; the rest are counted. */
const TRACE_KEYS = 25;

export async function runDetectors(
  analytics: AnalyticsPort,
  plan: InvestigationPlan,
  ctx: DetectorContext,
  trace: TraceRecorder,
  onStep: (index: number, detector: AnomalyType) => void
): Promise<{ findings: Finding[]; skipped: TriageResult['skipped']; notes: string[] }> {
  const findings: Finding[] = [];
  const notes: string[] = [];
  const skipped: TriageResult['skipped'] = [];
  for (const [index, step] of plan.steps.entries()) {
    onStep(index, step.detector);
    const detector = detectorFor(step.detector);
    try {
      const query = detector.build(ctx);
      const found = await trace.step(
        `detect:${step.detector}`,
        { detector: step.detector, reason: step.reason, params: query.params },
        async () => {
          const result = await analytics.queryWithParams(query.sql, query.params);
          const out: Finding[] = [];
          const rejected: string[] = [];
          const rows: unknown[] = [];
          for (const row of result.rows) {
            const parsed = detector.row.safeParse(row);
            if (parsed.success) rows.push(parsed.data);
            else rejected.push(parsed.error.issues[0]?.message ?? 'invalid row');
          }
          notes.push(...(detector.processNotes?.(rows, ctx) ?? []));
          for (const row of detector.select ? detector.select(rows, ctx) : rows) {
            const finding = findingSchema.safeParse(detector.toFinding(row, ctx));
            if (finding.success) out.push(finding.data as Finding);
            else rejected.push(finding.error.issues[0]?.message ?? 'invalid row');
          }
          return { out, rows: result.rows.length, rejected };
        },
        (r) => ({
          output: {
            rows: r.rows,
            findings: r.out.length,
            rejectedRows: r.rejected.length,
            rejectReasons: [...new Set(r.rejected)].slice(0, 5),
            keys: r.out.slice(0, TRACE_KEYS).map((f) => f.key)
          }
        })
      );
      findings.push(...found.out);
    } catch (error) {
      // A data problem (a column of the wrong type, a query DuckDB refuses) skips the detector.
      skipped.push({ detector: step.detector, reason: `query failed: ${errorMessage(error)}` });
    }
  }
  return { findings, skipped, notes };
}

/**
 * One root cause, one case: an invoice on the wrong tier is not also underbilling, and a refund
 * that is its own case (a manual credit, the second of a duplicate pair) is not counted again in
 * a refund spike, in its count or its impact: the spike is judged again on its other refunds
 * (with the same expected count) and dropped when they are no longer a spike.
 */
export function oneCasePerRootCause(
  findings: readonly Finding[],
  memory: MemoryValues = defaultMemoryValues()
): {
  kept: Finding[];
  merged: string[];
} {
  const mismatched = new Set(
    findings.filter((f) => f.type === 'tier_mismatch').map((f) => f.entities.invoice_id)
  );
  const ownRefunds = new Map<string, number>();
  for (const f of findings) {
    const id =
      f.type === 'manual_credit'
        ? f.entities.refund_id
        : f.type === 'duplicate_refund'
          ? f.entities.refund_ids?.[1]
          : undefined;
    if (id !== undefined) ownRefunds.set(id, f.rawImpact);
  }
  const merged: string[] = [];
  const kept = findings
    .filter((f) => {
      const dup = f.type === 'underbilling' && mismatched.has(f.entities.invoice_id);
      if (dup) merged.push(f.key);
      return !dup;
    })
    .flatMap((f) => {
      if (f.type !== 'refund_spike') return [f];
      const spike = withoutOwnRefunds(f, ownRefunds, memory);
      if (!spike) merged.push(f.key);
      return spike ? [spike] : [];
    });
  return { kept, merged };
}

function withoutOwnRefunds(
  spike: Finding,
  ownRefunds: ReadonlyMap<string, number>,
  memory: MemoryValues
): Finding | null {
  const own = (spike.entities.refund_ids ?? []).filter((id) => ownRefunds.has(id));
  if (own.length === 0) return spike;
  const n = Number(spike.facts['refund_count'] ?? 0);
  const mu = Number(spike.facts['expected_count'] ?? spike.facts['baseline_median'] ?? 0);
  const phi = Number(spike.facts['dispersion'] ?? 0);
  const amount = Number(spike.facts['refund_amount'] ?? 0);
  const ownAmount = own.reduce((sum, id) => sum + (ownRefunds.get(id) ?? 0), 0);
  const others = n - own.length;
  if (!isSpikeCount(others, mu, phi, memory)) return null;
  const excess = Math.min(Math.max(0, others - Math.round(mu)), others);
  const rawImpact = others > 0 ? cents(((amount - ownAmount) / others) * excess) : 0;
  const listed = own.map((id) => `${id} ($${cents(ownRefunds.get(id) ?? 0)})`).join(', ');
  return {
    ...spike,
    rawImpact,
    entities: {
      ...spike.entities,
      refund_ids: (spike.entities.refund_ids ?? []).filter((id) => !ownRefunds.has(id))
    },
    facts: {
      ...spike.facts,
      refund_count: others,
      refund_amount: cents(amount - ownAmount),
      tail_probability: Number(tailProbability(others, mu, phi).toPrecision(3))
    },
    rules: [
      ...spike.rules,
      {
        rule: 'one_case_per_root_cause',
        threshold: null,
        observed: cents(ownAmount),
        detail: `${listed} ${own.length === 1 ? 'is its own case' : 'are their own cases'}: judged and valued on the other ${others} refunds.`
      }
    ]
  };
}

/** Signals whose focus names one of the finding's entities. */
export function corroboratingSignals(f: Finding, plan: InvestigationPlan): string[] {
  const e = f.entities;
  const refunds = new Set([...(e.refund_ids ?? []), ...(e.refund_id ? [e.refund_id] : [])]);
  const ids = plan.focus
    .filter(
      (x) =>
        (x.kind === 'invoice' && x.value === e.invoice_id) ||
        (x.kind === 'customer' && x.value === e.customer_id) ||
        (x.kind === 'refund' && refunds.has(x.value)) ||
        (x.kind === 'region' && f.type === 'refund_spike' && x.value === e.region)
    )
    .map((x) => x.signalId);
  return [...new Set(ids)].sort();
}

/** Scores, ranks and names the findings as cases of this run. */
export function toCases(
  findings: readonly Finding[],
  plan: InvestigationPlan,
  memory: Memory,
  runId: string,
  /** People's standing verdicts by finding key (approved / rejected), kept across reruns. */
  decisions: ReadonlyMap<string, 'approved' | 'rejected'> = new Map()
): { cases: TriageCase[]; suppressed: string[] } {
  const suppressed = new Set(memory.suppressedKeys);
  const dropped: string[] = [];
  const scored = findings
    .filter((f) => {
      if (!suppressed.has(f.key)) return true;
      dropped.push(f.key);
      return false;
    })
    .map((f) => scoreFinding(f, memory.values, corroboratingSignals(f, plan)));
  // A finding marked false positive stays dismissed while its evidence is what it was.
  const dismissed = new Map(memory.dismissed.map((d) => [d.key, d.fingerprint]));
  const cases = rankFindings(scored).map((c) => ({
    ...c,
    caseId: caseIdFor(runId, c.key),
    runId,
    status:
      dismissed.get(c.key) === evidenceFingerprint(c)
        ? ('false_positive' as const)
        : (decisions.get(c.key) ?? ('open' as const))
  }));
  return { cases, suppressed: dropped };
}
