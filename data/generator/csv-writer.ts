/**
 * CSV output in chunks: rows are concatenated into one string per table and handed to a sink
 * once it passes a size, so a caller can stream a `large` dataset to disk or collect a small one
 * in memory. Only free-text fields are escaped, and only when they need it (RFC 4180).
 */
import { PAD2 } from './calendar';
import { TABLE_COLUMNS, TABLE_NAMES, emptyCounts, type RowCounts, type TableName } from './tables';

/** Receives CSV text for a table: first the header line, then rows, in order. */
export type ChunkSink = (table: TableName, chunk: string) => void;

const NEEDS_QUOTES = /[",\n\r]/;

/** A field quoted only when it holds a comma, quote or line break. */
export function csvField(text: string): string {
  if (!NEEDS_QUOTES.test(text)) return text;
  return `"${text.replace(/"/g, '""')}"`;
}

/** Cents as a plain decimal with two places (`19900` → `199.00`), exact for integers. */
export function formatCents(cents: number): string {
  if (cents < 0) return `-${formatCents(-cents)}`;
  const whole = Math.floor(cents / 100);
  return `${whole}.${PAD2[cents - whole * 100]}`;
}

const FLUSH_AT = 1 << 20;

export class CsvWriters {
  readonly counts: RowCounts = emptyCounts();
  #buffers = new Map<TableName, string>();

  constructor(private readonly sink: ChunkSink) {
    for (const table of TABLE_NAMES)
      this.#buffers.set(table, `${TABLE_COLUMNS[table].join(',')}\n`);
  }

  /** Appends one row (fields already formatted and joined by commas, no line break). */
  row(table: TableName, line: string): void {
    const buffer = `${this.#buffers.get(table) ?? ''}${line}\n`;
    this.counts[table] += 1;
    if (buffer.length >= FLUSH_AT) {
      this.sink(table, buffer);
      this.#buffers.set(table, '');
    } else this.#buffers.set(table, buffer);
  }

  flush(): void {
    for (const table of TABLE_NAMES) {
      const buffer = this.#buffers.get(table) ?? '';
      if (buffer.length > 0) this.sink(table, buffer);
      this.#buffers.set(table, '');
    }
  }
}
