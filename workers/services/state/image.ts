import type { Database, SqlJsStatic } from 'sql.js';
import { OpsiqError } from '../../contracts/errors';
import { latestSchemaVersion, pendingMigrationSql } from './migrations';
import { inTransaction, queryValue } from './sql';
import { imageRecordSchema } from './wal-store';

export type LoadedImage =
  | { ok: true; db: Database; seq: number; schemaVersion: number }
  | { ok: false; reason: string; seqHint: number | null };

/** Connection settings that are not stored in the file; applied to every opened database. */
export function configure(db: Database): void {
  db.exec('PRAGMA foreign_keys = ON');
}

export function schemaVersionOf(db: Database): number {
  return Number(queryValue(db, 'PRAGMA user_version'));
}

/** Refuses data written by newer code: the message says what to do, the data stays as it is. */
export function newerVersionError(found: number): OpsiqError {
  return new OpsiqError(
    'state_corrupted',
    `The stored state has schema version ${found}, newer than this app understands ` +
      `(${latestSchemaVersion}). Reload the page to get the latest version; nothing was changed.`,
    { found, known: latestSchemaVersion }
  );
}

/**
 * Opens a stored image record. A record of the wrong shape, bytes that are not a database or a
 * failed integrity check give `ok: false` (the caller sets the record aside); a newer schema
 * throws, because that data is fine and must not be touched.
 */
export function loadImage(SQL: SqlJsStatic, raw: unknown): LoadedImage {
  const seqHint = seqHintOf(raw);
  const parsed = imageRecordSchema.safeParse(raw);
  if (!parsed.success) {
    return { ok: false, reason: `invalid image record: ${parsed.error.message}`, seqHint };
  }
  const record = parsed.data;
  if (record.schemaVersion > latestSchemaVersion) throw newerVersionError(record.schemaVersion);
  let db: Database | undefined;
  try {
    db = new SQL.Database(record.image);
    const check = queryValue(db, 'PRAGMA quick_check');
    if (check !== 'ok') throw new Error(`integrity check failed: ${String(check)}`);
    const version = schemaVersionOf(db);
    if (version > latestSchemaVersion) throw newerVersionError(version);
    if (version !== record.schemaVersion) {
      throw new Error(`record says schema ${record.schemaVersion}, database says ${version}`);
    }
    configure(db);
    return { ok: true, db, seq: record.seq, schemaVersion: version };
  } catch (error) {
    db?.close();
    if (error instanceof OpsiqError) throw error;
    return { ok: false, reason: error instanceof Error ? error.message : String(error), seqHint };
  }
}

/** A new database with every migration applied, and its exported bytes. */
export function freshDatabase(SQL: SqlJsStatic): { db: Database; image: Uint8Array } {
  const db = new SQL.Database();
  configure(db);
  inTransaction(db, () => {
    for (const sql of pendingMigrationSql(0)) db.exec(sql);
  });
  return { db, image: db.export() };
}

function seqHintOf(raw: unknown): number | null {
  const seq = (raw as { seq?: unknown } | null | undefined)?.seq;
  return typeof seq === 'number' && Number.isInteger(seq) ? seq : null;
}
