/**
 * Maps DuckDB's view of a CSV back to physical lines, for error messages. DuckDB numbers the
 * records it rejects by "line" = newline-separated unit outside quotes (a quoted field spanning
 * lines is one unit, a blank line is a unit too), and gives loaded rows no number at all. One
 * quote-aware pass over the bytes yields each unit's first physical line; it runs only for files
 * that have errors.
 */
export class CsvLineIndex {
  readonly #unitLines: Int32Array;
  readonly #rowUnits: Int32Array;

  /** `rejectedUnits`: DuckDB's `reject_errors.line` values (1-based units, header is 1). */
  constructor(bytes: Uint8Array, rejectedUnits: ReadonlySet<number>) {
    const lines: number[] = [];
    const rows: number[] = [];
    let line = 1;
    let unitStart = true;
    let unitEmpty = true;
    let inQuotes = false;
    const finishUnit = () => {
      const unit = lines.length; // 1-based number of the unit just finished
      if (unit >= 2 && !unitEmpty && !rejectedUnits.has(unit)) rows.push(unit);
    };
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i];
      if (unitStart) {
        lines.push(line);
        unitStart = false;
        unitEmpty = true;
      }
      if (b === 0x0a) {
        line++;
        if (!inQuotes) {
          finishUnit();
          unitStart = true;
        }
      } else if (b !== 0x0d) {
        unitEmpty = false;
        if (b === 0x22) inQuotes = !inQuotes;
      }
    }
    if (!unitStart) finishUnit();
    this.#unitLines = Int32Array.from(lines);
    this.#rowUnits = Int32Array.from(rows);
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
