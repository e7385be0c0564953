import type { Database, SqlValue } from 'sql.js';
import {
  evaluationRecordSchema,
  type EvaluationRecord,
  type ListLimit
} from '../../../contracts/state';
import { fromJson, queryRows, stmt, toJson, type Row, type Statement } from '../sql';

/** Upsert by evaluation id: evaluating again under the same id replaces the verdict. */
export function saveEvaluationSql(e: EvaluationRecord): Statement[] {
  return [
    stmt(
      `INSERT INTO evaluations (evaluation_id, run_id, created_at, evaluator, score, metrics_json,
         notes) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (evaluation_id) DO UPDATE SET run_id = excluded.run_id,
         created_at = excluded.created_at, evaluator = excluded.evaluator,
         score = excluded.score, metrics_json = excluded.metrics_json, notes = excluded.notes`,
      e.evaluationId,
      e.runId,
      e.createdAt,
      e.evaluator,
      e.score,
      toJson(e.metrics),
      e.notes
    )
  ];
}

/** Latest first. */
export function listEvaluations(db: Database, input: ListLimit): EvaluationRecord[] {
  const params: SqlValue[] = [];
  let limit = '';
  if (input.limit !== undefined) {
    limit = 'LIMIT ?';
    params.push(input.limit);
  }
  const sql = `SELECT * FROM evaluations ORDER BY created_at DESC, evaluation_id ${limit}`;
  return queryRows(db, sql, params).map(toEvaluationRecord);
}

function toEvaluationRecord(row: Row): EvaluationRecord {
  return evaluationRecordSchema.parse({
    evaluationId: row['evaluation_id'],
    runId: row['run_id'],
    createdAt: row['created_at'],
    evaluator: row['evaluator'],
    score: row['score'],
    metrics: fromJson(row['metrics_json']),
    notes: row['notes']
  });
}
