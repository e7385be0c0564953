import type { Database } from 'sql.js';
import { analystQuestionSchema, type AnalystQuestion } from '../../../contracts/analyst-history';
import { fromJson, queryRows, stmt, toJson, type Statement } from '../sql';

export function saveAnalystQuestionSql(q: AnalystQuestion): Statement[] {
  return [
    stmt(
      `INSERT INTO analyst_questions (question_id, dataset_id, question, answer_text, answer_json, at)
       VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (question_id) DO UPDATE SET answer_text = excluded.answer_text,
         answer_json = excluded.answer_json, at = excluded.at`,
      q.questionId,
      q.datasetId,
      q.question,
      q.text,
      toJson(q.answer ?? null),
      q.at
    )
  ];
}

/** Latest first. */
export function listAnalystQuestions(db: Database, limit: number): AnalystQuestion[] {
  return queryRows(db, 'SELECT * FROM analyst_questions ORDER BY at DESC, question_id LIMIT ?', [
    limit
  ]).map((row) =>
    analystQuestionSchema.parse({
      questionId: row['question_id'],
      datasetId: row['dataset_id'],
      question: row['question'],
      text: row['answer_text'],
      answer: fromJson(row['answer_json']),
      at: row['at']
    })
  );
}
