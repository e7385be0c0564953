/**
 * One investigation, end to end: dataset status → monitor → plan → triage (each detector) →
 * scoring → actions → summary → persisted with its trace. The browser (through the worker
 * proxies) and the headless CLI (services in-process) run exactly this.
 */
import { stableId } from '../domain/keys';
import { memorySchema, type Memory } from '../domain/memory';
import type { DetectorContext } from '../domain/detectors/types';
import type { TriageCase } from '../domain/schemas/case';
import type { InvestigationPlan } from '../domain/schemas/plan';
import type { Signal } from '../domain/schemas/signal';
import { AGENT_ACTOR, planActions, type PlannedAction } from './actions';
import { monitor } from './monitor';
import { enforcePlan, ruleOrchestrator, type Orchestrator } from './orchestrator';
import type { AnalyticsPort, CaseInput, Clock, RunRecord, StatePort, TraceStep } from './ports';
import { TraceRecorder } from './trace';
import type { LlmSession } from '../llm/session';
import { runDrillDowns } from './reasoning/drill';
import { llmActions, llmOrchestrator } from './reasoning/steps';
import { oneCasePerRootCause, runDetectors, toCases } from './triage';

export interface InvestigationDeps {
  analytics: AnalyticsPort;
  /** Where the run is stored; undefined runs without persisting (benchmarks). */
  state: StatePort | undefined;
  clock: Clock;
  /** undefined = the deterministic rule orchestrator. */
  orchestrator: Orchestrator | undefined;
  /** The model's session; undefined or without a model = every step on rules. */
  llm?: LlmSession;
}

export interface InvestigationProgress {
  step: string;
  /** 0..1 */
  fraction: number;
}

export interface InvestigationOptions {
  /** Unvalidated memory is parsed here; defaults fill missing keys. */
  memory: Memory | undefined;
  /** undefined = derived from dataset, memory version and start time. */
  runId: string | undefined;
  onProgress: ((progress: InvestigationProgress) => void) | undefined;
  /** People's standing verdicts by finding key; a rerun keeps them. */
  decisions?: ReadonlyMap<string, 'approved' | 'rejected'>;
}

export interface SkippedDetector {
  detector: string;
  reason: string;
}

export interface InvestigationResult {
  run: RunRecord;
  /** Ranked; the first triggered the run. */
  signals: Signal[];
  plan: InvestigationPlan;
  /** Ranked: severity, then impact. */
  cases: TriageCase[];
  actions: PlannedAction[];
  summary: string;
  trace: TraceStep[];
  skipped: SkippedDetector[];
}

