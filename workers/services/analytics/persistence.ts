import { wrap, type DBSchema, type IDBPDatabase } from 'idb';
import { z } from 'zod';
import { datasetStatusSchema, importReportSchema } from '../../contracts/analytics';
import { isQuotaError, OpsiqError } from '../../contracts/errors';
import { tableNameSchema, type TableName } from '../../contracts/tables';

/**
 * The active dataset in IndexedDB. Each table is its own record (an Arrow IPC stream, which
 * DuckDB re-inserts far faster than it re-parses CSV), written and read one at a time so a large
 * dataset is never held in memory twice; a small record describes the dataset, and an `active`
 * pointer names it. A new dataset is written in full under a fresh slot before the pointer
 * moves, and the old slot is deleted only after, so a full disk or a crash mid-write leaves the
 * previous dataset readable.
 *
 * Format 1 (one record holding every table) is still read, so data saved by an earlier version
 * survives the upgrade; it is replaced by format 2 at the next import.
 */

const dbName = 'opsiq-datasets';
const dbVersion = 2;
export const datasetFormatVersion = 2;

const ipcSchema = z.custom<Uint8Array>((v) => v instanceof Uint8Array, 'expected bytes');

const datasetMetaSchema = z.object({
  formatVersion: z.literal(datasetFormatVersion),
  id: z.string().min(1),
  status: datasetStatusSchema,
  report: importReportSchema,
  /** Ground-truth labels of a generated dataset; absent for real data. */
  labels: z.unknown().optional(),
  tables: z.array(tableNameSchema)
});
export type DatasetMeta = z.infer<typeof datasetMetaSchema>;

const legacyDatasetSchema = datasetMetaSchema.extend({
  formatVersion: z.literal(1),
  tables: z.array(z.object({ name: tableNameSchema, ipc: ipcSchema }))
});

const activePointerSchema = z.discriminatedUnion('formatVersion', [
  z.object({ formatVersion: z.literal(1), id: z.string().min(1) }),
  z.object({
    formatVersion: z.literal(datasetFormatVersion),
    id: z.string().min(1),
    slot: z.string().min(1)
  })
]);
type ActivePointer = z.infer<typeof activePointerSchema>;

/** A stored dataset whose tables are read on demand, one at a time. */
export interface StoredDataset extends Omit<DatasetMeta, 'formatVersion'> {
  readTable(name: TableName): Promise<Uint8Array>;
}

interface DatasetsDb extends DBSchema {
  datasets: { key: string; value: unknown };
  tables: { key: string; value: unknown };
  meta: { key: string; value: unknown };
}

const tableKey = (slot: string, name: string) => `${slot}/${name}`;
const slotRange = (slot: string) => IDBKeyRange.bound(`${slot}/`, `${slot}/\uffff`);

export class DatasetStore {
  readonly #idb: IDBFactory;
  #db: Promise<IDBPDatabase<DatasetsDb>> | null = null;

  constructor(idb: IDBFactory) {
    this.#idb = idb;
  }

  /**
   * Saves a dataset and makes it the active one. `exportTable` is called for one table at a
   * time, and its bytes are committed before the next is asked for.
   */
  async save(
    meta: Omit<DatasetMeta, 'formatVersion'>,
    exportTable: (name: TableName) => Uint8Array
  ): Promise<void> {
    const db = await this.#open();
    // A fresh slot per save: re-importing the active dataset (same id) never overwrites it.
    const slot = `${meta.id}~${crypto.randomUUID()}`;
    try {
      for (const name of meta.tables) {
        // 'strict': the table is on disk when the put resolves, like every write OpsIQ reports
        // as saved (the dataset becomes active only after all of it is).
        const tx = db.transaction('tables', 'readwrite', { durability: 'strict' });
        await Promise.all([tx.store.put(exportTable(name), tableKey(slot, name)), tx.done]);
      }
      const metaTx = db.transaction('datasets', 'readwrite', { durability: 'strict' });
      await Promise.all([
        metaTx.store.put({ ...meta, formatVersion: datasetFormatVersion }, slot),
        metaTx.done
      ]);
      // The pointer moves as durably as the tables it points at.
      const tx = db.transaction(['meta', 'datasets', 'tables'], 'readwrite', {
        durability: 'strict'
      });
      const previous = activePointerSchema.safeParse(await tx.objectStore('meta').get('active'));
      await tx
        .objectStore('meta')
        .put({ formatVersion: datasetFormatVersion, id: meta.id, slot }, 'active');
      if (previous.success) {
        const old = previousSlot(previous.data);
        await tx.objectStore('datasets').delete(old);
        await tx.objectStore('tables').delete(slotRange(old));
      }
      await tx.done;
    } catch (error) {
      await this.#dropSlot(db, slot).catch(() => undefined);
      throw storageError(error);
    }
  }

