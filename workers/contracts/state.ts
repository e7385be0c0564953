import { z } from 'zod';
import { CASE_STATUSES } from '../../src/lib/domain/enums';
import type { AnalystQuestion } from './analyst-history';

/**
 * The typed API of the state worker (sql.js + IndexedDB): the product's own state — runs, cases,
 * actions and their audit trail, feedback, memory versions, evaluations, traces, LLM calls and
 * settings. Both sides import this file; every payload is validated with these schemas inside
 * the worker, and every result is plain JSON-safe data.
 */

export const jsonValueSchema = z.json();
export type JsonValue = z.infer<typeof jsonValueSchema>;

const id = z.string().min(1).max(200);
const isoTime = z.iso.datetime({ offset: true });

export const openInputSchema = z.object({
  /** URL of `sql-wasm.wasm` (the app serves it from `static/vendor/`); Node passes nothing. */
  wasmUrl: z.string().min(1).optional()
});
export type OpenInput = z.infer<typeof openInputSchema>;

export const openResultSchema = z.object({
  schemaVersion: z.number().int(),
  sqliteVersion: z.string(),
  restored: z.enum(['empty', 'image']),
  walReplayed: z.number().int().nonnegative(),
  /** WAL records that failed to apply on open; they were moved to the `wal_rejected` store. */
  walRejected: z.array(z.object({ seq: z.number().int(), reason: z.string() })),
  corruption: z.object({ reason: z.string(), setAsideKey: z.string() }).nullable()
});
export type OpenResult = z.infer<typeof openResultSchema>;

export const settingKeySchema = z.string().min(1).max(200);

export const actorSchema = z.object({
  type: z.enum(['user', 'agent']),
  name: z.string().min(1).max(200)
});
export type Actor = z.infer<typeof actorSchema>;

export const caseStatuses = CASE_STATUSES;
export const caseStatusSchema = z.enum(caseStatuses);
export type CaseStatus = z.infer<typeof caseStatusSchema>;

export const severitySchema = z.enum(['low', 'medium', 'high', 'critical']);

export const caseInputSchema = z.object({
  caseId: id,
  /** Stable finding key (`underbilling:INV008`): feedback survives reruns through it. */
  key: z.string().min(1).max(500),
  runId: id,
  anomalyType: z.string().min(1).max(100),
  title: z.string().max(1000),
  severity: severitySchema,
  confidence: z.number().min(0).max(1),
  confidenceLabel: z.string().max(50),
  estimatedImpact: z.number().finite(),
  status: caseStatusSchema.default('open'),
  evidence: jsonValueSchema,
  entities: jsonValueSchema,
  sentiment: jsonValueSchema.nullable(),
  recommendedAction: z.string().max(4000),
  createdAt: isoTime
});
export type CaseInput = z.input<typeof caseInputSchema>;
export const caseRecordSchema = caseInputSchema.extend({ updatedAt: isoTime });
export type CaseRecord = z.infer<typeof caseRecordSchema>;

export const listCasesInputSchema = z.object({
  runId: id.optional(),
  status: caseStatusSchema.optional(),
  limit: z.number().int().positive().max(1_000_000).optional()
});
export type ListCasesInput = z.infer<typeof listCasesInputSchema>;

export const feedbackVerdictSchema = z.enum(['approve', 'reject', 'false_positive']);
export type FeedbackVerdict = z.infer<typeof feedbackVerdictSchema>;

export const setCaseStatusResultSchema = z.object({
  /** The feedback row written for a verdict (approved/rejected/false_positive), else null. */
  feedbackId: z.string().nullable()
});
export type SetCaseStatusResult = z.infer<typeof setCaseStatusResultSchema>;

export const actionKindSchema = z.enum(['case_record', 'alert', 'approval_task']);
export const actionStatuses = ['open', 'acknowledged', 'done', 'dismissed'] as const;
export const actionStatusSchema = z.enum(actionStatuses);
export type ActionStatus = z.infer<typeof actionStatusSchema>;

export const actionInputSchema = z.object({
  actionId: id,
  caseId: id,
  kind: actionKindSchema,
  status: actionStatusSchema.default('open'),
  title: z.string().max(1000),
  createdAt: isoTime
});
export type ActionInput = z.input<typeof actionInputSchema>;
export const actionRecordSchema = actionInputSchema.extend({ updatedAt: isoTime });
export type ActionRecord = z.infer<typeof actionRecordSchema>;

export const actionEventSchema = z.object({
  eventId: z.string(),
  actionId: z.string(),
  fromStatus: actionStatusSchema.nullable(),
  toStatus: actionStatusSchema,
  actor: actorSchema,
  note: z.string().nullable(),
  at: isoTime
});
export type ActionEvent = z.infer<typeof actionEventSchema>;