export async function runInvestigation(
  deps: InvestigationDeps,
  options: InvestigationOptions
): Promise<InvestigationResult> {
  const { analytics, state, clock } = deps;
  const llm = deps.llm?.active ? deps.llm : undefined;
  const orchestrator = deps.orchestrator ?? (llm ? llmOrchestrator(llm) : ruleOrchestrator);
  const memory = memorySchema.parse(options.memory ?? {});
  const progress = (step: string, fraction: number) => options.onProgress?.({ step, fraction });
  const startedAt = clock.now();

  progress('status', 0);
  const status = await analytics.status();
  const datasetId = status?.id ?? 'none';
  const runId = options.runId ?? stableId('run', datasetId, memory.version, startedAt);
  const trace = new TraceRecorder(runId, clock);
  if (llm) llm.runId = runId;
  const run: RunRecord = {
    runId,
    datasetId,
    startedAt,
    finishedAt: null,
    status: 'running',
    trigger: null,
    plan: null,
    summary: null,
    memoryVersion: memory.version
  };
  await state?.startRun(run);
  let saved = false;
  let failure: unknown;
  try {
    const ctx: DetectorContext = {
      asOf: status?.asOf ?? '1970-01-01',
      memory: memory.values,
      columns: Object.fromEntries((status?.tables ?? []).map((t) => [t.name, t.columns]))
    };
    const tables = (status?.tables ?? []).filter((t) => t.rowCount > 0).map((t) => t.name);

    progress('monitor', 0.05);
    const { signals, problems } = await trace.step(
      'monitor',
      { asOf: status?.asOf ?? null, tables },
      () => monitor(analytics, ctx),
      (r) => ({
        output: {
          signals: r.signals.map((s) => ({ id: s.id, severity: s.severity, message: s.message })),
          problems: r.problems
        }
      })
    );
    // Data problems (a broken payload, an unreadable table) are in the trace, never thrown.
    void problems;
    const trigger = signals[0] ?? null;

    progress('plan', 0.15);
    const plan = await trace.step(
      'plan',
      { signals: signals.length, trigger: trigger?.id ?? null, memoryVersion: memory.version },
      async () =>
        enforcePlan(
          await orchestrator.plan({
            signals,
            memory: memory.values,
            tables,
            ...(llm
              ? { profile: { asOf: status?.asOf ?? null, tables: status?.tables ?? [] } }
              : {})
          }),
          tables,
          status?.unsupported ?? []
        ),
      (p) => ({ output: p })
    );

    const drillDowns = plan.drillDowns?.length
      ? await runDrillDowns(analytics, plan, ctx.asOf, tables, trace)
      : [];

    const detected = await runDetectors(analytics, plan, ctx, trace, (i, detector) =>
      progress(`detect:${detector}`, 0.2 + (0.6 * i) / Math.max(plan.steps.length, 1))
    );
    const skipped: SkippedDetector[] = [...plan.skipped, ...detected.skipped];
    for (const s of plan.skipped) trace.skip(`detect:${s.detector}`, null, s.reason);

    progress('score', 0.8);
    const { cases } = await trace.step(
      'score',
      { findings: detected.findings.length },
      () => {
        const { kept, merged } = oneCasePerRootCause(detected.findings, memory.values);
        return { ...toCases(kept, plan, memory, runId, options.decisions), merged };
      },
      (r) => ({
        output: {
          cases: r.cases.length,
          mergedIntoTierMismatch: r.merged,
          suppressed: r.suppressed,
          top: r.cases.slice(0, 10).map((c) => ({ key: c.key, severity: c.severity }))
        }
      })
    );

    progress('actions', 0.88);
    const actions = await trace.step(
      'actions',
      { cases: cases.length, approvalBar: memory.values.approval_impact_bar },
      () => {
        const rule = planActions(cases, memory.values, startedAt);
        return llm ? llmActions(llm, cases, memory.values, rule, startedAt) : rule;
      },
      (a) => ({ output: a.map((x) => ({ kind: x.kind, caseKey: x.caseKey })) })
    );

    progress('summary', 0.93);
    const summary = await trace.step(
      'summary',
      { cases: cases.length, skipped: skipped.length },
      async () =>
        withProcessNotes(
          await orchestrator.summarize({
            trigger,
            cases,
            skipped,
            asOf: status?.asOf ?? null,
            ...(drillDowns.length ? { drillDowns } : {})
          }),
          detected.notes
        ),
      (text) => ({ output: text })
    );

    const finished: RunRecord = {
      ...run,
      finishedAt: clock.now(),
      status: 'succeeded',
      trigger: trigger
        ? {
            id: trigger.id,
            severity: trigger.severity,
            message: trigger.message,
            origin: trigger.origin,
            type: trigger.type,
            source: trigger.source
          }
        : null,
      plan,
      summary
    };
    if (llm)
      trace.note('reasoning', {
        steps: llm.reasoning.map((r) => ({ ...r })),
        tokens: llm.tokens,
        calls: llm.calls.length
      });
    progress('save', 0.97);
    await state?.saveRun({
      run: finished,
      cases: cases.map((c) => toCaseInput(c, startedAt)),
      actions: actions.map(({ caseKey: _key, ...a }) => a),
      traces: trace.steps,
      actor: AGENT_ACTOR
    });
    saved = true;
    if (llm && llm.calls.length > 0) await state?.saveLlmCalls?.(llm.calls);
    progress('done', 1);
    return { run: finished, signals, plan, cases, actions, summary, trace: trace.steps, skipped };
  } catch (error) {
    failure = error;
    throw error;
  } finally {
    // A run never stays `running`: whatever stopped it before `saveRun` is recorded with it.
    if (!saved && state !== undefined) {
      const reason = failureReasonOf(failure);
      await state
        .finishRun({
          runId,
          status: reason.cancelled ? 'cancelled' : 'failed',
          reason: reason.text,
          finishedAt: clock.now()
        })
        .catch((error: unknown) => console.warn('OpsIQ could not mark the run as ended', error));
    }
  }
}

/** Why a run stopped, in words; a cancellation is told apart from a failure. */
function failureReasonOf(error: unknown): { cancelled: boolean; text: string } {
  const code = (error as { code?: unknown } | null)?.code;
  const name = (error as { name?: unknown } | null)?.name;
  const text = error instanceof Error ? error.message : String(error ?? 'stopped before saving');
  return { cancelled: code === 'cancelled' || name === 'AbortError', text: text.slice(0, 4000) };
}

/** The detectors' process notes (rows that are not cases but worth a line), after the summary. */
export function withProcessNotes(summary: string, notes: readonly string[]): string {
  return notes.length === 0 ? summary : `${summary}\nProcess notes: ${notes.join(' ')}`;
}

/** A case as the state worker stores it. */
export function toCaseInput(c: TriageCase, createdAt: string): CaseInput {
  return {
    caseId: c.caseId,
    key: c.key,
    runId: c.runId,
    anomalyType: c.type,
    title: c.title,
    severity: c.severity,
    confidence: c.confidence,
    confidenceLabel: c.confidenceLabel,
    estimatedImpact: c.estimatedImpact,
    status: c.status,
    evidence: {
      summary: c.summary,
      strength: c.strength,
      notes: c.notes,
      rules: c.rules,
      facts: c.facts,
      rawImpact: c.rawImpact,
      penalty: c.penalty,
      corroboratedBy: c.corroboratedBy
    },
    entities: c.entities,
    sentiment: c.sentiment,
    recommendedAction: c.recommendedAction,
    createdAt
  };
}
