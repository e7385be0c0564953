/**
 * Orchestrator: turns signals and memory into an investigation plan, and findings into an
 * executive summary. Today a deterministic rule; an LLM will sit behind the same interface, its
 * plan validated by the same schema and then held to what the data allows (`enforcePlan`).
 *
 * The rule: a detector whose tables are missing is skipped with the reason. The others run in
 * order of the strongest signal about their entities (the trigger counting most), then in the
 * default order. Ids and regions named by signals become the plan's focus: a case about them is
 * marked as corroborated.
 */
import { detectors } from '../domain/detectors';
import type { Detector } from '../domain/detectors/types';
import type { MemoryValues } from '../domain/memory';
import type { TriageCase } from '../domain/schemas/case';
import type { AnomalyType } from '../domain/schemas/finding';
import {
  investigationPlanSchema,
  type FocusItem,
  type InvestigationPlan
} from '../domain/schemas/plan';
import { severityRank, type Signal } from '../domain/schemas/signal';
import { plural } from '../domain/plural';
import { executiveSummary, planObjective } from '../domain/summary';

export interface PlanInput {
  signals: readonly Signal[];
  memory: MemoryValues;
  /** Loaded tables. */
  tables: readonly string[];
  /** Table sizes and as-of date (for a model's plan). */
  profile?: { asOf: string | null; tables: { name: string; rowCount: number }[] };
}

export interface SummaryInput {
  trigger: Signal | null;
  cases: readonly TriageCase[];
  skipped: readonly { detector: string; reason: string }[];
  asOf: string | null;
  /** Results of the plan's drill-downs (aggregates), for a model's summary. */
  drillDowns?: readonly { query: string; value: string; rows: unknown[] }[];
}

export interface Orchestrator {
  plan(input: PlanInput): Promise<InvestigationPlan>;
  summarize(input: SummaryInput): Promise<string>;
}

/** How many focus items a plan carries: enough to corroborate, bounded for the trace. */
const FOCUS_LIMIT = 50;

function relevant(d: Detector, s: Signal): boolean {
  if (d.entities.includes(s.relatedEntity)) return true;
  const f = s.focus;
  if (f.invoiceIds.length > 0) return d.entities.includes('invoices');
  if (f.refundIds.length > 0) return d.entities.includes('refunds') && d.type !== 'refund_spike';
  return false;
}

export function rulePlan(input: PlanInput): InvestigationPlan {
  const trigger = input.signals[0] ?? null;
  const skipped: InvestigationPlan['skipped'] = [];
  const ranked: { d: Detector; score: number; index: number; signalIds: string[] }[] = [];
  detectors.forEach((d, index) => {
    const missing = d.requires.filter((t) => !input.tables.includes(t));
    if (missing.length > 0) {
      skipped.push({
        detector: d.type,
        reason: `needs ${missing.join(' and ')}, not in this dataset`
      });
      return;
    }
    const about = input.signals.filter((s) => relevant(d, s) || s.relatedEntity === 'all');
    const score = Math.max(
      0,
      ...about.map(
        (s) =>
          (severityRank(s.severity) + 1) * (s.relatedEntity === 'all' ? 1 : 10) +
          (s === trigger ? 5 : 0)
      )
    );
    ranked.push({ d, score, index, signalIds: about.map((s) => s.id).slice(0, 10) });
  });
  ranked.sort((a, b) => b.score - a.score || a.index - b.index);

  const focus: FocusItem[] = [];
  for (const s of input.signals) {
    const add = (kind: FocusItem['kind'], values: readonly string[]) =>
      values.forEach((value) => focus.push({ kind, value, signalId: s.id }));
    add('region', s.focus.regions);
    add('invoice', s.focus.invoiceIds);
    add('customer', s.focus.customerIds);
    add('refund', s.focus.refundIds);
  }
  return investigationPlanSchema.parse({
    source: 'rule',
    triggerSignalId: trigger?.id ?? null,
    objective: planObjective(trigger),
    steps: ranked.map((r) => ({
      detector: r.d.type,
      reason:
        r.score > 0
          ? `${plural(r.signalIds.length, 'signal')} about ${r.d.entities.join('/')}, strongest first`
          : 'routine sweep',
      signalIds: r.signalIds
    })),
    skipped,
    focus: focus.slice(0, FOCUS_LIMIT)
  });
}

/**
 * Holds any plan (an LLM's included) to what the data allows: each detector at most once, and
 * a detector without its tables, or one the files cannot support, moves to `skipped`.
 */
export function enforcePlan(
  plan: InvestigationPlan,
  tables: readonly string[],
  /** Detectors the dataset's files cannot support (a mapped export without a tier), with why. */
  unsupported: readonly { detector: string; reason: string }[] = []
): InvestigationPlan {
  const seen = new Set<AnomalyType>();
  const skipped = [...plan.skipped];
  const steps = plan.steps.filter((step) => {
    if (seen.has(step.detector)) return false;
    seen.add(step.detector);
    const cannot = unsupported.find((u) => u.detector === step.detector);
    if (cannot) {
      skipped.push({ detector: step.detector, reason: cannot.reason });
      return false;
    }
    const d = detectors.find((x) => x.type === step.detector);
    const missing = d?.requires.filter((t) => !tables.includes(t)) ?? [];
    if (missing.length === 0) return true;
    skipped.push({ detector: step.detector, reason: `needs ${missing.join(' and ')}` });
    return false;
  });
  return { ...plan, steps, skipped };
}

export const ruleOrchestrator: Orchestrator = {
  plan: (input) => Promise.resolve(rulePlan(input)),
  summarize: (input) => Promise.resolve(executiveSummary(input))
};
