import type { Database, SqlValue } from 'sql.js';
import {
  llmCallRecordSchema,
  type ListLlmCallsInput,
  type LlmCallRow
} from '../../../contracts/state';
import { fromJson, queryRows, stmt, toJson, type Row, type Statement } from '../sql';

/** Upsert by call id. */
export function saveLlmCallsSql(calls: readonly LlmCallRow[]): Statement[] {
  return calls.map((c) =>
    stmt(
      `INSERT INTO llm_calls (call_id, run_id, purpose, model, prompt_json, response_text,
         latency_ms, validation, fallback_used, at, provider, prompt_tokens, completion_tokens,
         repair_used, error_class, note, mode)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (call_id) DO UPDATE SET response_text = excluded.response_text,
         validation = excluded.validation, fallback_used = excluded.fallback_used,
         note = excluded.note, error_class = excluded.error_class`,
      c.callId,
      c.runId,
      c.purpose,
      c.model,
      toJson(c.messages),
      c.responseText,
      c.latencyMs,
      c.validation,
      c.fallbackUsed ? 1 : 0,
      c.at,
      c.provider,
      c.promptTokens,
      c.completionTokens,
      c.repairUsed ? 1 : 0,
      c.errorClass,
      c.note,
      c.mode
    )
  );
}

/** Latest first, filtered by run, step and whether the model's answer was used. */
export function listLlmCalls(db: Database, input: ListLlmCallsInput): LlmCallRow[] {
  const where: string[] = [];
  const params: SqlValue[] = [];
  if (input.runId !== undefined) {
    where.push('run_id = ?');
    params.push(input.runId);
  }
  if (input.purpose !== undefined) {
    where.push('purpose = ?');
    params.push(input.purpose);
  }
  if (input.fallbackUsed !== undefined) {
    where.push('fallback_used = ?');
    params.push(input.fallbackUsed ? 1 : 0);
  }
  params.push(input.limit ?? 500);
  const sql = `SELECT * FROM llm_calls ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
    ORDER BY at DESC, call_id LIMIT ?`;
  return queryRows(db, sql, params).map(toRecord);
}

function toRecord(row: Row): LlmCallRow {
  return llmCallRecordSchema.parse({
    callId: row['call_id'],
    runId: row['run_id'],
    purpose: row['purpose'],
    provider: row['provider'],
    model: row['model'],
    messages: fromJson(row['prompt_json']),
    responseText: row['response_text'],
    latencyMs: row['latency_ms'],
    promptTokens: row['prompt_tokens'],
    completionTokens: row['completion_tokens'],
    validation: row['validation'],
    repairUsed: row['repair_used'] === 1,
    fallbackUsed: row['fallback_used'] === 1,
    errorClass: row['error_class'],
    note: row['note'],
    mode: row['mode'],
    at: row['at']
  });
}
