/**
 * The steps the model decides, each a structured call with the deterministic step as its
 * fallback (same output type): the plan, the executive summary, the actions, the evaluator's
 * assessment and a case's explanation. Memory proposals are in `memory.ts`.
 */
import { z } from 'zod';
import type { MemoryValues } from '../../domain/memory';
import type { TriageCase } from '../../domain/schemas/case';
import { stableId } from '../../domain/keys';
import type { LlmSession } from '../../llm/session';
import type { PlannedAction } from '../actions';
import { ruleOrchestrator, rulePlan, type Orchestrator, type SummaryInput } from '../orchestrator';
import type { ActionInput } from '../ports';
import { caseEvidence, groundedNumbers, runTotals, signalData, ungroundedNumber } from './evidence';
import { checkPlan, llmPlanSchema, mergePlan, PLAN_INSTRUCTIONS, planData } from './plan';

/** Cases a step sends at most (the top of the ranking). */
const CASES_SENT = 25;

const summarySchema = z.object({ summary: z.string() });

/** What the summary step sends (Settings shows it before any call). */
export function summaryRequest(input: SummaryInput) {
  return {
    schemaName: 'executive_summary',
    schema: summarySchema,
    instructions:
      'Write the executive summary of this run for a finance lead: 2 to 4 sentences, the biggest leaks first, plain words. Every number you write must appear in DATA.',
    data: {
      asOf: input.asOf,
      trigger: input.trigger ? signalData([input.trigger])[0] : null,
      totals: {
        cases: input.cases.length,
        totalImpact: Math.round(input.cases.reduce((s, c) => s + c.estimatedImpact, 0) * 100) / 100
      },
      cases: input.cases.slice(0, CASES_SENT).map(caseEvidence),
      skipped: input.skipped,
      drillDowns: input.drillDowns ?? []
    }
  };
}

/** The orchestrator with the model deciding the plan and the summary, the rule as fallback. */
export function llmOrchestrator(session: LlmSession): Orchestrator {
  return {
    async plan(input) {
      const rule = rulePlan(input);
      const d = await session.decide({
        step: 'plan',
        schemaName: 'investigation_plan',
        schema: llmPlanSchema,
        instructions: PLAN_INSTRUCTIONS,
        data: planData(input, rule),
        check: (p) => checkPlan(p, rule),
        accept: (p) => mergePlan(p, rule),
        fallback: () => rule,
        describe: (p) =>
          `${p.steps.map((s) => s.detector).join(' → ')}; focus ${p.focus.length}; drill-downs ${p.drillDowns?.length ?? 0}${p.overrides?.length ? `; kept ${p.overrides.length} the model dropped` : ''}`
      });
      return d.value;
    },

    async summarize(input) {
      const rule = await ruleOrchestrator.summarize(input);
      const request = summaryRequest(input);
      const allowed = groundedNumbers(request.data, runTotals(input.cases));
      const d = await session.decide({
        step: 'summary',
        ...request,
        check: (s) => {
          if (s.summary.trim().length < 20) return 'the summary is empty';
          const n = ungroundedNumber(s.summary, allowed);
          return n ? `the number ${n} is not in the cases` : null;
        },
        accept: (s) => s.summary.trim(),
        fallback: () => rule,
        describe: (s) => s.slice(0, 240)
      });
      return d.value;
    }
  };
}

const actionsSchema = z.object({
  actions: z.array(
    z.object({
      caseKey: z.string(),
      kind: z.enum(['case_record', 'alert', 'approval_task']),
      reason: z.string()
    })
  )
});

const TITLES: Record<ActionInput['kind'], (c: TriageCase) => string> = {
  case_record: (c) => `Case record: ${c.title}`,
  alert: (c) => `${c.severity === 'critical' ? 'Critical' : 'High'} alert: ${c.title}`,
  approval_task: (c) => `Approve recovery of $${c.estimatedImpact}: ${c.title}`
};

/**
 * Which actions to open: the model's choice of allowed types on existing cases; approval
 * tasks the impact bar requires always open (a control the model cannot remove).
 */
