import type { Database, SqlJsStatic } from 'sql.js';
import { OpsiqError } from '../../contracts/errors';
import { message, storage } from './storage-errors';
import type { FlushResult, OpenResult, StateChange } from '../../contracts/state';
import { configure, freshDatabase, loadImage, newerVersionError, schemaVersionOf } from './image';
import { latestSchemaVersion, pendingMigrationSql, stateTables } from './migrations';
import { inTransaction, runStatements, stmt, type Statement } from './sql';
import {
  TabSync,
  WRITE_LOCK,
  coalesce,
  unref,
  type LockManagerLike,
  type StateChannel
} from './tab-sync';
import { walRecordSchema, type WalStore } from './wal-store';

export interface DurableTuning {
  /** Checkpoint after this long without writes. */
  checkpointIdleMs: number;
  /** Checkpoint as soon as this many records are past the image. */
  maxWalRecords: number;
  /** Fallback poll for other tabs' writes (the channel is the fast path). */
  pollMs: number;
  durability: IDBTransactionDurability;
}

export interface DurableDeps {
  sql: SqlJsStatic;
  wal: WalStore;
  locks: LockManagerLike;
  channel: StateChannel | undefined;
  now: () => string;
  tuning: DurableTuning;
  notify: (change: StateChange) => void;
}

/** What a write computes inside the lock, after catching up: its statements and its result. */
export interface WritePlan<T> {
  statements: Statement[];
  result: T;
}

interface CatchUp {
  replayed: number;
  rejected: Array<{ seq: number; reason: string }>;
  tables: Set<string>;
}

/**
 * The in-memory sql.js database kept equal to the durable log (design note: state-service.ts).
 * Invariant: outside the lock, `#db` = image at `#checkpointSeq` + WAL records ≤ `#lastApplied`.
 */
export class DurableDb {
  readonly #deps: DurableDeps;
  #db: Database;
  #lastApplied: number;
  #checkpointSeq: number;
  #sync: TabSync | undefined;
  #idleTimer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;
  /** Set while a write's SQLite transaction is open (waiting for IndexedDB): reads wait for it. */
  #uncommitted: Promise<void> | undefined;

  private constructor(deps: DurableDeps, db: Database, seq: number) {
    this.#deps = deps;
    this.#db = db;
    this.#lastApplied = seq;
    this.#checkpointSeq = seq;
  }