export const runStatusSchema = z.enum(['running', 'succeeded', 'failed', 'cancelled']);
export type RunStatus = z.infer<typeof runStatusSchema>;

/** One investigation run; `trigger` and `plan` are the agents' JSON, stored as given. */
export const runRecordSchema = z.object({
  runId: id,
  datasetId: z.string().min(1).max(500),
  startedAt: isoTime,
  finishedAt: isoTime.nullable(),
  status: runStatusSchema,
  trigger: jsonValueSchema,
  plan: jsonValueSchema,
  summary: z.string().max(20_000).nullable(),
  memoryVersion: z.number().int().nullable(),
  /** Why a `failed` or `cancelled` run did not finish (null otherwise; absent = null). */
  failureReason: z.string().max(4000).nullable().optional()
});
export type RunRecord = z.infer<typeof runRecordSchema>;

/** Ends a run that did not get to `saveRun`: `failed` or `cancelled`, with the reason. */
export const finishRunInputSchema = z.object({
  runId: id,
  status: z.enum(['failed', 'cancelled']),
  reason: z.string().max(4000),
  finishedAt: isoTime
});
export type FinishRunInput = z.infer<typeof finishRunInputSchema>;

export const traceStatusSchema = z.enum(['running', 'ok', 'error', 'skipped']);

/** One step of a run: what went in, what came out, how long it took. */
export const traceStepSchema = z.object({
  traceId: id,
  runId: id,
  step: z.string().min(1).max(200),
  seq: z.number().int().nonnegative(),
  startedAt: isoTime,
  durationMs: z.number().nonnegative().nullable(),
  input: jsonValueSchema,
  output: jsonValueSchema,
  status: traceStatusSchema
});
export type TraceStep = z.infer<typeof traceStepSchema>;

/**
 * A finished run in one durable write: the run row, its cases, its actions (each opened with an
 * audit event by `actor`) and its trace. Upserts throughout, so saving the same run again is a no-op.
 */
export const saveRunInputSchema = z.object({
  run: runRecordSchema,
  cases: z.array(caseInputSchema),
  actions: z.array(actionInputSchema),
  traces: z.array(traceStepSchema),
  actor: actorSchema
});
export type SaveRunInput = z.input<typeof saveRunInputSchema>;

export const listRunsInputSchema = z.object({
  limit: z.number().int().positive().max(10_000).optional(),
  /** Only runs that finished (`succeeded`): "the latest run" and the rerun diff use these. */
  finished: z.boolean().optional()
});
export type ListRunsInput = z.infer<typeof listRunsInputSchema>;

export const noteSchema = z.string().max(4000).optional();

/** Who made a memory version: the defaults, a memory-agent rule, an LLM proposal, a person. */
export const memorySourceSchema = z.enum(['default', 'rule', 'llm', 'person']);
export type MemorySource = z.infer<typeof memorySourceSchema>;

/** One key's change inside a memory version (`memory_changes`). */
export const memoryChangeSchema = z.object({
  /** A setting (`underbilling_min_gap`) or a dismissal (`dismissed:underbilling:INV008`). */
  key: z.string().min(1).max(500),
  old: jsonValueSchema,
  new: jsonValueSchema,
  reason: z.string().max(4000),
  source: z.enum(['rule', 'llm', 'person']),
  /** The feedback that caused it, when one did. */
  feedbackId: z.string().nullable()
});
export type MemoryChange = z.infer<typeof memoryChangeSchema>;

/**
 * A memory version (`memory_versions` + its `memory_changes`). Version 0 is the defaults;
 * each later version names its parent. `memory` is the domain's whole `Memory` as JSON
 * (validated by `memorySchema` in src/lib/domain/memory.ts where it is read).
 */
export const memoryVersionSchema = z.object({
  version: z.number().int().nonnegative(),
  parentVersion: z.number().int().nonnegative().nullable(),
  createdAt: isoTime,
  source: memorySourceSchema,
  reason: z.string().max(4000),
  memory: jsonValueSchema,
  changes: z.array(memoryChangeSchema)
});
export type MemoryVersion = z.infer<typeof memoryVersionSchema>;

/**
 * A person's verdict on a case, in one durable write: the case's status follows the verdict
 * (approve → approved, reject → rejected, false_positive → false_positive), the feedback row is
 * stored with the case's stable key, and the memory versions the memory agent derived from it
 * are appended. `memoryVersions` must continue the stored history (first = latest + 1, or 0
 * when none is stored), else the write fails with `conflict` and nothing is stored.
 */