  /** The active dataset; null when none is stored. Throws `state_corrupted` for a record that fails validation. */
  async loadActive(): Promise<StoredDataset | null> {
    const db = await this.#open();
    const pointerValue: unknown = await db.get('meta', 'active');
    if (pointerValue === undefined) return null;
    const pointer = activePointerSchema.safeParse(pointerValue);
    if (!pointer.success)
      throw corrupted('its pointer has an unknown format', z.prettifyError(pointer.error));
    const slot = previousSlot(pointer.data);
    const value: unknown = await db.get('datasets', slot);
    if (value === undefined) throw corrupted('the record is missing', slot);

    if (pointer.data.formatVersion === 1) {
      const legacy = legacyDatasetSchema.safeParse(value);
      if (!legacy.success)
        throw corrupted('the record failed validation', z.prettifyError(legacy.error));
      const { tables, ...rest } = legacy.data;
      return {
        ...withoutVersion(rest),
        tables: tables.map((t) => t.name),
        readTable: (name) => {
          const table = tables.find((t) => t.name === name);
          return table ? Promise.resolve(table.ipc) : Promise.reject(missingTable(name));
        }
      };
    }
    const meta = datasetMetaSchema.safeParse(value);
    if (!meta.success) throw corrupted('the record failed validation', z.prettifyError(meta.error));
    return {
      ...withoutVersion(meta.data),
      readTable: async (name) => {
        const ipc = ipcSchema.safeParse(await db.get('tables', tableKey(slot, name)));
        if (!ipc.success) throw missingTable(name);
        return ipc.data;
      }
    };
  }

  async clear(): Promise<void> {
    const db = await this.#open();
    const tx = db.transaction(['meta', 'datasets', 'tables'], 'readwrite', {
      durability: 'strict'
    });
    await Promise.all([
      tx.objectStore('meta').clear(),
      tx.objectStore('datasets').clear(),
      tx.objectStore('tables').clear(),
      tx.done
    ]);
  }

  async #dropSlot(db: IDBPDatabase<DatasetsDb>, slot: string): Promise<void> {
    const tx = db.transaction(['datasets', 'tables'], 'readwrite');
    await Promise.all([
      tx.objectStore('datasets').delete(slot),
      tx.objectStore('tables').delete(slotRange(slot)),
      tx.done
    ]);
  }

  #open(): Promise<IDBPDatabase<DatasetsDb>> {
    // `idb`'s openDB uses the global factory; wrapping our own request keeps the factory injectable.
    this.#db ??= (async () => {
      const request = this.#idb.open(dbName, dbVersion);
      request.onupgradeneeded = () => {
        const raw = request.result;
        for (const store of ['datasets', 'tables', 'meta'])
          if (!raw.objectStoreNames.contains(store)) raw.createObjectStore(store);
      };
      const db = (await wrap(request)) as unknown as IDBPDatabase<DatasetsDb>;
      // Another tab upgrading the schema must not be blocked by this connection.
      db.addEventListener('versionchange', () => {
        db.close();
        this.#db = null;
      });
      return db;
    })().catch((error: unknown) => {
      this.#db = null;
      throw new OpsiqError(
        'storage_failed',
        `IndexedDB could not be opened: ${errorMessage(error)}`
      );
    });
    return this.#db;
  }
}

/** Where a pointer's dataset lives: format 1 stored it under its id. */
function previousSlot(pointer: ActivePointer): string {
  return pointer.formatVersion === 1 ? pointer.id : pointer.slot;
}

function withoutVersion<T extends { formatVersion: unknown }>(record: T): Omit<T, 'formatVersion'> {
  const rest: Partial<T> = { ...record };
  delete rest.formatVersion;
  return rest as Omit<T, 'formatVersion'>;
}

function missingTable(name: string): OpsiqError {
  return corrupted(`table ${name} is missing`, name);
}

function corrupted(what: string, details: string): OpsiqError {
  return new OpsiqError(
    'state_corrupted',
    `The saved dataset could not be read (${what}); load your data again.`,
    { details }
  );
}

function storageError(error: unknown): OpsiqError {
  if (isQuotaError(error)) {
    return new OpsiqError(
      'storage_full',
      'The browser storage is full, so the dataset was not saved and the previous one stays active: free some space (Settings → Storage) and try again.'
    );
  }
  return new OpsiqError('storage_failed', `The dataset could not be saved: ${errorMessage(error)}`);
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
