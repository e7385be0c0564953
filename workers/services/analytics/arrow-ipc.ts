import type { DuckDBConnection } from '@duckdb/duckdb-wasm/blocking';
import { OpsiqError } from '../../contracts/errors';
import { ident } from './validation-sql';

/**
 * The table as an Arrow IPC stream, cut out of the IPC *file* DuckDB returns: no decode into JS
 * objects and back, and no dependence on which copy of apache-arrow DuckDB's result objects come
 * from (in Node, DuckDB requires the CJS copy while we import the ESM one, and `tableToIPC` on a
 * foreign `Table` silently writes nothing). File layout: "ARROW1\0\0", the stream (ending in
 * EOS), the footer, its int32 length, "ARROW1".
 */
export function exportIpc(conn: DuckDBConnection, table: string): Uint8Array {
  const file = conn.useUnsafe((bindings, id) =>
    bindings.runQuery(id, `SELECT * FROM ${ident(table)}`)
  );
  const magic = new TextDecoder().decode(file.subarray(0, 6));
  const footerLength = new DataView(file.buffer, file.byteOffset, file.byteLength).getInt32(
    file.length - 10,
    true
  );
  const end = file.length - 10 - footerLength;
  if (magic !== 'ARROW1' || end <= 8)
    throw new OpsiqError(
      'engine_failed',
      `DuckDB returned an unexpected Arrow buffer for ${table}.`
    );
  // DuckDB's result is already a copy out of its heap, sized to fit: a view into it costs no
  // second copy of a large table, and stores only the footer's few bytes extra.
  return file.byteLength === file.buffer.byteLength ? file.subarray(8, end) : file.slice(8, end);
}
