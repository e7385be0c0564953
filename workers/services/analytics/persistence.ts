import { wrap, type DBSchema, type IDBPDatabase } from 'idb';
import { z } from 'zod';
import { datasetStatusSchema, importReportSchema } from '../../contracts/analytics';
import { isQuotaError, OpsiqError } from '../../contracts/errors';
import { tableNameSchema } from '../../contracts/tables';

/**
 * The active dataset in IndexedDB: one record per dataset (each table as an Arrow IPC stream,
 * which DuckDB re-inserts far faster than it re-parses CSV) and an `active` pointer. A new record
 * is written in full before the pointer moves, and the old record is deleted only after, so a
 * full disk or a crash mid-write leaves the previous dataset readable.
 */

const dbName = 'opsiq-datasets';
const dbVersion = 1;
export const datasetFormatVersion = 1;

export const storedDatasetSchema = z.object({
  formatVersion: z.literal(datasetFormatVersion),
  id: z.string().min(1),
  status: datasetStatusSchema,
  report: importReportSchema,
  /** Ground-truth labels of a generated dataset; absent for real data. */
  labels: z.unknown().optional(),
  tables: z.array(
    z.object({
      name: tableNameSchema,
      ipc: z.custom<Uint8Array>((v) => v instanceof Uint8Array, 'expected bytes')
    })
  )
});
export type StoredDataset = z.infer<typeof storedDatasetSchema>;

const activePointerSchema = z.object({
  formatVersion: z.literal(datasetFormatVersion),
  id: z.string().min(1)
});

interface DatasetsDb extends DBSchema {
  datasets: { key: string; value: unknown };
  meta: { key: string; value: unknown };
}

export class DatasetStore {
  readonly #idb: IDBFactory;
  #db: Promise<IDBPDatabase<DatasetsDb>> | null = null;

  constructor(idb: IDBFactory) {
    this.#idb = idb;
  }

  /** Saves `record` and makes it the active dataset. */
  async save(record: StoredDataset): Promise<void> {
    const db = await this.#open();
    try {
      await db.put('datasets', record, record.id);
    } catch (error) {
      throw storageError(error);
    }
    try {
      const tx = db.transaction(['meta', 'datasets'], 'readwrite');
      const previous = activePointerSchema.safeParse(await tx.objectStore('meta').get('active'));
      await tx
        .objectStore('meta')
        .put({ formatVersion: datasetFormatVersion, id: record.id }, 'active');
      if (previous.success && previous.data.id !== record.id)
        await tx.objectStore('datasets').delete(previous.data.id);
      await tx.done;
    } catch (error) {
      await db.delete('datasets', record.id).catch(() => undefined);
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
    const value: unknown = await db.get('datasets', pointer.data.id);
    if (value === undefined) throw corrupted('the record is missing', pointer.data.id);
    const record = storedDatasetSchema.safeParse(value);
    if (!record.success)
      throw corrupted('the record failed validation', z.prettifyError(record.error));
    return record.data;
  }

  async clear(): Promise<void> {
    const db = await this.#open();
    const tx = db.transaction(['meta', 'datasets'], 'readwrite');
    await Promise.all([
      tx.objectStore('meta').clear(),
      tx.objectStore('datasets').clear(),
      tx.done
    ]);
  }

  #open(): Promise<IDBPDatabase<DatasetsDb>> {
    // `idb`'s openDB uses the global factory; wrapping our own request keeps the factory injectable.
    this.#db ??= (async () => {
      const request = this.#idb.open(dbName, dbVersion);
      request.onupgradeneeded = () => {
        const raw = request.result;
        if (!raw.objectStoreNames.contains('datasets')) raw.createObjectStore('datasets');
        if (!raw.objectStoreNames.contains('meta')) raw.createObjectStore('meta');
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
