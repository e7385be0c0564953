import { z } from 'zod';
import { bytesSchema, statementSchema } from './sql';

/**
 * The IndexedDB side of the state: a write-ahead log of SQL statement lists plus the latest
 * checkpointed sql.js image (see the design note in state-service.ts). Raw IndexedDB rather than
 * `idb` because the factory is injected (fake-indexeddb in Node) and `idb` uses the global one.
 *
 * Stores: `images` ('current' + set-aside 'corrupt-*' records), `wal` (keyPath seq,
 * autoIncrement: the key generator is the global write order), `wal_rejected` (records that
 * failed to apply, kept with the reason), `meta` ('checkpoint' = seq of the current image, so a
 * tab can learn it without reading a 50 MB image).
 */

const IDB_VERSION = 1;

export const imageRecordSchema = z.object({
  format: z.literal(1),
  schemaVersion: z.number().int().nonnegative(),
  seq: z.number().int().nonnegative(),
  image: bytesSchema
});
export type ImageRecord = z.infer<typeof imageRecordSchema>;

export const walRecordSchema = z.object({
  seq: z.number().int().positive(),
  format: z.literal(1),
  /** 'reset' marks a rebase onto a new image; it never stays in the log after its transaction. */
  kind: z.enum(['write', 'reset']),
  schemaVersion: z.number().int().nonnegative(),
  tables: z.array(z.string()),
  statements: z.array(statementSchema),
  at: z.string()
});
export type WalRecord = z.infer<typeof walRecordSchema>;
export type NewWalRecord = Omit<WalRecord, 'seq'>;

const checkpointMetaSchema = z.object({
  seq: z.number().int().nonnegative(),
  schemaVersion: z.number().int()
});

export interface SinceResult {
  checkpointSeq: number;
  /** Unvalidated: the caller validates each record and sets aside what fails. */
  records: Array<{ seq: number; raw: unknown }>;
}

export interface RebaseInput {
  image: Omit<ImageRecord, 'seq'>;
  /** Copy this raw value to a fresh 'corrupt-*' key before replacing 'current'. */
  setAside: { raw: unknown; seqHint: number | null } | null;
  /** Move the remaining WAL records to `wal_rejected` with this reason (else they are dropped). */
  rejectWalReason: string | null;
  /** resetAll: also forget set-aside images and rejected records. */
  clearAll: boolean;
  at: string;
}

export class WalStore {
  readonly #db: IDBDatabase;
  readonly #durability: IDBTransactionDurability;

  private constructor(db: IDBDatabase, durability: IDBTransactionDurability) {
    this.#db = db;
    this.#durability = durability;
    // A newer tab upgrading the IndexedDB schema must not be blocked by this connection.
    db.onversionchange = () => db.close();
  }

  static open(
    factory: IDBFactory,
    name: string,
    durability: IDBTransactionDurability
  ): Promise<WalStore> {
    return new Promise((resolve, reject) => {
      const request = factory.open(name, IDB_VERSION);
      request.onupgradeneeded = () => {
        const db = request.result;
        db.createObjectStore('images');
        db.createObjectStore('wal', { keyPath: 'seq', autoIncrement: true });
        db.createObjectStore('wal_rejected', { keyPath: 'seq' });
        db.createObjectStore('meta');
      };
      request.onsuccess = () => resolve(new WalStore(request.result, durability));
      request.onerror = () => reject(request.error);
      request.onblocked = () => reject(new Error(`IndexedDB "${name}" is blocked by another tab`));
    });
  }

  close(): void {
    this.#db.close();
  }

  /** The raw 'current' image record, or undefined when none was ever stored. */
  readCurrentImage(): Promise<unknown> {
    const tx = this.#tx(['images'], 'readonly');
    const request = tx.objectStore('images').get('current');
    return done(tx).then(() => request.result as unknown);
  }

  /** The image seq and the WAL records after `seq`, read in one consistent transaction. */
  readSince(seq: number): Promise<SinceResult> {
    const tx = this.#tx(['meta', 'wal'], 'readonly');
    const meta = tx.objectStore('meta').get('checkpoint');
    const wal = tx.objectStore('wal').getAll(IDBKeyRange.lowerBound(seq, true));
    return done(tx).then(() => ({
      checkpointSeq: checkpointSeqOf(meta.result),
      records: (wal.result as unknown[]).map((raw) => ({ seq: seqOf(raw), raw }))
    }));
  }

  /** The highest seq anyone has written (cheap: one key and one small record). */
  headSeq(): Promise<number> {
    const tx = this.#tx(['meta', 'wal'], 'readonly');
    const meta = tx.objectStore('meta').get('checkpoint');
    const last = tx.objectStore('wal').openKeyCursor(null, 'prev');
    return done(tx).then(() => {
      const walSeq = typeof last.result?.key === 'number' ? last.result.key : 0;
      return Math.max(walSeq, checkpointSeqOf(meta.result));
    });
  }

  walCount(): Promise<number> {
    const tx = this.#tx(['wal'], 'readonly');
    const request = tx.objectStore('wal').count();
    return done(tx).then(() => request.result);
  }

