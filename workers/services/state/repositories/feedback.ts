import type { Database, SqlValue } from 'sql.js';
import type { z } from 'zod';
import {
  feedbackRecordSchema,
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
