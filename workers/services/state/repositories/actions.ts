import type { Database } from 'sql.js';
import {
  actionEventSchema,
  actionRecordSchema,
  actionInputSchema,
  type ActionEvent,
  type ActionRecord,
  type ActionStatus,
  type Actor
} from '../../../contracts/state';
import { OpsiqError } from '../../../contracts/errors';
import { queryRows, queryValue, stmt, type Statement } from '../sql';

type ActionValues = ReturnType<typeof actionInputSchema.parse>;

/** Which status may follow which: finished actions can only be reopened. */
const allowed: Record<ActionStatus, readonly ActionStatus[]> = {
  open: ['acknowledged', 'done', 'dismissed'],
  acknowledged: ['open', 'done', 'dismissed'],
  done: ['open'],
  dismissed: ['open']
};

/** Upsert by action_id; an existing action keeps its status (only transitions change it, audited). */
export function putActionsSql(actions: readonly ActionValues[]): Statement[] {
  return actions.map((a) =>
    stmt(
      `INSERT INTO actions (action_id, case_id, kind, status, title, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (action_id) DO UPDATE SET case_id = excluded.case_id, kind = excluded.kind,
         title = excluded.title`,
      a.actionId,
      a.caseId,
      a.kind,
      a.status,
      a.title,
      a.createdAt,
      a.createdAt
    )
  );
}

export function listActions(db: Database, caseId: string | undefined): ActionRecord[] {
  const rows =
    caseId === undefined
      ? queryRows(db, 'SELECT * FROM actions ORDER BY created_at, action_id')
      : queryRows(db, 'SELECT * FROM actions WHERE case_id = ? ORDER BY created_at, action_id', [
          caseId
        ]);
  return rows.map((row) =>
    actionRecordSchema.parse({
      actionId: row['action_id'],
      caseId: row['case_id'],
      kind: row['kind'],
      status: row['status'],
      title: row['title'],
      createdAt: row['created_at'],
      updatedAt: row['updated_at']
    })
  );
}

/** A status change and its audit event, in one write. */
export function transitionActionSql(
  db: Database,
  input: { actionId: string; toStatus: ActionStatus; actor: Actor; note: string | null },
  ids: { eventId: string; at: string }
): { statements: Statement[]; event: ActionEvent } {
  const from = queryValue(db, 'SELECT status FROM actions WHERE action_id = ?', [input.actionId]);
  if (typeof from !== 'string') throw new OpsiqError('not_found', `No action ${input.actionId}`);
  const fromStatus = from as ActionStatus;
  if (!allowed[fromStatus].includes(input.toStatus)) {
    throw new OpsiqError(
      'invalid_input',
      `Action ${input.actionId} cannot go from ${fromStatus} to ${input.toStatus}`
    );
  }
  const event: ActionEvent = {
    eventId: ids.eventId,
    actionId: input.actionId,
    fromStatus,
    toStatus: input.toStatus,
    actor: input.actor,
    note: input.note,
    at: ids.at
  };
  const statements = [
    stmt(
      'UPDATE actions SET status = ?, updated_at = ? WHERE action_id = ?',
      input.toStatus,
      ids.at,
      input.actionId
    ),
    stmt(
      `INSERT INTO action_events (event_id, action_id, from_status, to_status, actor, actor_name, note, at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      event.eventId,
      event.actionId,
      event.fromStatus,
      event.toStatus,
      event.actor.type,
      event.actor.name,
      event.note,
      event.at
    )
  ];
  return { statements, event };
}

export function listActionEvents(db: Database, actionId: string): ActionEvent[] {
  const rows = queryRows(db, 'SELECT * FROM action_events WHERE action_id = ? ORDER BY at, rowid', [
    actionId
  ]);
  return rows.map((row) =>
    actionEventSchema.parse({
      eventId: row['event_id'],
      actionId: row['action_id'],
      fromStatus: row['from_status'],
      toStatus: row['to_status'],
      actor: { type: row['actor'], name: row['actor_name'] },
      note: row['note'],
      at: row['at']
    })
  );
}