export async function llmActions(
  session: LlmSession,
  cases: readonly TriageCase[],
  memory: MemoryValues,
  rule: PlannedAction[],
  createdAt: string
): Promise<PlannedAction[]> {
  const byKey = new Map(cases.map((c) => [c.key, c]));
  const d = await session.decide({
    step: 'actions',
    schemaName: 'case_actions',
    schema: actionsSchema,
    instructions: `Choose which actions to open for which cases, with a reason each. Kinds: case_record (a record for follow-up), alert (notify now, for urgent cases), approval_task (a person approves recovery). Cases above the impact bar ${memory.approval_impact_bar} always get an approval task. Use only case keys from DATA.`,
    data: {
      approvalImpactBar: memory.approval_impact_bar,
      ruleActions: rule.map((a) => ({ caseKey: a.caseKey, kind: a.kind })),
      cases: cases.slice(0, CASES_SENT).map(caseEvidence)
    },
    check: (a) => {
      const unknown = a.actions.find((x) => !byKey.has(x.caseKey));
      return unknown ? `case ${unknown.caseKey} is not one of this run's cases` : null;
    },
    accept: (a) => {
      const out: PlannedAction[] = rule.filter((x) => x.kind === 'approval_task');
      for (const x of a.actions) {
        const c = byKey.get(x.caseKey);
        if (!c || out.some((o) => o.caseKey === x.caseKey && o.kind === x.kind)) continue;
        out.push({
          actionId: stableId('action', c.runId, c.key, x.kind),
          caseId: c.caseId,
          caseKey: c.key,
          kind: x.kind,
          status: 'open',
          title: TITLES[x.kind](c),
          createdAt
        });
      }
      const rank = new Map(cases.map((c, i) => [c.key, i]));
      return out.sort((p, q) => (rank.get(p.caseKey) ?? 0) - (rank.get(q.caseKey) ?? 0));
    },
    fallback: () => rule,
    describe: (list) =>
      `${list.length} actions: ${list
        .map((a) => `${a.kind}→${a.caseKey}`)
        .slice(0, 6)
        .join(', ')}`
  });
  return d.value;
}

export const assessmentSchema = z.object({
  actionability: z.object({ score: z.number(), reason: z.string() }),
  correctness: z.object({ score: z.number(), reason: z.string() }),
  specificity: z.object({ score: z.number(), reason: z.string() }),
  calibrationAdvice: z.array(z.string())
});
export type Assessment = z.infer<typeof assessmentSchema>;

/** The model's assessment of a run, beside the rule evaluator's scores (never replacing them). */
export async function llmAssessment(
  session: LlmSession,
  input: { cases: readonly TriageCase[]; ruleScores: unknown; feedback: unknown }
): Promise<Assessment | null> {
  const d = await session.decide<Assessment, Assessment | null>({
    step: 'evaluate',
    schemaName: 'run_assessment',
    schema: assessmentSchema,
    instructions:
      'Assess this run: actionability, correctness and specificity, each a score from 0 to 1 with a reason, and calibration advice (which thresholds or penalties look too strict or too loose, given the feedback).',
    data: {
      ruleScores: input.ruleScores,
      feedback: input.feedback,
      cases: input.cases.slice(0, CASES_SENT).map(caseEvidence)
    },
    check: (a) =>
      [a.actionability, a.correctness, a.specificity].some((x) => x.score < 0 || x.score > 1)
        ? 'scores lie within [0, 1]'
        : null,
    accept: (a) => a,
    fallback: () => null,
    describe: (a) =>
      a
        ? `actionability ${a.actionability.score}, correctness ${a.correctness.score}, specificity ${a.specificity.score}`
        : 'the rule evaluator only'
  });
  return d.value;
}

const explanationSchema = z.object({ explanation: z.string(), nextSteps: z.array(z.string()) });
export type Explanation = z.infer<typeof explanationSchema> & {
  by: 'model' | 'rule';
  reason: string;
};

/** "Explain" on a case: a short explanation and next steps, grounded in its evidence. */
export async function llmExplain(session: LlmSession, c: TriageCase): Promise<Explanation> {
  const evidence = caseEvidence(c);
  const allowed = groundedNumbers(evidence);
  const rule = {
    explanation: c.summary,
    nextSteps: [c.recommendedAction]
  };
  const d = await session.decide({
    step: 'explain',
    schemaName: 'case_explanation',
    schema: explanationSchema,
    instructions:
      'Explain this case to a billing analyst in 2 to 4 sentences (what happened, why it matters), then 1 to 3 next steps. Every number you write must appear in DATA.',
    data: evidence,
    check: (e) => {
      const n = ungroundedNumber(`${e.explanation} ${e.nextSteps.join(' ')}`, allowed);
      return n ? `the number ${n} is not in the case's evidence` : null;
    },
    accept: (e) => e,
    fallback: () => rule,
    describe: (e) => e.explanation.slice(0, 200)
  });
  return { ...d.value, by: d.by, reason: d.reason };
}
