/**
 * The investigation plan: which detectors run, in what order, what to focus on and what is
 * skipped and why. The rule-based orchestrator builds it today; an LLM will propose it later,
 * and this schema is what its output must pass.
 */
import { z } from 'zod';
import { anomalyTypeSchema } from './finding';

export const planStepSchema = z.object({
  detector: anomalyTypeSchema,
  reason: z.string(),
  /** Signals that put this detector where it is in the order. */
  signalIds: z.array(z.string())
});

export const focusItemSchema = z.object({
  kind: z.enum(['region', 'invoice', 'customer', 'refund']),
  value: z.string().min(1),
  signalId: z.string()
});
export type FocusItem = z.infer<typeof focusItemSchema>;

export const investigationPlanSchema = z.object({
  source: z.enum(['rule', 'llm']),
  /** The signal that triggered the run, if any. */
  triggerSignalId: z.string().nullable(),
  objective: z.string(),
  steps: z.array(planStepSchema),
  skipped: z.array(z.object({ detector: anomalyTypeSchema, reason: z.string() })),
  focus: z.array(focusItemSchema),
  /** Bounded read-only queries on the focus (from a fixed catalogue), an LLM plan's only. */
  drillDowns: z
    .array(z.object({ query: z.string(), value: z.string(), reason: z.string() }))
    .optional(),
  /** What the guardrails changed in a proposed plan, and why (e.g. a dropped detector kept). */
  overrides: z.array(z.object({ detector: z.string(), reason: z.string() })).optional(),
  /** The model's own words for the plan. */
  reasoning: z.string().optional()
});
export type InvestigationPlan = z.infer<typeof investigationPlanSchema>;
export type PlanStep = z.infer<typeof planStepSchema>;
