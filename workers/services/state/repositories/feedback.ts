import type { Database, SqlValue } from 'sql.js';
import type { z } from 'zod';
import {
  feedbackRecordSchema,
  feedbackVerdictSchema,
  type EvaluationFeedback,
  type StandingVerdict,
  type CaseStatus,
  type FeedbackRecord,
  type FeedbackVerdict,
  type ListLimit,
  type feedbackInputSchema
} from '../../../contracts/state';
import { OpsiqError } from '../../../contracts/errors';
import { queryRows, queryValue, stmt, type Row, type Statement } from '../sql';
import { appendMemoryVersionsSql, checkMemoryContinuity } from './memory';

type FeedbackValues = z.output<typeof feedbackInputSchema>;

const statusOf: Record<FeedbackVerdict, CaseStatus> = {
  approve: 'approved',
  reject: 'rejected',
  false_positive: 'false_positive'
};

/**
 * A verdict in one write: the case's status follows it, the feedback row keeps the case's
 * stable key, and the memory versions derived from it are appended (feedback first, so their
 * changes may refer to it). Throws `not_found` / `conflict` before any statement exists.
 */
export function giveFeedbackSql(db: Database, input: FeedbackValues): Statement[] {
  const key = queryValue(db, 'SELECT key FROM cases WHERE case_id = ?', [input.caseId]);
  if (typeof key !== 'string') throw new OpsiqError('not_found', `No case ${input.caseId}`);
  checkMemoryContinuity(db, input.memoryVersions);
  return [
    stmt(
      'UPDATE cases SET status = ?, updated_at = ? WHERE case_id = ?',
      statusOf[input.verdict],
      input.at,
      input.caseId
    ),
    stmt(
      `INSERT INTO feedback (feedback_id, case_id, case_key, verdict, comment, actor, actor_name, at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      input.feedbackId,
      input.caseId,
      key,
      input.verdict,
      input.comment,
      input.actor.type,
      input.actor.name,
      input.at
    ),
    ...appendMemoryVersionsSql(input.memoryVersions)
  ];
}

/** Latest first, with the case each verdict was given on. */
export function listFeedback(db: Database, input: ListLimit): FeedbackRecord[] {
  const params: SqlValue[] = [];
  let limit = '';
  if (input.limit !== undefined) {
    limit = 'LIMIT ?';
    params.push(input.limit);
  }
  const sql = `SELECT f.*, c.anomaly_type, c.title FROM feedback f
    JOIN cases c ON c.case_id = f.case_id
    ORDER BY f.at DESC, f.feedback_id ${limit}`;
  return queryRows(db, sql, params).map(toFeedbackRecord);
}

/**
 * Each finding key's standing status: people's latest verdict on it (the same order as
 * `listFeedback`: latest `at` first, then feedback id), kept when it is approve or reject. A
 * false positive is memory's business (a dismissal), so it gives no standing status. In SQL,
 * over every stored verdict: nothing is capped.
 */
export function standingVerdicts(db: Database): StandingVerdict[] {
  return queryRows(
    db,
    `SELECT case_key, verdict FROM (
       SELECT case_key, verdict,
         ROW_NUMBER() OVER (PARTITION BY case_key ORDER BY at DESC, feedback_id) AS n
       FROM feedback)
     WHERE n = 1 AND verdict IN ('approve', 'reject')
     ORDER BY case_key`
  ).map((row) => ({
    caseKey: String(row['case_key']),
    status: row['verdict'] === 'approve' ? 'approved' : 'rejected'
  }));
}

/** Every verdict with its case's type, latest first (the evaluator's input), uncapped. */
export function evaluationFeedback(db: Database): EvaluationFeedback[] {
  return queryRows(
    db,
    `SELECT f.case_key, c.anomaly_type, f.verdict FROM feedback f
     JOIN cases c ON c.case_id = f.case_id
     ORDER BY f.at DESC, f.feedback_id`
  ).map((row) => ({
    caseKey: String(row['case_key']),
    anomalyType: String(row['anomaly_type']),
    verdict: feedbackVerdictSchema.parse(row['verdict'])
  }));
}

function toFeedbackRecord(row: Row): FeedbackRecord {
  return feedbackRecordSchema.parse({
    feedbackId: row['feedback_id'],
    caseId: row['case_id'],
    caseKey: row['case_key'],
    anomalyType: row['anomaly_type'],
    caseTitle: row['title'],
    verdict: row['verdict'],
    comment: row['comment'],
    actor: { type: row['actor'], name: row['actor_name'] },
    at: row['at']
  });
}