export const feedbackInputSchema = z.object({
  feedbackId: id,
  caseId: id,
  verdict: feedbackVerdictSchema,
  comment: z.string().max(4000).nullable(),
  actor: actorSchema,
  at: isoTime,
  memoryVersions: z.array(memoryVersionSchema)
});
export type FeedbackInput = z.input<typeof feedbackInputSchema>;

/**
 * A person's verdict, given as a decision rather than as an edit: the worker derives the memory
 * change from the LATEST stored memory under the write lock (the memory agent is pure), so a
 * verdict is never refused because another tab changed memory first.
 */
export const verdictInputSchema = z.object({
  feedbackId: id,
  caseId: id,
  verdict: feedbackVerdictSchema,
  comment: z.string().max(4000).nullable(),
  actor: actorSchema,
  at: isoTime
});
export type VerdictInput = z.infer<typeof verdictInputSchema>;

const memoryValueSchema = z.union([z.number(), z.boolean(), z.string(), z.null()]);

/** What a verdict did: the case's new status and the memory version it landed on. */
export const verdictResultSchema = z.object({
  feedbackId: z.string(),
  caseId: z.string(),
  status: z.enum(['approved', 'rejected', 'false_positive']),
  /** The current memory version after the verdict (null: memory was never stored). */
  memoryVersion: z.number().int().nullable(),
  /** The version the change was derived from (the latest valid one stored at that moment). */
  derivedFrom: z.number().int().nullable(),
  /** The memory after the verdict (the domain's `Memory` as JSON). */
  memory: jsonValueSchema,
  changes: z.array(
    z.object({
      key: z.string(),
      old: memoryValueSchema,
      new: memoryValueSchema,
      reason: z.string(),
      source: z.enum(['rule', 'llm', 'person']),
      feedbackId: z.string().nullable()
    })
  ),
  refused: z.array(z.object({ key: z.string(), reason: z.string() }))
});
export type VerdictResult = z.infer<typeof verdictResultSchema>;

/** A finding key's standing status from people's latest approve / reject on it. */
export interface StandingVerdict {
  caseKey: string;
  status: 'approved' | 'rejected';
}

/** One verdict as the evaluator reads it (every stored one, no cap). */
export interface EvaluationFeedback {
  caseKey: string;
  anomalyType: string;
  verdict: FeedbackVerdict;
}

/** A stored feedback row, with the case it was given on. */
export const feedbackRecordSchema = z.object({
  feedbackId: z.string(),
  caseId: z.string(),
  caseKey: z.string(),
  anomalyType: z.string(),
  caseTitle: z.string(),
  verdict: feedbackVerdictSchema,
  comment: z.string().nullable(),
  actor: actorSchema,
  at: isoTime
});
export type FeedbackRecord = z.infer<typeof feedbackRecordSchema>;

export const listLimitSchema = z.object({
  limit: z.number().int().positive().max(100_000).optional()
});
export type ListLimit = z.infer<typeof listLimitSchema>;

/** One evaluation of a run (after the run, and again after feedback). `metrics` is the evaluator's JSON. */
export const evaluationRecordSchema = z.object({
  evaluationId: id,
  runId: id,
  createdAt: isoTime,
  evaluator: z.enum(['rule', 'llm']),
  /** Overall 1–5, or null when there is nothing to judge. */
  score: z.number().min(0).max(5).nullable(),
  metrics: jsonValueSchema,
  notes: z.string().max(20_000).nullable()
});
export type EvaluationRecord = z.infer<typeof evaluationRecordSchema>;

/** One LLM call as stored (`llm_calls`): never the key. */
export const llmCallRecordSchema = z.object({
  callId: id,
  runId: z.string().max(200).nullable(),
  purpose: z.string().min(1).max(100),
  provider: z.string().max(200),
  model: z.string().max(300),
  messages: z.array(
    z.object({ role: z.enum(['system', 'user', 'assistant']), content: z.string() })
  ),
  responseText: z.string().nullable(),
  latencyMs: z.number().nonnegative().nullable(),
  promptTokens: z.number().int().nonnegative(),
  completionTokens: z.number().int().nonnegative(),
  validation: z.enum(['valid', 'repaired', 'invalid', 'error']),
  repairUsed: z.boolean(),
  fallbackUsed: z.boolean(),
  errorClass: z.string().max(50).nullable(),
  note: z.string().max(4000),
  mode: z.string().max(50),
  at: isoTime
});
export type LlmCallRow = z.infer<typeof llmCallRecordSchema>;

export const listLlmCallsInputSchema = z.object({
  runId: z.string().min(1).optional(),
  purpose: z.string().min(1).optional(),
  /** Only calls that fell back (true) or that the model decided (false). */
  fallbackUsed: z.boolean().optional(),
  limit: z.number().int().positive().max(5000).optional()
});
export type ListLlmCallsInput = z.infer<typeof listLlmCallsInputSchema>;

