/**
 * The model's investigation plan: detector order, focus and drill-downs, with reasons. It can
 * reorder and focus the run, never silence it: every detector whose tables are loaded runs.
 * A detector the model leaves out or asks to skip is kept, with the reason shown.
 */
import { z } from 'zod';
import { detectors } from '../../domain/detectors';
import { anomalyTypeSchema, type AnomalyType } from '../../domain/schemas/finding';
import type { FocusItem, InvestigationPlan } from '../../domain/schemas/plan';
import { DRILL_DOWNS, drillDownIds } from '../drilldowns';
import type { PlanInput } from '../orchestrator';
import { signalData } from './evidence';

export const llmPlanSchema = z.object({
  objective: z.string(),
  order: z.array(z.object({ detector: anomalyTypeSchema, reason: z.string() })),
  skip: z.array(z.object({ detector: anomalyTypeSchema, reason: z.string() })),
  focus: z.array(
    z.object({
      kind: z.enum(['region', 'invoice', 'customer', 'refund']),
      value: z.string(),
      reason: z.string()
    })
  ),
  drillDowns: z.array(
    z.object({ query: z.enum(drillDownIds), value: z.string(), reason: z.string() })
  ),
  reasoning: z.string()
});
export type LlmPlan = z.infer<typeof llmPlanSchema>;

export const MAX_DRILL_DOWNS = 6;

export const PLAN_INSTRUCTIONS = [
  'Plan the investigation. Order the detectors so the ones the strongest signals point at run',
  'first, with a reason each. Choose what to focus on (regions, customers, invoices, refunds)',
  'from the focus candidates only, and at most 6 drill-downs from the catalogue on focus values.',
  'Every detector whose tables are loaded runs whatever you answer; use "skip" only to say',
  'which you think are not worth it and why.'
].join(' ');

export function planData(input: PlanInput, rule: InvestigationPlan) {
  return {
    profile: input.profile ?? { tables: input.tables },
    signals: signalData(input.signals),
    detectors: detectors.map((d) => ({
      detector: d.type,
      needs: d.requires,
      loaded: d.requires.every((t) => input.tables.includes(t))
    })),
    ruleOrder: rule.steps.map((s) => ({ detector: s.detector, reason: s.reason })),
    focusCandidates: rule.focus.map((f) => ({ kind: f.kind, value: f.value, signal: f.signalId })),
    drillDownCatalogue: DRILL_DOWNS.map((d) => ({ id: d.id, on: d.on, describe: d.describe }))
  };
}

/** A plan answer that names focus values no signal named is sent back once. */
export function checkPlan(plan: LlmPlan, rule: InvestigationPlan): string | null {
  const known = new Set(rule.focus.map((f) => `${f.kind}:${f.value}`));
  const values = new Set(rule.focus.map((f) => f.value));
  const bad = plan.focus.find((f) => !known.has(`${f.kind}:${f.value}`));
  if (bad) return `focus ${bad.kind} "${bad.value}" is not among the focus candidates`;
  const d = plan.drillDowns.find((x) => !values.has(x.value));
  if (d) return `drill-down ${d.query} on "${d.value}" is not on a focus candidate`;
  if (plan.drillDowns.length > MAX_DRILL_DOWNS)
    return `at most ${MAX_DRILL_DOWNS} drill-downs, not ${plan.drillDowns.length}`;
  return null;
}

/** The model's plan held to the guardrails: nothing loaded is dropped, focus from signals. */
export function mergePlan(model: LlmPlan, rule: InvestigationPlan): InvestigationPlan {
  const runnable = new Map(rule.steps.map((s) => [s.detector, s]));
  const seen = new Set<AnomalyType>();
  const steps: InvestigationPlan['steps'] = [];
  const overrides: { detector: string; reason: string }[] = [];
  for (const o of model.order) {
    const s = runnable.get(o.detector);
    if (!s || seen.has(o.detector)) continue;
    seen.add(o.detector);
    steps.push({ ...s, reason: `model: ${o.reason}` });
  }
  const skipAsked = new Map(model.skip.map((s) => [s.detector, s.reason]));
  for (const s of rule.steps) {
    if (seen.has(s.detector)) continue;
    const asked = skipAsked.get(s.detector);
    overrides.push({
      detector: s.detector,
      reason: asked
        ? `The model asked to skip it ("${asked}"), but every detector whose tables are loaded runs.`
        : 'The model left it out of its order; every detector whose tables are loaded runs.'
    });
    steps.push({ ...s, reason: `kept by the guardrail (${s.reason})` });
  }
  const bySignal = new Map(rule.focus.map((f) => [`${f.kind}:${f.value}`, f.signalId]));
  const focus: FocusItem[] = [];
  for (const f of model.focus) {
    const signalId = bySignal.get(`${f.kind}:${f.value}`);
    if (signalId && !focus.some((x) => x.kind === f.kind && x.value === f.value))
      focus.push({ kind: f.kind, value: f.value, signalId });
  }
  return {
    ...rule,
    source: 'llm',
    objective: model.objective || rule.objective,
    steps,
    // No focus chosen: the signals' own.
    focus: focus.length > 0 ? focus : rule.focus,
    drillDowns: model.drillDowns.slice(0, MAX_DRILL_DOWNS),
    overrides,
    reasoning: model.reasoning
  };
}