  /** Restores image + WAL and migrates, all under the write lock. */
  static async open(deps: DurableDeps): Promise<{ durable: DurableDb; report: OpenResult }> {
    return deps.locks.request(WRITE_LOCK, async () => {
      const raw = await storage(() => deps.wal.readCurrentImage());
      let corruption: OpenResult['corruption'] = null;
      let durable: DurableDb;
      if (raw === undefined) {
        const db = new deps.sql.Database();
        configure(db);
        durable = new DurableDb(deps, db, 0);
      } else {
        const loaded = loadImage(deps.sql, raw);
        if (loaded.ok) {
          durable = new DurableDb(deps, loaded.db, loaded.seq);
        } else {
          // Never replace a broken image silently: keep its bytes, report it, start empty.
          const fresh = freshDatabase(deps.sql);
          const { seq, setAsideKey } = await storage(() =>
            deps.wal.rebase({
              image: { format: 1, schemaVersion: latestSchemaVersion, image: fresh.image },
              setAside: { raw, seqHint: loaded.seqHint },
              rejectWalReason: `follows a corrupted image (${loaded.reason})`,
              clearAll: false,
              at: deps.now()
            })
          );
          corruption = { reason: loaded.reason, setAsideKey: setAsideKey ?? '' };
          durable = new DurableDb(deps, fresh.db, seq);
        }
      }
      const caught = await durable.#catchUpLocked();
      const version = schemaVersionOf(durable.#db);
      if (version < latestSchemaVersion) {
        const statements = pendingMigrationSql(version).map((sql) => stmt(sql));
        await durable.#writeLocked([...stateTables], () => ({ statements, result: undefined }));
      }
      durable.#startSync();
      const report: OpenResult = {
        schemaVersion: schemaVersionOf(durable.#db),
        sqliteVersion: String(durable.#db.exec('SELECT sqlite_version()')[0]?.values[0]?.[0]),
        restored: raw === undefined || corruption !== null ? 'empty' : 'image',
        walReplayed: caught.replayed,
        walRejected: caught.rejected,
        corruption
      };
      return { durable, report };
    });
  }

  /** The live database, for reads. Never hold on to it across an await (a reload replaces it). */
  get db(): Database {
    if (this.#closed) throw new OpsiqError('invalid_input', 'The state service is closed');
    return this.#db;
  }

  /**
   * A read of committed state only: while a write's transaction is open (its WAL record not yet
   * durable, so it may still roll back) the read waits for it to commit or roll back. `read`
   * runs synchronously on the database, so nothing else can interleave with it.
   */
  async read<T>(query: (db: Database) => T): Promise<T> {
    while (this.#uncommitted !== undefined) await this.#uncommitted;
    return query(this.db);
  }

  /** One logged write: resolves once its WAL record is durable. */
  write<T>(tables: string[], plan: (db: Database) => WritePlan<T>): Promise<T> {
    return this.#deps.locks.request(WRITE_LOCK, () => this.#writeLocked(tables, plan));
  }

  /** Writes the image now (no-op when nothing happened since the last one). */
  checkpoint(): Promise<FlushResult> {
    return this.#deps.locks.request(WRITE_LOCK, () => this.#checkpointLocked());
  }

  /** Replaces everything with a freshly migrated database; other tabs reload it. */
  reset(): Promise<void> {
    return this.#deps.locks.request(WRITE_LOCK, async () => {
      const fresh = freshDatabase(this.#deps.sql);
      const { seq } = await storage(() =>
        this.#deps.wal.rebase({
          image: { format: 1, schemaVersion: latestSchemaVersion, image: fresh.image },
          setAside: null,
          rejectWalReason: null,
          clearAll: true,
          at: this.#deps.now()
        })
      ).catch((error: unknown) => {
        fresh.db.close();
        throw error;
      });
      this.#replace(fresh.db, seq);
      this.#sync?.announce(seq, [...stateTables]);
      this.#deps.notify({ tables: [...stateTables], origin: 'local', seq });
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    await this.#deps.locks.request(WRITE_LOCK, async () => {
      this.#closed = true;
      clearTimeout(this.#idleTimer);
      this.#sync?.close();
      this.#db.close();
      this.#deps.wal.close();
    });
  }

  async #writeLocked<T>(tables: string[], plan: (db: Database) => WritePlan<T>): Promise<T> {
    if (this.#closed) throw new OpsiqError('invalid_input', 'The state service is closed');
    this.#notifyRemote(await this.#catchUpLocked());
    const { statements, result } = plan(this.#db);
    if (statements.length === 0) return result;
    const db = this.#db;
    let release = (): void => undefined;
    this.#uncommitted = new Promise<void>((resolve) => (release = resolve));
    try {
      return await this.#commitLocked(db, tables, statements, result);
    } finally {
      this.#uncommitted = undefined;
      release();
    }
  }

  async #commitLocked<T>(
    db: Database,
    tables: string[],
    statements: Statement[],
    result: T
  ): Promise<T> {
    db.exec('BEGIN');
    let schemaVersion: number;
    try {
      runStatements(db, statements);
      schemaVersion = schemaVersionOf(db);
    } catch (error) {
      db.exec('ROLLBACK');
      throw new OpsiqError(
        'invalid_input',
        `The write was refused by the database: ${message(error)}`
      );
    }
    let seq: number;
    try {
      // The SQLite transaction stays open until IndexedDB confirms: on failure memory rolls
      // back too, so memory never holds what the disk does not.
      seq = await storage(() =>
        this.#deps.wal.append({
          format: 1,
          kind: 'write',
          schemaVersion,
          tables,
          statements,
          at: this.#deps.now()
        })
      );
    } catch (error) {
      db.exec('ROLLBACK');
      throw error;
    }
    db.exec('COMMIT');
    this.#lastApplied = seq;
    this.#sync?.announce(seq, tables);
    this.#deps.notify({ tables, origin: 'local', seq });
    this.#scheduleCheckpoint();
    return result;
  }

  /**
   * Applies what other tabs logged since `#lastApplied`; reloads the image if one passed us.
   * A record that fails to apply here is never removed from the shared log (another tab may
   * apply it fine: the failure may be this tab's, e.g. a damaged in-memory state). This tab
   * reloads the stored image and replays the log once more; a record that fails again fails
   * the same way for every tab (the log is deterministic), so it is skipped by all of them and a
   * copy is kept in `wal_rejected` with the reason.
   */
  async #catchUpLocked(): Promise<CatchUp> {
    const caught: CatchUp = { replayed: 0, rejected: [], tables: new Set() };
    try {
      await this.#applySinceLocked(caught, false);
    } catch (error) {
      if (!(error instanceof ApplyFailure)) throw error;
      await this.#reloadImageLocked(caught);
      await this.#applySinceLocked(caught, true);
    }
    const version = schemaVersionOf(this.#db);
    if (version > latestSchemaVersion) throw newerVersionError(version);
    return caught;
  }

  async #applySinceLocked(caught: CatchUp, skipFailures: boolean): Promise<void> {
    const wal = this.#deps.wal;
    let since = await storage(() => wal.readSince(this.#lastApplied));
    if (since.checkpointSeq > this.#lastApplied) {
      // Another tab checkpointed (or reset) past records we never applied: reload its image.
      await this.#reloadImageLocked(caught);
      since = await storage(() => wal.readSince(this.#lastApplied));
    }
    for (const { seq, raw } of since.records) {
      if (seq <= this.#lastApplied) continue;
      const parsed = walRecordSchema.safeParse(raw);
      if (parsed.success && parsed.data.schemaVersion > latestSchemaVersion) {
        throw newerVersionError(parsed.data.schemaVersion);
      }
      try {
        if (!parsed.success) throw new Error(`invalid WAL record: ${parsed.error.message}`);
        inTransaction(this.#db, () => runStatements(this.#db, parsed.data.statements));
        for (const table of parsed.data.tables) caught.tables.add(table);
        caught.replayed++;
      } catch (error) {
        const reason = message(error);
        if (!skipFailures) throw new ApplyFailure(seq, reason);
        await storage(() => wal.recordRejected(seq, raw, reason, this.#deps.now()));
        caught.rejected.push({ seq, reason });
      }
      this.#lastApplied = seq;
    }
  }

  /** Replaces the in-memory database with the stored image (the log after it is replayed next). */
  async #reloadImageLocked(caught: CatchUp): Promise<void> {
    const raw = await storage(() => this.#deps.wal.readCurrentImage());
    if (raw === undefined) {
      const db = new this.#deps.sql.Database();
      configure(db);
      this.#replace(db, 0);
    } else {
      const loaded = loadImage(this.#deps.sql, raw);
      if (!loaded.ok) {
        throw new OpsiqError(
          'state_corrupted',
          `The stored state is damaged (${loaded.reason}): reload the page.`
        );
      }
      this.#replace(loaded.db, loaded.seq);
    }
    for (const table of stateTables) caught.tables.add(table);
  }

  async #checkpointLocked(): Promise<FlushResult> {
    this.#notifyRemote(await this.#catchUpLocked());
    if (this.#lastApplied === this.#checkpointSeq) {
      return { seq: this.#checkpointSeq, imageBytes: 0, exportMs: 0, putMs: 0 };
    }
    const t0 = performance.now();
    const image = this.#db.export();
    configure(this.#db); // older sql.js builds reset connection pragmas on export
    const t1 = performance.now();
    const seq = this.#lastApplied;
    await storage(() =>
      this.#deps.wal.checkpoint({ format: 1, schemaVersion: schemaVersionOf(this.#db), seq, image })
    );
    this.#checkpointSeq = seq;
    return { seq, imageBytes: image.byteLength, exportMs: t1 - t0, putMs: performance.now() - t1 };
  }

  #scheduleCheckpoint(): void {
    clearTimeout(this.#idleTimer);
    const backlog = this.#lastApplied - this.#checkpointSeq;
    const delay =
      backlog >= this.#deps.tuning.maxWalRecords ? 0 : this.#deps.tuning.checkpointIdleMs;
    this.#idleTimer = setTimeout(() => {
      if (this.#closed) return;
      // A failed background checkpoint loses nothing (the WAL stays); the next one retries.
      this.checkpoint().catch((error: unknown) =>
        console.warn('OpsIQ state checkpoint failed', error)
      );
    }, delay);
    unref(this.#idleTimer);
  }

  #startSync(): void {
    // One catch-up at a time; a signal arriving meanwhile runs one more.
    const sync = coalesce(async () => {
      if (this.#closed || (await this.#deps.wal.headSeq()) <= this.#lastApplied) return;
      await this.#deps.locks.request(WRITE_LOCK, async () => {
        if (!this.#closed) this.#notifyRemote(await this.#catchUpLocked());
      });
    });
    this.#sync = new TabSync(this.#deps.channel, this.#deps.tuning.pollMs, sync);
  }

  #notifyRemote(caught: CatchUp): void {
    if (caught.tables.size > 0) {
      this.#deps.notify({ tables: [...caught.tables], origin: 'remote', seq: this.#lastApplied });
    }
  }

  #replace(db: Database, seq: number): void {
    this.#db.close();
    this.#db = db;
    this.#lastApplied = seq;
    this.#checkpointSeq = seq;
  }
}

/** A log record this tab could not apply (caught in `#catchUpLocked`, which reloads the image). */
class ApplyFailure extends Error {
  constructor(
    readonly seq: number,
    readonly reason: string
  ) {
    super(`WAL record ${seq} failed to apply: ${reason}`);
  }
}
