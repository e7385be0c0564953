import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ChunkedDigest,
  forEachChunk,
  sha256
} from '../../../workers/services/analytics/csv-content';
import { prepareCsv } from '../../../workers/services/analytics/csv-file';
import { counts, demoDir, demoFiles, fixture, makeService } from './harness';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const blobOf = (data: string | Uint8Array | Blob) =>
  data instanceof Blob ? data : new Blob([typeof data === 'string' ? data : new Uint8Array(data)]);

describe('content read in chunks', () => {
  it('a one-chunk digest is plain SHA-256; a chunked one is stable and depends on every byte', async () => {
    const data = new TextEncoder().encode('invoice_id,customer_id\nINV1,C1\nINV2,C2\n');
    const one = new ChunkedDigest();
    await one.update(data);
    expect(hex(await one.digest())).toBe(createHash('sha256').update(data).digest('hex'));

    const chunked = async (bytes: Uint8Array) => {
      const d = new ChunkedDigest();
      await forEachChunk(bytes, (c) => d.update(c), 8);
      return hex(await d.digest());
    };
    expect(await chunked(data)).toBe(await chunked(data.slice()));
    const changed = data.slice();
    changed[data.length - 2] = 0x33;
    expect(await chunked(changed)).not.toBe(await chunked(data));
    expect(await chunked(data)).not.toBe(hex(await sha256(data)));
  });

  it('a Blob with a BOM is checked like the same bytes, and its content starts after the BOM', async () => {
    const text = readFileSync(join(demoDir, 'customers.csv'));
    const withBom = new Blob([new Uint8Array([0xef, 0xbb, 0xbf]), new Uint8Array(text)]);
    const fromBlob = await prepareCsv('customers.csv', withBom, 1024 ** 2);
    const fromBytes = await prepareCsv('customers.csv', new Uint8Array(text), 1024 ** 2);
    if (!fromBlob.ok || !fromBytes.ok) throw new Error('expected both to be accepted');
    expect(hex(fromBlob.digest)).toBe(hex(fromBytes.digest));
    expect(fromBlob.columns).toEqual(fromBytes.columns);
    expect(fromBlob.content).toBeInstanceOf(Blob);
    expect((fromBlob.content as Blob).size).toBe(text.length);
  });

  it('a Blob that is binary, or not UTF-8, is rejected with the same reasons as bytes', async () => {
    for (const name of ['invoices_binary.csv', 'customers_latin1.csv']) {
      const bytes = fixture(name).data as Uint8Array;
      const fromBlob = await prepareCsv(name, blobOf(bytes), 1024 ** 2);
      const fromBytes = await prepareCsv(name, bytes, 1024 ** 2);
      expect(fromBlob.ok).toBe(false);
      expect(fromBlob).toEqual(fromBytes);
    }
  });

  it('importing the demo from Blobs gives the same dataset (id, counts) as from text', async () => {
    const { service } = makeService();
    const fromText = await service.importCsv({
      name: 'Demo',
      source: 'demo',
      files: demoFiles(),
      persist: false
    });
    const fromBlobs = await service.importCsv({
      name: 'Demo',
      source: 'demo',
      files: demoFiles().map((f) => ({ fileName: f.fileName, data: blobOf(f.data) })),
      persist: false
    });
    expect(fromBlobs.status.id).toBe(fromText.status.id);
    expect(counts(fromBlobs.status.tables)).toEqual(counts(fromText.status.tables));
  });

  it('row problems in a Blob are reported on the same lines as in bytes', async () => {
    const { service } = makeService();
    const file = fixture('invoices_bad_money.csv');
    const asBytes = await service.importCsv({
      name: 't',
      source: 'upload',
      files: [file],
      persist: false
    });
    const asBlob = await service.importCsv({
      name: 't',
      source: 'upload',
      files: [{ fileName: file.fileName, data: blobOf(file.data) }],
      persist: false
    });
    expect(asBytes.problems.length).toBeGreaterThan(0);
    expect(asBlob.problems).toEqual(asBytes.problems);
  });
});
