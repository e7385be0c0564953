/**
 * StateService: the product's own state (runs, cases, actions + audit trail, feedback, memory
 * versions, evaluations, traces, LLM calls, settings) in sql.js, persisted to IndexedDB.
 *
 * ## Persistence: a write-ahead log of statements plus checkpointed images
 * Saving the whole sql.js image on every write grows with the database (10k cases ≈ 4.7 MB:
 * export ≈ 25 ms + IndexedDB put ≈ 60 ms; 100k cases ≈ 47 MB: 170 + 500 ms), so a write never
 * waits for an image save. IndexedDB database `dbName` has the stores `images`, `wal`,
 * `wal_rejected` and `meta`.
 * - A write is a list of `{ sql, params }` statements. They are pure (ids and timestamps are
 *   parameters computed before, no `random()` or `datetime('now')`), run in one SQLite
 *   transaction, and are appended as ONE record to `wal` (autoIncrement key = global sequence).
 *   The write resolves when that IndexedDB transaction completes. If the append fails (a full
 *   disk → `storage_full`), the still-open SQLite transaction is rolled back: memory never holds
 *   what the disk does not.
 * - Tabs: every write, catch-up and checkpoint runs under `locks.request('opsiq-state-write')`.
 *   A writer first applies the WAL records after its `lastApplied` in order, then its own
 *   statements, appends, and posts `{ type: 'wal', seq }` on the channel. Other tabs catch up on
 *   that message (or a 1 s poll, for a missed one) and call `onChange` with origin 'remote'. All
 *   tabs apply the same log in the same order, so they converge and nothing is lost. Migrations
 *   are ordinary logged writes, so they too sit at one place in everyone's log.
 * - Checkpoint (1 s after writes go idle, at once past `maxWalRecords`, and on `flush()`, which
 *   the page calls on `pagehide`): under the lock, `db.export()` and, in ONE IndexedDB
 *   transaction, put `{ format: 1, schemaVersion, seq, image }` as 'current', record `seq` in
 *   `meta`, and delete WAL records ≤ seq. A tab whose `lastApplied` is below the image's seq
 *   (records it never saw were folded into the image) reloads the image before catching up.
 * - Open: read 'current' (shape checked with zod), open it, `PRAGMA quick_check`, replay the WAL
 *   after its seq, then run pending migrations. Data of a newer schema than this code knows is
 *   refused with `state_corrupted` and left untouched. A corrupted image is never silently
 *   replaced: it is copied to `corrupt-<seq>` in `images`, the WAL records after it go to
 *   `wal_rejected`, `open` reports `corruption: { reason, setAsideKey }` and the app continues
 *   on a fresh database. A WAL record that fails to apply is moved to `wal_rejected` and
 *   reported (`walRejected`), not dropped.
 * - `resetAll()` and corruption recovery "rebase": a marker record takes the next seq, a fresh
 *   image is stored under it and the WAL is cleared, so every other tab sees a newer image and
 *   reloads it. resetAll also forgets set-aside images and rejected records (it is the user's
 *   explicit "erase everything").
 */
import type { Database, SqlJsStatic } from 'sql.js';
import { z } from 'zod';
import { analystQuestionSchema, type AnalystQuestion } from '../contracts/analyst-history';
import { OpsiqError } from '../contracts/errors';
import {
  actionInputSchema,
  actionStatusSchema,
  actorSchema,
  caseInputSchema,
  caseStatusSchema,
  evaluationRecordSchema,
  feedbackInputSchema,
  finishRunInputSchema,
  verdictInputSchema,
  type EvaluationFeedback,
  type StandingVerdict,
  type VerdictResult,
  jsonValueSchema,
  listCasesInputSchema,
  listLimitSchema,
  listLlmCallsInputSchema,
  listRunsInputSchema,
  llmCallRecordSchema,
  memoryVersionSchema,
  noteSchema,
  openInputSchema,
  runRecordSchema,
  saveRunInputSchema,
  settingKeySchema,
  type ActionEvent,
  type ActionRecord,
  type CaseRecord,
  type EvaluationRecord,
  type FeedbackRecord,
  type FlushResult,
  type JsonValue,
  type LlmCallRow,
  type MemoryVersion,
  type OpenResult,
  type RunRecord,
  type SetCaseStatusResult,
  type StateApi,
  type StateChange,
  type TableCounts,
  type TraceStep
} from '../contracts/state';
import { DurableDb, type DurableTuning, type WritePlan } from './state/durable-db';
import { stateTables } from './state/migrations';
import { queryValue } from './state/sql';
import type { LockManagerLike, StateChannel } from './state/tab-sync';
import { WalStore } from './state/wal-store';
import * as analystHistory from './state/repositories/analyst';
import * as actions from './state/repositories/actions';
import * as cases from './state/repositories/cases';
import * as evaluations from './state/repositories/evaluations';
import * as feedback from './state/repositories/feedback';
import * as llmCalls from './state/repositories/llm-calls';
import * as memory from './state/repositories/memory';
import * as runs from './state/repositories/runs';
import * as settings from './state/repositories/settings';
import * as verdicts from './state/repositories/verdicts';

