import { describe, expect, it } from 'vitest';
import { CsvLineIndex, type RejectedRecord } from '../../../workers/services/analytics/csv-lines';

const bytes = (text: string) => new TextEncoder().encode(text);

/** A rejected record as DuckDB reports it: position of its first byte (+1 in LF files) and its text. */
function rejected(text: string, record: string, plusOne = true): RejectedRecord {
  const at = text.indexOf(record);
  return { bytePosition: at + (plusOne ? 1 : 0), byteLength: bytes(record).length };
}

describe('CsvLineIndex maps loaded rows and rejected records to physical lines', () => {
  // line 1 header; 2 row; 3-4 quoted newline; 5 blank; 6 rejected by DuckDB; 7 row
  const text = 'a,b\r\n1,2\r\n"x\r\ny",3\r\n\r\n4,5,6\r\n7,8';
  const index = new CsvLineIndex(bytes(text), [rejected(text, '4,5,6', false)]);

  it('rows skip the header, blank lines and rejected records; the last line needs no newline', () => {
    expect([0, 1, 2, 3].map((r) => index.lineOfRow(r))).toEqual([2, 3, 7, undefined]);
    expect(index.spanOfRejected(0)).toEqual({ first: 6, last: 6 });
  });

  it('a doubled quote inside a quoted field does not end it', () => {
    const quoted = new CsvLineIndex(bytes('a,b\n"say ""hi""\nthere",1\n2,3\n'), []);
    expect([0, 1].map((r) => quoted.lineOfRow(r))).toEqual([2, 4]);
  });

  it('an unclosed quote covers the lines DuckDB swallowed, and the rows after keep their lines', () => {
    // DuckDB: the quote opened on line 3 closes before `ok`; the record ends at line 6.
    const t = 'a,b,c\n1,x,y\n2,"open,y\n3,z,w\n4,q,r\n5,"ok",s\n6,t,u\n7,"a\nb",c\n8,x,\n';
    const idx = new CsvLineIndex(bytes(t), [rejected(t, '2,"open,y\n3,z,w\n4,q,r\n5,"ok",s')]);
    expect(idx.spanOfRejected(0)).toEqual({ first: 3, last: 6 });
    expect([0, 1, 2, 3].map((r) => idx.lineOfRow(r))).toEqual([2, 7, 8, 10]);
  });

  it('a quote left open to the end of the file swallows every line after it', () => {
    const t = 'a,b,c\n1,x,y\n2,"never closed,y\n3,z,w\n';
    const idx = new CsvLineIndex(bytes(t), [rejected(t, '2,"never closed,y\n3,z,w\n')]);
    expect(idx.spanOfRejected(0)).toEqual({ first: 3, last: 4 });
    expect(idx.lineOfRow(1)).toBeUndefined();
  });
});

describe('CsvLineIndex.of reads a file chunk by chunk', () => {
  const text = 'a,b\r\n1,2\r\n"x\r\ny",3\r\n\r\n4,5,6\r\n7,8\n"p ""q""\nr",9\n';
  const rej = [rejected(text, '4,5,6', false)];
  const whole = new CsvLineIndex(bytes(text), rej);

  it.each([1, 2, 3, 7, 1024])(
    'gives the same lines with %i-byte chunks of a Blob',
    async (size) => {
      const chunked = await CsvLineIndex.of(new Blob([text]), rej, size);
      for (let r = 0; r <= 5; r++) expect(chunked.lineOfRow(r)).toBe(whole.lineOfRow(r));
      expect(chunked.spanOfRejected(0)).toEqual(whole.spanOfRejected(0));
    }
  );
});
