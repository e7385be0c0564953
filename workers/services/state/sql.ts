import type { Database, SqlValue } from 'sql.js';
import { z } from 'zod';

/** Any Uint8Array (z.instanceof would narrow it to Uint8Array<ArrayBuffer>, sql.js gives ArrayBufferLike). */
export const bytesSchema = z.custom<Uint8Array>(
  (value) => value instanceof Uint8Array,
  'expected bytes'
);

/**
 * One statement of a write. Pure: every value (ids, timestamps) is a parameter computed before,
 * so that replaying the log in another tab, or after a reload, gives the same database.
 */
export const statementSchema = z.object({
  sql: z.string().min(1),
  params: z.array(z.union([z.string(), z.number(), z.null(), bytesSchema]))
});
export type Statement = z.infer<typeof statementSchema>;

export function stmt(sql: string, ...params: SqlValue[]): Statement {
  return { sql, params };
}

/** Runs the statements in order; the caller owns the surrounding transaction. */
export function runStatements(db: Database, statements: readonly Statement[]): void {
  const cache = new Map<string, ReturnType<Database['prepare']>>();
  try {
    for (const s of statements) {
      let prepared = cache.get(s.sql);
      if (prepared === undefined) {
        prepared = db.prepare(s.sql);
        cache.set(s.sql, prepared);
      }
      prepared.run(s.params);
    }
  } finally {
    for (const prepared of cache.values()) prepared.free();
  }
}

/** Runs `work` inside BEGIN … COMMIT, rolling back if it throws. */
export function inTransaction<T>(db: Database, work: () => T): T {
  db.exec('BEGIN');
  try {
    const result = work();
    db.exec('COMMIT');
    return result;
  } catch (error) {
    db.exec('ROLLBACK');
    throw error;
  }
}

export type Row = Record<string, SqlValue>;

/** Reads rows as objects; a small helper so repositories stay declarative. */
export function queryRows(db: Database, sql: string, params: SqlValue[] = []): Row[] {
  const prepared = db.prepare(sql);
  try {
    prepared.bind(params);
    const rows: Row[] = [];
    while (prepared.step()) rows.push(prepared.getAsObject() as Row);
    return rows;
  } finally {
    prepared.free();
  }
}

export function queryValue(db: Database, sql: string, params: SqlValue[] = []): SqlValue {
  const row = queryRows(db, sql, params)[0];
  return row === undefined ? null : (Object.values(row)[0] ?? null);
}

/** Statement-wise JSON for `_json` columns (undefined never reaches here: zod saw the value). */
export function toJson(value: unknown): string {
  return JSON.stringify(value);
}

export function fromJson(text: SqlValue | undefined): unknown {
  return typeof text === 'string' ? JSON.parse(text) : null;
}