export const stateChangeSchema = z.object({
  /** The tables the change touched: each view refreshes only what it shows of these. */
  tables: z.array(z.string()),
  origin: z.enum(['local', 'remote']),
  /** The log position the change reached. */
  seq: z.number().int().optional()
});
export type StateChange = z.infer<typeof stateChangeSchema>;

export type TableCounts = Record<string, number>;

/** Outcome of a checkpoint; `seq` is the last WAL record folded into the stored image. */
export const flushResultSchema = z.object({
  seq: z.number().int().nonnegative(),
  imageBytes: z.number().int().nonnegative(),
  exportMs: z.number(),
  putMs: z.number()
});
export type FlushResult = z.infer<typeof flushResultSchema>;

/**
 * Every write method resolves only after its IndexedDB transaction completed (durable).
 * `onChange` takes a `Comlink.proxy(callback)` from the main thread.
 */
export interface StateApi {
  open(input?: OpenInput): Promise<OpenResult>;
  getSettings(): Promise<Record<string, JsonValue>>;
  setSetting(key: string, value: JsonValue): Promise<void>;
  deleteSetting(key: string): Promise<void>;
  putCases(cases: CaseInput[]): Promise<void>;
  listCases(input?: ListCasesInput): Promise<CaseRecord[]>;
  countCases(): Promise<number>;
  /** The feedback click: sets the status and records a feedback row for a verdict. */
  setCaseStatus(
    caseId: string,
    status: CaseStatus,
    actor: Actor,
    comment?: string
  ): Promise<SetCaseStatusResult>;
  /** The feedback buttons: status, feedback row and memory versions in one write (see `feedbackInputSchema`). */
  giveFeedback(input: FeedbackInput): Promise<void>;
  /** The verdict buttons: memory derived from the latest stored memory inside the write. */
  giveVerdict(input: VerdictInput): Promise<VerdictResult>;
  /** Latest first. */
  listFeedback(input?: ListLimit): Promise<FeedbackRecord[]>;
  /** Every finding key's standing approve / reject (latest verdict wins), computed in SQL. */
  standingVerdicts(): Promise<StandingVerdict[]>;
  /** Every stored verdict with its case's key and type, for the evaluator (no cap). */
  evaluationFeedback(): Promise<EvaluationFeedback[]>;
  /** Appends versions made by a person (roll back, reset); same continuity rule as `giveFeedback`. */
  appendMemoryVersions(versions: MemoryVersion[]): Promise<void>;
  /** Oldest first; empty when memory never changed (the defaults apply). */
  listMemoryVersions(): Promise<MemoryVersion[]>;
  saveEvaluation(evaluation: EvaluationRecord): Promise<void>;
  /** Latest first. */
  listEvaluations(input?: ListLimit): Promise<EvaluationRecord[]>;
  /** The Analyst page's question history (see `./analyst-history`). */
  saveAnalystQuestion(entry: AnalystQuestion): Promise<void>;
  /** Latest first. */
  listAnalystQuestions(input?: ListLimit): Promise<AnalystQuestion[]>;
  putActions(actions: ActionInput[]): Promise<void>;
  listActions(caseId?: string): Promise<ActionRecord[]>;
  transitionAction(
    actionId: string,
    toStatus: ActionStatus,
    actor: Actor,
    note?: string
  ): Promise<ActionEvent>;
  listActionEvents(actionId: string): Promise<ActionEvent[]>;
  /** Records a run as it starts (status `running`); `saveRun` completes it. */
  startRun(run: RunRecord): Promise<void>;
  saveRun(input: SaveRunInput): Promise<void>;
  /** Marks a run that did not get to `saveRun` as failed or cancelled, with the reason. */
  finishRun(input: FinishRunInput): Promise<void>;
  /** Latest first. */
  listRuns(input?: ListRunsInput): Promise<RunRecord[]>;
  getRun(runId: string): Promise<RunRecord | null>;
  /** The steps of a run in order. */
  listTraces(runId: string): Promise<TraceStep[]>;
  /** Stores LLM calls (a run's, a test's, an explanation's). */
  saveLlmCalls(calls: LlmCallRow[]): Promise<void>;
  /** Latest first. */
  listLlmCalls(input?: ListLlmCallsInput): Promise<LlmCallRow[]>;
  counts(): Promise<TableCounts>;
  resetAll(): Promise<void>;
  /** Folds the WAL into the stored image now (the page calls it on `pagehide`). */
  flush(): Promise<FlushResult>;
  onChange(callback: (change: StateChange) => void): Promise<void>;
  close(): Promise<void>;
}