  /** Appends one record; resolves with its seq once the transaction completed. */
  append(record: NewWalRecord): Promise<number> {
    const tx = this.#tx(['wal'], 'readwrite');
    let request: IDBRequest<IDBValidKey>;
    try {
      request = tx.objectStore('wal').add(record);
    } catch (error) {
      // add() throws synchronously for uncloneable values (and some quota paths).
      tx.abort();
      return Promise.reject(error);
    }
    return done(tx).then(() => request.result as number);
  }

  /** Stores the image and drops the WAL records it contains, atomically. */
  checkpoint(record: ImageRecord): Promise<void> {
    const tx = this.#tx(['images', 'meta', 'wal'], 'readwrite');
    tx.objectStore('images').put(record, 'current');
    tx.objectStore('meta').put(
      { seq: record.seq, schemaVersion: record.schemaVersion },
      'checkpoint'
    );
    tx.objectStore('wal').delete(IDBKeyRange.upperBound(record.seq));
    return done(tx);
  }

  /**
   * Replaces the whole state with `image` under a fresh seq taken from the WAL key generator, so
   * every tab (whose lastApplied is below it) sees a newer checkpoint and reloads. Returns the
   * seq and the set-aside key.
   */
  rebase(input: RebaseInput): Promise<{ seq: number; setAsideKey: string | null }> {
    const tx = this.#tx(['images', 'meta', 'wal', 'wal_rejected'], 'readwrite');
    const images = tx.objectStore('images');
    const wal = tx.objectStore('wal');
    const rejected = tx.objectStore('wal_rejected');
    let seq = 0;
    let setAsideKey: string | null = null;
    if (input.clearAll) {
      images.clear();
      rejected.clear();
    }
    const keys = images.getAllKeys();
    keys.onsuccess = () => {
      if (input.setAside !== null) {
        const taken = new Set(keys.result.map(String));
        const base = `corrupt-${input.setAside.seqHint ?? 'unknown'}`;
        let key = base;
        for (let n = 2; taken.has(key); n++) key = `${base}-${n}`;
        setAsideKey = key;
        images.put(input.setAside.raw, key);
      }
      const pending = wal.getAll();
      pending.onsuccess = () => {
        if (input.rejectWalReason !== null) {
          for (const raw of pending.result as unknown[]) {
            rejected.put({
              seq: seqOf(raw),
              record: raw,
              reason: input.rejectWalReason,
              at: input.at
            });
          }
        }
        const marker: NewWalRecord = {
          format: 1,
          kind: 'reset',
          schemaVersion: input.image.schemaVersion,
          tables: [],
          statements: [],
          at: input.at
        };
        const add = wal.add(marker);
        add.onsuccess = () => {
          seq = add.result as number;
          images.put({ ...input.image, seq }, 'current');
          tx.objectStore('meta').put(
            { seq, schemaVersion: input.image.schemaVersion },
            'checkpoint'
          );
          wal.clear();
        };
      };
    };
    return done(tx).then(() => ({ seq, setAsideKey }));
  }

  /**
   * Keeps a copy of a WAL record that failed to apply in `wal_rejected`, with the reason. The
   * log itself is left as it is: it is every tab's, and the next checkpoint folds past it.
   */
  recordRejected(seq: number, raw: unknown, reason: string, at: string): Promise<void> {
    const tx = this.#tx(['wal_rejected'], 'readwrite');
    tx.objectStore('wal_rejected').put({ seq, record: raw, reason, at });
    return done(tx);
  }

  /** Moves one WAL record that failed to apply to `wal_rejected`, with the reason. */
  reject(seq: number, raw: unknown, reason: string, at: string): Promise<void> {
    const tx = this.#tx(['wal', 'wal_rejected'], 'readwrite');
    tx.objectStore('wal_rejected').put({ seq, record: raw, reason, at });
    tx.objectStore('wal').delete(seq);
    return done(tx);
  }

  /** Any stored value of `images` by key (set-aside images are read back through this). */
  readImage(key: string): Promise<unknown> {
    const tx = this.#tx(['images'], 'readonly');
    const request = tx.objectStore('images').get(key);
    return done(tx).then(() => request.result as unknown);
  }

  #tx(stores: string[], mode: IDBTransactionMode): IDBTransaction {
    // 'strict' asks the browser to flush to disk before `complete` (Chromium defaults to
    // relaxed, which survives a tab crash but not a power loss).
    return mode === 'readwrite'
      ? this.#db.transaction(stores, mode, { durability: this.#durability })
      : this.#db.transaction(stores, mode);
  }
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    // Quota errors surface as the transaction's error on abort (Chromium) or on the request.
    tx.onabort = () => reject(tx.error ?? new DOMException('Transaction aborted', 'AbortError'));
  });
}

function seqOf(raw: unknown): number {
  const seq = (raw as { seq?: unknown } | null)?.seq;
  return typeof seq === 'number' ? seq : -1;
}

function checkpointSeqOf(raw: unknown): number {
  const parsed = checkpointMetaSchema.safeParse(raw);
  return parsed.success ? parsed.data.seq : 0;
}
