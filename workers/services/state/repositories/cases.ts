import type { Database, SqlValue } from 'sql.js';
import {
  caseRecordSchema,
  caseInputSchema,
  type Actor,
  type CaseRecord,
  type CaseStatus,
  type FeedbackVerdict,
  type ListCasesInput
} from '../../../contracts/state';
import { OpsiqError } from '../../../contracts/errors';
import { fromJson, queryRows, queryValue, stmt, toJson, type Row, type Statement } from '../sql';

type CaseValues = ReturnType<typeof caseInputSchema.parse>;

const UPSERT = `INSERT INTO cases (case_id, key, run_id, anomaly_type, title, severity, confidence,
    confidence_label, estimated_impact, status, evidence_json, entities_json, sentiment_json,
    recommended_action, created_at, updated_at)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
  ON CONFLICT (case_id) DO UPDATE SET key = excluded.key, run_id = excluded.run_id,
    anomaly_type = excluded.anomaly_type, title = excluded.title, severity = excluded.severity,
    confidence = excluded.confidence, confidence_label = excluded.confidence_label,
    estimated_impact = excluded.estimated_impact, status = excluded.status,
    evidence_json = excluded.evidence_json, entities_json = excluded.entities_json,
    sentiment_json = excluded.sentiment_json, recommended_action = excluded.recommended_action,
    created_at = excluded.created_at, updated_at = excluded.updated_at`;

/** Bulk upsert by case_id; `updated_at` starts as `created_at`. */
export function putCasesSql(cases: readonly CaseValues[]): Statement[] {
  return cases.map((c) =>
    stmt(
      UPSERT,
      c.caseId,
      c.key,
      c.runId,
      c.anomalyType,
      c.title,
      c.severity,
      c.confidence,
      c.confidenceLabel,
      c.estimatedImpact,
      c.status,
      toJson(c.evidence),
      toJson(c.entities),
      toJson(c.sentiment),
      c.recommendedAction,
      c.createdAt,
      c.createdAt
    )
  );
}

export function listCases(db: Database, input: ListCasesInput): CaseRecord[] {
  const where: string[] = [];
  const params: SqlValue[] = [];
  if (input.runId !== undefined) {
    where.push('run_id = ?');
    params.push(input.runId);
  }
  if (input.status !== undefined) {
    where.push('status = ?');
    params.push(input.status);
  }
  const sql = `SELECT * FROM cases ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
    ORDER BY estimated_impact DESC, case_id ${input.limit !== undefined ? `LIMIT ${input.limit}` : ''}`;
  return queryRows(db, sql, params).map(toCaseRecord);
}

export function countCases(db: Database): number {
  return Number(queryValue(db, 'SELECT COUNT(*) FROM cases'));
}

const verdictOf: Partial<Record<CaseStatus, FeedbackVerdict>> = {
  approved: 'approve',
  rejected: 'reject',
  false_positive: 'false_positive'
};

/** The feedback click: new status, plus a feedback row when the status is a verdict. */
export function setCaseStatusSql(
  db: Database,
  input: { caseId: string; status: CaseStatus; actor: Actor; comment: string | null },
  ids: { feedbackId: string; at: string }
): { statements: Statement[]; feedbackId: string | null } {
  const key = queryValue(db, 'SELECT key FROM cases WHERE case_id = ?', [input.caseId]);
  if (typeof key !== 'string') throw new OpsiqError('not_found', `No case ${input.caseId}`);
  const statements = [
    stmt(
      'UPDATE cases SET status = ?, updated_at = ? WHERE case_id = ?',
      input.status,
      ids.at,
      input.caseId
    )
  ];
  const verdict = verdictOf[input.status];
  if (verdict === undefined) return { statements, feedbackId: null };
  statements.push(
    stmt(
      `INSERT INTO feedback (feedback_id, case_id, case_key, verdict, comment, actor, actor_name, at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ids.feedbackId,
      input.caseId,
      key,
      verdict,
      input.comment,
      input.actor.type,
      input.actor.name,
      ids.at
    )
  );
  return { statements, feedbackId: ids.feedbackId };
}

function toCaseRecord(row: Row): CaseRecord {
  return caseRecordSchema.parse({
    caseId: row['case_id'],
    key: row['key'],
    runId: row['run_id'],
    anomalyType: row['anomaly_type'],
    title: row['title'],
    severity: row['severity'],
    confidence: row['confidence'],
    confidenceLabel: row['confidence_label'],
    estimatedImpact: row['estimated_impact'],
    status: row['status'],
    evidence: fromJson(row['evidence_json']),
    entities: fromJson(row['entities_json']),
    sentiment: fromJson(row['sentiment_json']),
    recommendedAction: row['recommended_action'],
    createdAt: row['created_at'],
    updatedAt: row['updated_at']
  });
}
