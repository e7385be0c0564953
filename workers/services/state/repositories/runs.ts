import type { Database } from 'sql.js';
import {
  runRecordSchema,
  traceStepSchema,
  type Actor,
  type FinishRunInput,
  type ListRunsInput,
  type RunRecord,
  type TraceStep
} from '../../../contracts/state';
import { fromJson, queryRows, stmt, toJson, type Row, type Statement } from '../sql';
import { putActionsSql } from './actions';
import { putCasesSql } from './cases';

type SaveRunValues = {
  run: RunRecord;
  cases: Parameters<typeof putCasesSql>[0];
  actions: Parameters<typeof putActionsSql>[0];
  traces: readonly TraceStep[];
  actor: Actor;
};

const UPSERT_RUN = `INSERT INTO runs (run_id, dataset_id, started_at, finished_at, status,
    trigger_json, plan_json, summary, memory_version, failure_reason)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
  ON CONFLICT (run_id) DO UPDATE SET dataset_id = excluded.dataset_id,
    started_at = excluded.started_at, finished_at = excluded.finished_at, status = excluded.status,
    trigger_json = excluded.trigger_json, plan_json = excluded.plan_json,
    summary = excluded.summary, memory_version = excluded.memory_version,
    failure_reason = excluded.failure_reason`;

export function putRunSql(run: RunRecord): Statement {
  return stmt(
    UPSERT_RUN,
    run.runId,
    run.datasetId,
    run.startedAt,
    run.finishedAt,
    run.status,
    toJson(run.trigger),
    toJson(run.plan),
    run.summary,
    run.memoryVersion,
    run.failureReason ?? null
  );
}

/**
 * Ends a run that never reached `saveRun` (it threw, or was cancelled). Only a run still
 * `running` changes: a run that did finish keeps its outcome.
 */
export function finishRunSql(input: FinishRunInput): Statement[] {
  return [
    stmt(
      `UPDATE runs SET status = ?, finished_at = ?, failure_reason = ?
       WHERE run_id = ? AND status = 'running'`,
      input.status,
      input.finishedAt,
      input.reason,
      input.runId
    )
  ];
}

/**
 * The run, its cases, actions and trace in one write. Each new action gets its opening audit
 * event (null → its status, by the agent); the event id derives from the action id, so saving
 * the same run twice adds no second event.
 */
export function saveRunSql(input: SaveRunValues): Statement[] {
  const events = input.actions.map((a) =>
    stmt(
      `INSERT OR IGNORE INTO action_events (event_id, action_id, from_status, to_status, actor,
         actor_name, note, at) VALUES (?, ?, NULL, ?, ?, ?, ?, ?)`,
      `${a.actionId}:opened`,
      a.actionId,
      a.status,
      input.actor.type,
      input.actor.name,
      `Opened by ${input.actor.name} in run ${input.run.runId}`,
      a.createdAt
    )
  );
  const traces = input.traces.map((t) =>
    stmt(
      `INSERT INTO traces (trace_id, run_id, step, seq, started_at, duration_ms, input_json,
         output_json, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (trace_id) DO UPDATE SET step = excluded.step, seq = excluded.seq,
         started_at = excluded.started_at, duration_ms = excluded.duration_ms,
         input_json = excluded.input_json, output_json = excluded.output_json,
         status = excluded.status`,
      t.traceId,
      t.runId,
      t.step,
      t.seq,
      t.startedAt,
      t.durationMs,
      toJson(t.input),
      toJson(t.output),
      t.status
    )
  );
  return [
    putRunSql(input.run),
    ...putCasesSql(input.cases),
    ...putActionsSql(input.actions),
    ...events,
    ...traces
  ];
}

export function listRuns(db: Database, input: ListRunsInput): RunRecord[] {
  const limit = input.limit !== undefined ? `LIMIT ${input.limit}` : '';
  const where = input.finished === true ? `WHERE status = 'succeeded'` : '';
  return queryRows(db, `SELECT * FROM runs ${where} ORDER BY started_at DESC, run_id ${limit}`).map(
    toRun
  );
}

export function getRun(db: Database, runId: string): RunRecord | null {
  const [row] = queryRows(db, 'SELECT * FROM runs WHERE run_id = ?', [runId]);
  return row ? toRun(row) : null;
}

export function listTraces(db: Database, runId: string): TraceStep[] {
  return queryRows(db, 'SELECT * FROM traces WHERE run_id = ? ORDER BY seq, trace_id', [runId]).map(
    (row) =>
      traceStepSchema.parse({
        traceId: row['trace_id'],
        runId: row['run_id'],
        step: row['step'],
        seq: row['seq'],
        startedAt: row['started_at'],
        durationMs: row['duration_ms'],
        input: fromJson(row['input_json']),
        output: fromJson(row['output_json']),
        status: row['status']
      })
  );
}

function toRun(row: Row): RunRecord {
  return runRecordSchema.parse({
    runId: row['run_id'],
    datasetId: row['dataset_id'],
    startedAt: row['started_at'],
    finishedAt: row['finished_at'],
    status: row['status'],
    trigger: fromJson(row['trigger_json']),
    plan: fromJson(row['plan_json']),
    summary: row['summary'],
    memoryVersion: row['memory_version'],
    failureReason: row['failure_reason'] ?? null
  });
}