export type { LockManagerLike, StateChannel } from './state/tab-sync';

export interface StateDeps {
  /** Loads sql.js; the browser passes the wasm URL it got from `open`, Node ignores it. */
  loadSqlJs: (wasmUrl: string | undefined) => Promise<SqlJsStatic>;
  idb: IDBFactory;
  locks: LockManagerLike;
  channel: StateChannel | undefined;
  /** ISO wall clock, for audit timestamps only. */
  now: () => string;
  dbName: string;
  /** Checkpoint and sync timing; undefined = the defaults below. */
  tuning: Partial<DurableTuning> | undefined;
}

export const defaultTuning: DurableTuning = {
  checkpointIdleMs: 1000,
  maxWalRecords: 500,
  pollMs: 1000,
  durability: 'strict'
};

/** Validates at the edge: a bad payload is the caller's mistake, named as such. */
function parse<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new OpsiqError('invalid_input', `Invalid ${what}: ${z.prettifyError(result.error)}`);
  }
  return result.data;
}

export class StateService implements StateApi {
  readonly #deps: StateDeps;
  #opening: Promise<OpenResult> | undefined;
  #durable: DurableDb | undefined;
  readonly #listeners: Array<(change: StateChange) => void> = [];

  constructor(deps: StateDeps) {
    this.#deps = deps;
  }

