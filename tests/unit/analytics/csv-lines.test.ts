import { describe, expect, it } from 'vitest';
import { CsvLineIndex } from '../../../workers/services/analytics/csv-lines';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('CsvLineIndex maps DuckDB units and loaded rows to physical lines', () => {
  // line 1 header; 2 row; 3-4 quoted newline; 5 blank; 6 rejected by DuckDB (unit 5); 7 row
  const text = 'a,b\r\n1,2\r\n"x\r\ny",3\r\n\r\n4,5,6\r\n7,8';
  const index = new CsvLineIndex(bytes(text), new Set([5]));

  it('units count a quoted multi-line field once and a blank line as a unit', () => {
    expect([1, 2, 3, 4, 5, 6].map((u) => index.lineOfUnit(u))).toEqual([1, 2, 3, 5, 6, 7]);
  });

  it('rows skip the header, blank lines and rejected units; the last line needs no newline', () => {
    expect([0, 1, 2, 3].map((r) => index.lineOfRow(r))).toEqual([2, 3, 7, undefined]);
  });

  it('a doubled quote inside a quoted field does not end it', () => {
    const quoted = new CsvLineIndex(bytes('a,b\n"say ""hi""\nthere",1\n2,3\n'), new Set());
    expect([0, 1].map((r) => quoted.lineOfRow(r))).toEqual([2, 4]);
  });
});

describe('CsvLineIndex.of reads a file chunk by chunk', () => {
  const text = 'a,b\r\n1,2\r\n"x\r\ny",3\r\n\r\n4,5,6\r\n7,8\n"p ""q""\nr",9\n';
  const whole = new CsvLineIndex(bytes(text), new Set([5]));

  it.each([1, 2, 3, 7, 1024])(
    'gives the same lines with %i-byte chunks of a Blob',
    async (size) => {
      const chunked = await CsvLineIndex.of(new Blob([text]), new Set([5]), size);
      for (let u = 1; u <= 9; u++) expect(chunked.lineOfUnit(u)).toBe(whole.lineOfUnit(u));
      for (let r = 0; r <= 5; r++) expect(chunked.lineOfRow(r)).toBe(whole.lineOfRow(r));
    }
  );
});
