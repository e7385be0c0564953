import { OpsiqError, isQuotaError } from '../../contracts/errors';

/** Maps IndexedDB failures to the error taxonomy: a full disk is the user's to fix. */
export async function storage<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (error instanceof OpsiqError) throw error;
    if (isQuotaError(error)) {
      throw new OpsiqError(
        'storage_full',
        'The browser storage is full: nothing was saved. Free some space and try again.'
      );
    }
    throw new OpsiqError('storage_failed', `Saving to IndexedDB failed: ${message(error)}`);
  }
}

export function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