  open(input: unknown = {}): Promise<OpenResult> {
    const { wasmUrl } = parse(openInputSchema, input, 'open input');
    // One promise: concurrent callers share it; a failed open may be retried.
    this.#opening ??= this.#open(wasmUrl).catch((error: unknown) => {
      this.#opening = undefined;
      throw error;
    });
    return this.#opening;
  }

  async getSettings(): Promise<Record<string, JsonValue>> {
    return this.#read((db) => settings.readSettings(db));
  }

  async setSetting(key: string, value: JsonValue): Promise<void> {
    const k = parse(settingKeySchema, key, 'setting key');
    const v = parse(jsonValueSchema, value, 'setting value');
    const at = this.#deps.now();
    await this.#write(['settings'], () => ({
      statements: settings.setSettingSql(k, v, at),
      result: undefined
    }));
  }

  async deleteSetting(key: string): Promise<void> {
    const k = parse(settingKeySchema, key, 'setting key');
    await this.#write(['settings'], () => ({
      statements: settings.deleteSettingSql(k),
      result: undefined
    }));
  }

  async putCases(input: unknown[]): Promise<void> {
    const rows = parse(z.array(caseInputSchema), input, 'cases');
    await this.#write(['cases'], () => ({
      statements: cases.putCasesSql(rows),
      result: undefined
    }));
  }

  async listCases(input: unknown = {}): Promise<CaseRecord[]> {
    const query = parse(listCasesInputSchema, input, 'case query');
    return this.#read((db) => cases.listCases(db, query));
  }

  async countCases(): Promise<number> {
    return this.#read((db) => cases.countCases(db));
  }

  async setCaseStatus(
    caseId: string,
    status: string,
    actor: unknown,
    comment?: string
  ): Promise<SetCaseStatusResult> {
    const input = {
      caseId: parse(z.string().min(1), caseId, 'case id'),
      status: parse(caseStatusSchema, status, 'case status'),
      actor: parse(actorSchema, actor, 'actor'),
      comment: parse(noteSchema, comment, 'comment') ?? null
    };
    const ids = { feedbackId: crypto.randomUUID(), at: this.#deps.now() };
    return this.#write(['cases', 'feedback'], (db) => {
      const { statements, feedbackId } = cases.setCaseStatusSql(db, input, ids);
      return { statements, result: { feedbackId } };
    });
  }

  async giveFeedback(input: unknown): Promise<void> {
    const values = parse(feedbackInputSchema, input, 'feedback');
    await this.#write(['cases', 'feedback', 'memory_versions', 'memory_changes'], (db) => ({
      statements: feedback.giveFeedbackSql(db, values),
      result: undefined
    }));
  }

  async giveVerdict(input: unknown): Promise<VerdictResult> {
    const values = parse(verdictInputSchema, input, 'verdict');
    return this.#write(['cases', 'feedback', 'memory_versions', 'memory_changes'], (db) =>
      verdicts.giveVerdictPlan(db, values)
    );
  }

  async standingVerdicts(): Promise<StandingVerdict[]> {
    return this.#read((db) => feedback.standingVerdicts(db));
  }

  async evaluationFeedback(): Promise<EvaluationFeedback[]> {
    return this.#read((db) => feedback.evaluationFeedback(db));
  }

  async listFeedback(input: unknown = {}): Promise<FeedbackRecord[]> {
    const query = parse(listLimitSchema, input, 'feedback query');
    return this.#read((db) => feedback.listFeedback(db, query));
  }

  async appendMemoryVersions(input: unknown[]): Promise<void> {
    const versions = parse(z.array(memoryVersionSchema), input, 'memory versions');
    await this.#write(['memory_versions', 'memory_changes'], (db) => {
      memory.checkMemoryContinuity(db, versions);
      return { statements: memory.appendMemoryVersionsSql(versions), result: undefined };
    });
  }

  async listMemoryVersions(): Promise<MemoryVersion[]> {
    return this.#read((db) => memory.listMemoryVersions(db));
  }

  async saveEvaluation(input: unknown): Promise<void> {
    const evaluation = parse(evaluationRecordSchema, input, 'evaluation');
    await this.#write(['evaluations'], () => ({
      statements: evaluations.saveEvaluationSql(evaluation),
      result: undefined
    }));
  }

  async listEvaluations(input: unknown = {}): Promise<EvaluationRecord[]> {
    const query = parse(listLimitSchema, input, 'evaluation query');
    return this.#read((db) => evaluations.listEvaluations(db, query));
  }

  async saveAnalystQuestion(input: unknown): Promise<void> {
    const entry = parse(analystQuestionSchema, input, 'analyst question');
    await this.#write(['analyst_questions'], () => ({
      statements: analystHistory.saveAnalystQuestionSql(entry),
      result: undefined
    }));
  }

  async listAnalystQuestions(input: unknown = {}): Promise<AnalystQuestion[]> {
    const { limit } = parse(listLimitSchema, input, 'analyst question query');
    return analystHistory.listAnalystQuestions((await this.#ready()).db, limit ?? 50);
  }

  async putActions(input: unknown[]): Promise<void> {
    const rows = parse(z.array(actionInputSchema), input, 'actions');
    await this.#write(['actions'], () => ({
      statements: actions.putActionsSql(rows),
      result: undefined
    }));
  }

  async listActions(caseId?: string): Promise<ActionRecord[]> {
    const id = parse(z.string().min(1).optional(), caseId, 'case id');
    return this.#read((db) => actions.listActions(db, id));
  }

  async transitionAction(
    actionId: string,
    toStatus: string,
    actor: unknown,
    note?: string
  ): Promise<ActionEvent> {
    const input = {
      actionId: parse(z.string().min(1), actionId, 'action id'),
      toStatus: parse(actionStatusSchema, toStatus, 'action status'),
      actor: parse(actorSchema, actor, 'actor'),
      note: parse(noteSchema, note, 'note') ?? null
    };
    const ids = { eventId: crypto.randomUUID(), at: this.#deps.now() };
    return this.#write(['actions', 'action_events'], (db) => {
      const { statements, event } = actions.transitionActionSql(db, input, ids);
      return { statements, result: event };
    });
  }

  async listActionEvents(actionId: string): Promise<ActionEvent[]> {
    const id = parse(z.string().min(1), actionId, 'action id');
    return this.#read((db) => actions.listActionEvents(db, id));
  }

  async startRun(input: unknown): Promise<void> {
    const run = parse(runRecordSchema, input, 'run');
    await this.#write(['runs'], () => ({ statements: [runs.putRunSql(run)], result: undefined }));
  }

  async saveRun(input: unknown): Promise<void> {
    const values = parse(saveRunInputSchema, input, 'run to save');
    await this.#write(['runs', 'cases', 'actions', 'action_events', 'traces'], () => ({
      statements: runs.saveRunSql(values),
      result: undefined
    }));
  }

  async finishRun(input: unknown): Promise<void> {
    const values = parse(finishRunInputSchema, input, 'run to finish');
    await this.#write(['runs'], () => ({
      statements: runs.finishRunSql(values),
      result: undefined
    }));
  }

  async listRuns(input: unknown = {}): Promise<RunRecord[]> {
    const query = parse(listRunsInputSchema, input, 'run query');
    return this.#read((db) => runs.listRuns(db, query));
  }

  async getRun(runId: string): Promise<RunRecord | null> {
    const id = parse(z.string().min(1), runId, 'run id');
    return this.#read((db) => runs.getRun(db, id));
  }

  async listTraces(runId: string): Promise<TraceStep[]> {
    const id = parse(z.string().min(1), runId, 'run id');
    return this.#read((db) => runs.listTraces(db, id));
  }

  async saveLlmCalls(input: unknown[]): Promise<void> {
    const calls = parse(z.array(llmCallRecordSchema), input, 'LLM calls');
    if (calls.length === 0) return;
    await this.#write(['llm_calls'], () => ({
      statements: llmCalls.saveLlmCallsSql(calls),
      result: undefined
    }));
  }

  async listLlmCalls(input: unknown = {}): Promise<LlmCallRow[]> {
    const query = parse(listLlmCallsInputSchema, input, 'LLM call query');
    return llmCalls.listLlmCalls((await this.#ready()).db, query);
  }

  async counts(): Promise<TableCounts> {
    return this.#read((db) =>
      Object.fromEntries(
        stateTables.map((table) => [table, Number(queryValue(db, `SELECT COUNT(*) FROM ${table}`))])
      )
    );
  }

  async resetAll(): Promise<void> {
    await (await this.#ready()).reset();
  }

  async flush(): Promise<FlushResult> {
    return (await this.#ready()).checkpoint();
  }

  async onChange(callback: (change: StateChange) => void): Promise<void> {
    if (typeof callback !== 'function') {
      throw new OpsiqError(
        'invalid_input',
        'onChange needs a callback (Comlink.proxy(fn) from the page)'
      );
    }
    this.#listeners.push(callback);
  }

  async close(): Promise<void> {
    const opening = this.#opening;
    this.#opening = undefined;
    if (opening === undefined) return;
    await opening.catch(() => undefined);
    await this.#durable?.close();
    this.#durable = undefined;
  }

  async #open(wasmUrl: string | undefined): Promise<OpenResult> {
    const [sql, wal] = await Promise.all([
      this.#deps.loadSqlJs(wasmUrl).catch((error: unknown) => {
        throw new OpsiqError('engine_failed', `sql.js failed to load: ${String(error)}`);
      }),
      WalStore.open(this.#deps.idb, this.#deps.dbName, this.#tuning().durability).catch(
        (error: unknown) => {
          throw new OpsiqError('storage_failed', `IndexedDB failed to open: ${String(error)}`);
        }
      )
    ]);
    try {
      const { durable, report } = await DurableDb.open({
        sql,
        wal,
        locks: this.#deps.locks,
        channel: this.#deps.channel,
        now: this.#deps.now,
        tuning: this.#tuning(),
        notify: (change) => this.#notify(change)
      });
      this.#durable = durable;
      return report;
    } catch (error) {
      wal.close();
      throw error;
    }
  }

  #tuning(): DurableTuning {
    return { ...defaultTuning, ...this.#deps.tuning };
  }

  async #ready(): Promise<DurableDb> {
    if (this.#opening === undefined) {
      throw new OpsiqError('invalid_input', 'StateService.open() must be called first');
    }
    await this.#opening;
    if (this.#durable === undefined) throw new OpsiqError('internal', 'State not open');
    return this.#durable;
  }

  /** Reads see committed state only (a write waiting for IndexedDB may still roll back). */
  async #read<T>(query: (db: Database) => T): Promise<T> {
    return (await this.#ready()).read(query);
  }

  async #write<T>(tables: string[], plan: (db: Database) => WritePlan<T>): Promise<T> {
    return (await this.#ready()).write(tables, plan);
  }

  #notify(change: StateChange): void {
    for (const listener of this.#listeners) {
      try {
        // A Comlink proxy returns a promise that rejects once the page has gone away.
        void Promise.resolve(listener(change)).catch(() => undefined);
      } catch {
        // A failing listener must not fail the write that already happened.
      }
    }
  }
}
