import { z } from 'zod';

/**
 * Errors cross thread boundaries as plain data and become typed errors again on the other side
 * (see `src/lib/services/errors.ts`). Never post an `Error` object raw.
 */
export const errorCodes = [
  'unsupported_browser',
  'engine_failed',
  'invalid_input',
  'import_rejected',
  'query_rejected',
  'query_failed',
  'no_dataset',
  'storage_full',
  'storage_failed',
  'state_corrupted',
  'not_found',
  'cancelled',
  /** Another tab changed the same thing first (e.g. memory); reload and try again. */
  'conflict',
  /** A worker crashed (or was terminated) mid-call; it was restarted and reopened. */
  'worker_crashed',
  'internal'
] as const;
export const errorCodeSchema = z.enum(errorCodes);
export type ErrorCode = z.infer<typeof errorCodeSchema>;

export const errorDataSchema = z.object({
  name: z.string(),
  code: errorCodeSchema,
  message: z.string(),
  details: z.unknown().optional()
});
export type ErrorData = z.infer<typeof errorDataSchema>;

/** An error a worker service throws on purpose: its code says what kind, its message says what and where. */
export class OpsiqError extends Error {
  override name = 'OpsiqError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown
  ) {
    super(message);
  }

  toData(): ErrorData {
    return { name: this.name, code: this.code, message: this.message, details: this.details };
  }
}

/** Turns anything thrown into the wire shape; unknown errors keep their message under `internal`. */
export function toErrorData(error: unknown): ErrorData {
  if (error instanceof OpsiqError) return error.toData();
  if (isQuotaError(error)) {
    return {
      name: 'OpsiqError',
      code: 'storage_full',
      message: 'The browser storage is full: free some space (Settings → Storage) and try again.'
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { name: 'OpsiqError', code: 'internal', message };
}

/** True for IndexedDB's QuotaExceededError, however the browser wraps it. */
export function isQuotaError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const name = (error as { name?: unknown }).name;
  return name === 'QuotaExceededError' || name === 'NS_ERROR_DOM_QUOTA_REACHED';
}

export function fromErrorData(data: ErrorData): OpsiqError {
  return new OpsiqError(data.code, data.message, data.details);
}

/** The error as an `OpsiqError`, for code that shows errors to people. */
export function asOpsiqError(error: unknown): OpsiqError {
  return error instanceof OpsiqError ? error : fromErrorData(toErrorData(error));
}
