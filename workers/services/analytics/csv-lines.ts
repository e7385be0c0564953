import { chunkBytes, forEachChunk, type CsvContent } from './csv-content';

/**
 * Maps DuckDB's view of a CSV back to physical lines (header = line 1), for messages. DuckDB's
 * `reject_errors.line` counts records, not lines, and loaded rows carry no number at all; what
 * DuckDB does give for a rejected record is where it starts (`line_byte_position`) and its text
 * (`csv_line`). One pass over the bytes, run only for files that have something to report:
 *  - loaded rows are found with a quote-aware scan (a quoted field may span lines; blank lines
 *    are no rows), which matches DuckDB's reader on well-formed records;
 *  - at a rejected record the scan follows DuckDB instead: the record covers its `csv_line`
 *    (an unclosed quote swallows the lines after it) and ends at the next newline, quotes
 *    ignored, so the rows after a broken record keep their true line numbers.
 */

export interface RejectedRecord {
  /** DuckDB's `line_byte_position`: the record's first byte, or the byte after it (LF files). */
  readonly bytePosition: number;
  /** Bytes of DuckDB's `csv_line` without a leading newline; 0 when DuckDB gave no text. */
  readonly byteLength: number;
}

export interface LineSpan {
  readonly first: number;
  readonly last: number;
}

export class CsvLineIndex {
  #rowLines: Int32Array = new Int32Array(0);
  #spans: LineSpan[] = [];

  /** `rejected`: DuckDB's rejected records, in file order. */
  constructor(bytes: Uint8Array, rejected: readonly RejectedRecord[]) {
    const scan = new LineScan(rejected);
    scan.push(bytes);
    [this.#rowLines, this.#spans] = scan.finish();
  }

  /** The index of a file read chunk by chunk, so a large file is never held whole. */
  static async of(
    content: CsvContent,
    rejected: readonly RejectedRecord[],
    chunkSize = chunkBytes
  ): Promise<CsvLineIndex> {
    const scan = new LineScan(rejected);
    await forEachChunk(content, (chunk) => scan.push(chunk), chunkSize);
    const index = new CsvLineIndex(new Uint8Array(0), []);
    [index.#rowLines, index.#spans] = scan.finish();
    return index;
  }

  /** Physical line of the loaded row `rowid` (0-based, in file order, rejected records skipped). */
  lineOfRow(rowid: number): number | undefined {
    return this.#rowLines[rowid];
  }

  /** First and last physical line of the `i`-th rejected record (in file order). */
  spanOfRejected(i: number): LineSpan | undefined {
    return this.#spans[i];
  }
}

/** The line scan, resumable across chunks. */
class LineScan {
  readonly #rejected: readonly RejectedRecord[];
  #next = 0;
  #rows = new Int32Array(1024);
  #rowCount = 0;
  readonly #spans: LineSpan[] = [];
  #offset = 0;
  #line = 1;
  #unit = 0;
  #unitStart = true;
  #unitLine = 1;
  #unitEmpty = true;
  #inQuotes = false;
  /** In a rejected record: quotes are ignored up to `#skipTo`, then up to the next newline. */
  #inRejected = false;
  #skipTo = 0;
  #lastByte = 0;
  #unitOffset = 0;

  constructor(rejected: readonly RejectedRecord[]) {
    this.#rejected = rejected;
  }

  push(bytes: Uint8Array): void {
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i];
      const at = this.#offset + i;
      if (this.#unitStart) this.#startUnit(at);
      if (b === 0x0a) {
        this.#line++;
        if (this.#inRejected ? at >= this.#skipTo : !this.#inQuotes) {
          this.#finishUnit(this.#line - 1);
          this.#unitStart = true;
        }
      } else if (b !== 0x0d) {
        if (this.#unitEmpty) this.#firstContent(at);
        this.#unitEmpty = false;
        if (b === 0x22 && !this.#inRejected) this.#inQuotes = !this.#inQuotes;
      }
    }
    this.#offset += bytes.length;
    if (bytes.length > 0) this.#lastByte = bytes[bytes.length - 1] ?? 0;
  }

  finish(): [Int32Array, LineSpan[]] {
    if (!this.#unitStart) this.#finishUnit(this.#lastByte === 0x0a ? this.#line - 1 : this.#line);
    this.#unitStart = true;
    return [this.#rows.slice(0, this.#rowCount), this.#spans];
  }

  #startUnit(at: number): void {
    this.#unit++;
    this.#unitStart = false;
    this.#unitEmpty = true;
    this.#unitLine = this.#line;
    this.#unitOffset = at;
    this.#inQuotes = false;
    this.#inRejected = false;
  }

  // DuckDB's position of a record is its first byte or the one after; after a blank line, it
  // may be the newline before. Records DuckDB did not see as we do are passed over.
  #firstContent(at: number): void {
    if (this.#unit < 2) return;
    while (
      this.#next < this.#rejected.length &&
      this.#rejected[this.#next]!.bytePosition < this.#unitOffset - 1
    )
      this.#next++;
    const r = this.#rejected[this.#next];
    if (r && r.bytePosition <= at + 1) {
      this.#next++;
      this.#inRejected = true;
      this.#skipTo = at + r.byteLength;
    }
  }

  #finishUnit(lastLine: number): void {
    if (this.#inRejected) {
      this.#spans.push({ first: this.#unitLine, last: Math.max(this.#unitLine, lastLine) });
      return;
    }
    if (this.#unit < 2 || this.#unitEmpty) return;
    if (this.#rowCount === this.#rows.length) {
      const grown = new Int32Array(this.#rows.length * 2);
      grown.set(this.#rows);
      this.#rows = grown;
    }
    this.#rows[this.#rowCount++] = this.#unitLine;
  }
}
