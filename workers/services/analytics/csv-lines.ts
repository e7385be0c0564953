import { chunkBytes, forEachChunk, type CsvContent } from './csv-content';

/**
 * Maps DuckDB's view of a CSV back to physical lines, for error messages. DuckDB numbers the
 * records it rejects by "line" = newline-separated unit outside quotes (a quoted field spanning
 * lines is one unit, a blank line is a unit too), and gives loaded rows no number at all. One
 * quote-aware pass over the bytes yields each unit's first physical line; it runs only for files
 * that have errors.
 */
export class CsvLineIndex {
  #unitLines: Int32Array;
  #rowUnits: Int32Array;

  /** `rejectedUnits`: DuckDB's `reject_errors.line` values (1-based units, header is 1). */
  constructor(bytes: Uint8Array, rejectedUnits: ReadonlySet<number>) {
    const scan = new LineScan(rejectedUnits);
    scan.push(bytes);
    [this.#unitLines, this.#rowUnits] = scan.finish();
  }

  /** The index of a file read chunk by chunk, so a large file is never held whole. */
  static async of(
    content: CsvContent,
    rejectedUnits: ReadonlySet<number>,
    chunkSize = chunkBytes
  ): Promise<CsvLineIndex> {
    const scan = new LineScan(rejectedUnits);
    await forEachChunk(content, (chunk) => scan.push(chunk), chunkSize);
    const index = new CsvLineIndex(new Uint8Array(0), rejectedUnits);
    [index.#unitLines, index.#rowUnits] = scan.finish();
    return index;
  }

  /** Physical line where DuckDB's unit `unit` starts. */
  lineOfUnit(unit: number): number | undefined {
    return this.#unitLines[unit - 1];
  }

  /** Physical line of the loaded row `rowid` (0-based, in file order). */
  lineOfRow(rowid: number): number | undefined {
    const unit = this.#rowUnits[rowid];
    return unit === undefined ? undefined : this.#unitLines[unit - 1];
  }
}

/** The quote-aware line scan, resumable across chunks. */
class LineScan {
  readonly #rejected: ReadonlySet<number>;
  readonly #lines: number[] = [];
  readonly #rows: number[] = [];
  #line = 1;
  #unitStart = true;
  #unitEmpty = true;
  #inQuotes = false;

  constructor(rejected: ReadonlySet<number>) {
    this.#rejected = rejected;
  }

  push(bytes: Uint8Array): void {
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i];
      if (this.#unitStart) {
        this.#lines.push(this.#line);
        this.#unitStart = false;
        this.#unitEmpty = true;
      }
      if (b === 0x0a) {
        this.#line++;
        if (!this.#inQuotes) {
          this.#finishUnit();
          this.#unitStart = true;
        }
      } else if (b !== 0x0d) {
        this.#unitEmpty = false;
        if (b === 0x22) this.#inQuotes = !this.#inQuotes;
      }
    }
  }

  finish(): [Int32Array, Int32Array] {
    if (!this.#unitStart) this.#finishUnit();
    this.#unitStart = true;
    return [Int32Array.from(this.#lines), Int32Array.from(this.#rows)];
  }

  #finishUnit(): void {
    const unit = this.#lines.length; // 1-based number of the unit just finished
    if (unit >= 2 && !this.#unitEmpty && !this.#rejected.has(unit)) this.#rows.push(unit);
  }
}
