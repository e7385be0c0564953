import type { Database } from 'sql.js';
import { memoryVersionSchema, type MemoryVersion } from '../../../contracts/state';
import { OpsiqError } from '../../../contracts/errors';
import { fromJson, queryRows, queryValue, stmt, toJson, type Row, type Statement } from '../sql';
import type { Memory } from '../../../../src/lib/domain/memory';
import { parseStoredMemory, type MemoryHead } from '../../../../src/lib/domain/memory-history';

const CONFLICT_MESSAGE =
  'Memory was changed in another tab or window: reload to see it, then try again.';

/**
 * Memory versions continue the stored history: the first is the latest stored + 1 (0 when none
 * is stored), the rest follow one by one; version 0 has no parent, every later one names a
 * stored version or an earlier one of the same batch. Anything else means another tab (or an
 * old page) appended first: `conflict`, and nothing is written. Runs inside the write lock.
 */
export function checkMemoryContinuity(db: Database, versions: readonly MemoryVersion[]): void {
  const latest = queryValue(db, 'SELECT MAX(version) FROM memory_versions');
  const stored = typeof latest === 'number' ? latest : -1;
  const conflict = (reason: string): OpsiqError =>
    new OpsiqError('conflict', CONFLICT_MESSAGE, { reason, latestStored: stored });
  versions.forEach((v, i) => {
    const expected = stored + 1 + i;
    if (v.version !== expected) {
      throw conflict(`version ${v.version} given where ${expected} comes next`);
    }
    if (v.version === 0) {
      if (v.parentVersion !== null) throw conflict('version 0 cannot have a parent');
      return;
    }
    if (v.parentVersion === null || v.parentVersion >= v.version) {
      throw conflict(`version ${v.version} must name an earlier version as its parent`);
    }
    const known =
      v.parentVersion > stored ||
      queryValue(db, 'SELECT 1 FROM memory_versions WHERE version = ?', [v.parentVersion]) === 1;
    if (!known) throw conflict(`parent version ${v.parentVersion} is not stored`);
  });
}

/** Inserts of versions (parents first, as the foreign key needs) and their changes. */
export function appendMemoryVersionsSql(versions: readonly MemoryVersion[]): Statement[] {
  return versions.flatMap((v) => {
    const keys = new Set<string>();
    for (const c of v.changes) {
      if (keys.has(c.key)) {
        throw new OpsiqError(
          'invalid_input',
          `Memory version ${v.version} changes key ${c.key} twice`
        );
      }
      keys.add(c.key);
    }
    return [
      stmt(
        `INSERT INTO memory_versions (version, parent_version, created_at, source, reason,
           values_json) VALUES (?, ?, ?, ?, ?, ?)`,
        v.version,
        v.parentVersion,
        v.createdAt,
        v.source,
        v.reason,
        toJson(v.memory)
      ),
      ...v.changes.map((c) =>
        stmt(
          `INSERT INTO memory_changes (version, key, old_json, new_json, reason, source,
             feedback_id) VALUES (?, ?, ?, ?, ?, ?, ?)`,
          v.version,
          c.key,
          toJson(c.old),
          toJson(c.new),
          c.reason,
          c.source,
          c.feedbackId
        )
      )
    ];
  });
}

/** Oldest first, each with its changes ordered by key. */
export function listMemoryVersions(db: Database): MemoryVersion[] {
  const changes = new Map<number, Row[]>();
  for (const row of queryRows(db, 'SELECT * FROM memory_changes ORDER BY version, key')) {
    const version = Number(row['version']);
    const list = changes.get(version) ?? [];
    list.push(row);
    changes.set(version, list);
  }
  return queryRows(db, 'SELECT * FROM memory_versions ORDER BY version').map((row) =>
    memoryVersionSchema.parse({
      version: row['version'],
      parentVersion: row['parent_version'],
      createdAt: row['created_at'],
      source: row['source'],
      reason: row['reason'],
      memory: fromJson(row['values_json']),
      changes: (changes.get(Number(row['version'])) ?? []).map((c) => ({
        key: c['key'],
        old: fromJson(c['old_json']),
        new: fromJson(c['new_json']),
        reason: c['reason'],
        source: c['source'],
        feedbackId: c['feedback_id']
      }))
    })
  );
}

/**
 * The head of the memory history, read inside the write lock: the highest stored version and
 * the latest one that validates (newest first, so this reads one row in the usual case).
 */
export function readMemoryHead(db: Database): MemoryHead & {
  invalid: Array<{ version: number; reason: string }>;
} {
  const invalid: Array<{ version: number; reason: string }> = [];
  const max = queryValue(db, 'SELECT MAX(version) FROM memory_versions');
  if (typeof max !== 'number') return { maxVersion: null, latestValid: null, invalid };
  const prepared = db.prepare(
    'SELECT version, values_json FROM memory_versions ORDER BY version DESC'
  );
  try {
    while (prepared.step()) {
      const row = prepared.getAsObject();
      const version = Number(row['version']);
      const parsed = parseStoredMemory(fromJson(row['values_json']), version);
      if (parsed.ok)
        return { maxVersion: max, latestValid: { version, memory: parsed.memory }, invalid };
      invalid.push({ version, reason: parsed.reason });
    }
  } finally {
    prepared.free();
  }
  return { maxVersion: max, latestValid: null, invalid };
}

/** One stored version's memory when it validates, else undefined. */
export function memoryAt(db: Database, version: number): Memory | undefined {
  const raw = queryValue(db, 'SELECT values_json FROM memory_versions WHERE version = ?', [
    version
  ]);
  if (typeof raw !== 'string') return undefined;
  const parsed = parseStoredMemory(fromJson(raw), version);
  return parsed.ok ? parsed.memory : undefined;
}
