import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { makeService } from './harness';

/**
 * The UTF-8 BOM is stripped before anything reads the bytes: a file with a BOM is the same
 * data, and the same dataset, as the file without it (same digest, same first value, same
 * line numbers in problems). Deleting the strip must fail this.
 */
describe('UTF-8 BOM', () => {
  const bytes = readFileSync(new URL('../../fixtures/csv/customers_bom.csv', import.meta.url));
  const withBom = { fileName: 'customers.csv', data: new Uint8Array(bytes) };
  const withoutBom = { fileName: 'customers.csv', data: bytes.subarray(3).toString('utf8') };

  it(
    'a file with a BOM loads exactly as the same file without it',
    { timeout: 120_000 },
    async () => {
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const a = makeService().service;
      const b = makeService().service;
      const ra = await a.importCsv({
        name: 't',
        source: 'upload',
        files: [withBom],
        persist: false
      });
      const rb = await b.importCsv({
        name: 't',
        source: 'upload',
        files: [withoutBom],
        persist: false
      });
      expect(ra.problems).toEqual([]);
      const strip = (status: object) => {
        const copy: Record<string, unknown> = { ...status };
        delete copy['id'];
        delete copy['importedAt'];
        return copy;
      };
      expect(strip(ra.status)).toEqual(strip(rb.status));
      expect(ra.status.id).toBe(rb.status.id);
      const sql = 'SELECT * FROM customers ORDER BY 1';
      const qa = await a.query(sql);
      expect(qa).toEqual(await b.query(sql));
      const first = (qa.rows[0] as Record<string, unknown>)['customer_id'];
      expect(String(first).charCodeAt(0)).not.toBe(0xfeff);
    }
  );
});
