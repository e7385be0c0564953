import * as Comlink from 'comlink';
import { errorDataSchema, fromErrorData, toErrorData, type ErrorData } from './errors';

/**
 * Comlink's default throw handler posts `{message, name, stack}` and loses the error's code.
 * Both sides of every worker import this module once, so thrown errors cross as `ErrorData`
 * and come back as `OpsiqError` with their code (duckdb-wasm's `failWith` does the same).
 */
Comlink.transferHandlers.set('throw', {
  canHandle: (value: unknown): value is { value: unknown } =>
    typeof value === 'object' && value !== null && 'value' in value && isThrown(value),
  serialize: ({ value }: { value: unknown }) => [toErrorData(value), []],
  deserialize: (data: unknown) => {
    const parsed = errorDataSchema.safeParse(data);
    throw parsed.success
      ? fromErrorData(parsed.data as ErrorData)
      : fromErrorData({ name: 'OpsiqError', code: 'internal', message: String(data) });
  }
} as Comlink.TransferHandler<{ value: unknown }, ErrorData>);

// Comlink marks thrown values with a private symbol; its own handler checks the same marker.
function isThrown(value: object): boolean {
  return Object.getOwnPropertySymbols(value).some((s) => s.description === 'Comlink.thrown');
}

export { Comlink };
