import { Type, util, type DataType, type Table } from 'apache-arrow';
import type { QueryResult, ResultValue } from '../../contracts/analytics';

/**
 * Arrow results → JSON-safe rows (see `resultTypes` in the contract for the formats). Types are
 * recognised by `typeId`, not `instanceof`: duckdb-wasm bundles its own copy of apache-arrow.
 */

type ResultType = QueryResult['columns'][number]['type'];
type Convert = (value: unknown) => ResultValue;

export function tableToJson(table: Table): QueryResult {
  const fields = table.schema.fields;
  const converters = fields.map((f) => converterFor(f.type));
  const columns = fields.map((f) => ({ name: f.name, type: resultType(f.type) }));
  const vectors = fields.map((_, i) => table.getChildAt(i));
  const rows: Record<string, ResultValue>[] = [];
  for (let r = 0; r < table.numRows; r++) {
    const row: Record<string, ResultValue> = {};
    for (let c = 0; c < fields.length; c++) {
      const value: unknown = vectors[c]?.get(r);
      row[columns[c]?.name ?? `col${c}`] =
        value === null || value === undefined ? null : (converters[c] ?? text)(value);
    }
    rows.push(row);
  }
  return { columns, rows };
}

function resultType(type: DataType): ResultType {
  switch (type.typeId) {
    case Type.Int:
      return 'integer';
    case Type.Float:
      return 'number';
    case Type.Decimal:
      return (type as unknown as { scale: number }).scale === 0 ? 'integer' : 'decimal';
    case Type.Utf8:
    case Type.LargeUtf8:
      return 'text';
    case Type.Bool:
      return 'boolean';
    case Type.Timestamp:
      return 'timestamp';
    case Type.Date:
      return 'date';
    case Type.Time:
      return 'time';
    default:
      return 'other';
  }
}

function converterFor(type: DataType): Convert {
  switch (type.typeId) {
    case Type.Int:
      return (v) => (typeof v === 'bigint' ? bigintValue(v) : Number(v));
    case Type.Float:
      return (v) => (Number.isFinite(v) ? Number(v) : String(v));
    case Type.Decimal: {
      const scale = (type as unknown as { scale: number }).scale;
      // HUGEINT and UHUGEINT arrive as DECIMAL(38,0): keep them exact when they are big.
      if (scale === 0)
        return (v) =>
          bigintValue(util.bigNumToBigInt(v as Parameters<typeof util.bigNumToBigInt>[0]));
      return (v) => util.bigNumToNumber(v as Parameters<typeof util.bigNumToNumber>[0], scale);
    }
    case Type.Bool:
      return (v) => Boolean(v);
    case Type.Timestamp:
      return (v) => isoOrText(Math.floor(Number(v)), v, 24);
    case Type.Date:
      return (v) => isoOrText(Number(v), v, 10);
    case Type.Time:
      return (v) => timeOfDay(v, (type as unknown as { unit: number }).unit);
    case Type.Utf8:
    case Type.LargeUtf8:
      return text;
    default:
      return (v) =>
        JSON.stringify(v, (_key, inner: unknown) =>
          typeof inner === 'bigint' ? bigintValue(inner) : inner
        );
  }
}

function text(v: unknown): string {
  return String(v);
}

// Years beyond ±275760 (DuckDB allows them) do not fit a JS Date.
function isoOrText(ms: number, raw: unknown, length: number): string {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? String(raw) : date.toISOString().slice(0, length);
}

function bigintValue(v: bigint): number | string {
  return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER)
    ? Number(v)
    : v.toString();
}

// Arrow TimeUnit: 0 s, 1 ms, 2 µs, 3 ns.
function timeOfDay(v: unknown, unit: number): string {
  const perSecond = [1n, 1000n, 1_000_000n, 1_000_000_000n][unit] ?? 1_000_000n;
  const ticks = typeof v === 'bigint' ? v : BigInt(Math.round(Number(v)));
  const seconds = Number(ticks / perSecond);
  const fraction = ticks % perSecond;
  const pad = (n: number) => String(n).padStart(2, '0');
  const hms = `${pad(Math.floor(seconds / 3600))}:${pad(Math.floor(seconds / 60) % 60)}:${pad(seconds % 60)}`;
  return fraction === 0n
    ? hms
    : `${hms}.${fraction.toString().padStart(perSecond.toString().length - 1, '0')}`;
}
