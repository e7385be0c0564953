import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { StateService } from '../../../workers/services/state-service';
import { latestSchemaVersion } from '../../../workers/services/state/migrations';
import { createTab, freshIdb, getAllRaw, getRaw, putRaw } from './harness';

/** Frozen fixtures (tests/fixtures/state, made once by make-fixtures.ts): read, never rewritten. */
const fixture = (name: string) =>
  new Uint8Array(readFileSync(new URL(`../../fixtures/state/${name}`, import.meta.url)));
const v1Image = fixture('v1-image.sqlite');
const corruptedImage = fixture('corrupted-image.sqlite');

const open: StateService[] = [];
function tab(idb: IDBFactory): StateService {
  const t = createTab({ idb });
  open.push(t);
  return t;
}
afterEach(async () => {
  await Promise.all(open.splice(0).map((t) => t.close()));
});

async function planted(record: unknown): Promise<IDBFactory> {
  const idb = freshIdb();
  await putRaw(idb, 'images', record, 'current');
  return idb;
}

describe('stored images', () => {
  it('restores everything from the v1 fixture image', async () => {
    const idb = await planted({ format: 1, schemaVersion: 1, seq: 7, image: v1Image });
    const t = tab(idb);
    expect(await t.open()).toMatchObject({
      restored: 'image',
      // The v1 image is migrated on open (a logged write like any other).
      schemaVersion: latestSchemaVersion,
      walReplayed: 0,
      corruption: null
    });
    expect(await t.getSettings()).toEqual({
      'llm.provider': 'none',
      thresholds: { underbilling: 0.05, refundSpike: 3 }
    });
    expect((await t.listCases()).map((c) => [c.key, c.status])).toEqual([
      ['underbilling:INV003', 'approved'],
      ['underbilling:INV002', 'open'],
      ['underbilling:INV001', 'open']
    ]);
    expect((await t.listActions()).map((a) => [a.actionId, a.status])).toEqual([['act-1', 'done']]);
    expect((await t.listActionEvents('act-1')).map((e) => e.toStatus)).toEqual([
      'acknowledged',
      'done'
    ]);
  });

  it('sets a corrupted image aside, reports it, and continues on an empty database', async () => {
    const idb = await planted({ format: 1, schemaVersion: 1, seq: 7, image: corruptedImage });
    await putRaw(idb, 'wal', {
      seq: 8,
      format: 1,
      kind: 'write',
      schemaVersion: 1,
      tables: ['settings'],
      at: 'x',
      statements: [{ sql: "INSERT INTO settings VALUES ('k', '1', 'x')", params: [] }]
    });
    const t = tab(idb);
    const report = await t.open();
    expect(report).toMatchObject({ restored: 'empty', corruption: { setAsideKey: 'corrupt-7' } });
    expect(report.corruption?.reason).toMatch(/integrity|malformed/);
    const setAside = (await getRaw(idb, 'images', 'corrupt-7')) as { image: Uint8Array };
    expect(setAside.image).toEqual(corruptedImage);
    expect(await getAllRaw(idb, 'wal_rejected')).toMatchObject([
      { seq: 8, reason: expect.stringMatching(/corrupted image/) }
    ]);
    expect(Object.values(await t.counts()).every((n) => n === 0)).toBe(true);
    await t.setSetting('works', true);
    const reloaded = tab(idb);
    expect(await reloaded.open()).toMatchObject({ corruption: null, restored: 'image' });
    expect(await reloaded.getSettings()).toEqual({ works: true });
  });

  it.each([
    [
      'a record of the wrong shape',
      { format: 2, image: 'not bytes' },
      /invalid image record/,
      'corrupt-unknown'
    ],
    [
      'bytes that are not a database',
      { format: 1, schemaVersion: 1, seq: 3, image: new Uint8Array(4096).fill(7) },
      /not a database/,
      'corrupt-3'
    ]
  ])('sets aside %s', async (_, record, reason, key) => {
    const idb = await planted(record);
    const report = await tab(idb).open();
    expect(report.corruption).toMatchObject({
      reason: expect.stringMatching(reason),
      setAsideKey: key
    });
    expect(await getRaw(idb, 'images', key)).toEqual(record);
  });

  it('refuses data of a newer schema and leaves it untouched', async () => {
    const newerRecord = {
      format: 1,
      schemaVersion: latestSchemaVersion + 1,
      seq: 7,
      image: v1Image
    };
    const idb = await planted(newerRecord);
    await expect(tab(idb).open()).rejects.toMatchObject({
      code: 'state_corrupted',
      message: expect.stringMatching(/newer/)
    });
    expect(await getRaw(idb, 'images', 'current')).toEqual(newerRecord);

    const bumped = new Uint8Array(v1Image);
    new DataView(bumped.buffer).setUint32(60, 9); // the header's user_version field
    const idb2 = await planted({ format: 1, schemaVersion: 1, seq: 7, image: bumped });
    await expect(tab(idb2).open()).rejects.toMatchObject({ code: 'state_corrupted' });
    expect(await getAllRaw(idb2, 'images')).toHaveLength(1);
  });

  it('refuses a WAL record written by a newer schema', async () => {
    const idb = await planted({ format: 1, schemaVersion: 1, seq: 7, image: v1Image });
    const record = {
      seq: 8,
      format: 1,
      kind: 'write',
      schemaVersion: latestSchemaVersion + 1,
      tables: [],
      statements: [],
      at: 'x'
    };
    await putRaw(idb, 'wal', record);
    await expect(tab(idb).open()).rejects.toMatchObject({ code: 'state_corrupted' });
    expect(await getAllRaw(idb, 'wal')).toEqual([record]);
  });

  it('sets aside a WAL record that fails to apply and keeps the rest', async () => {
    const idb = await planted({ format: 1, schemaVersion: 1, seq: 7, image: v1Image });
    const write = (seq: number, sql: string) => ({
      seq,
      format: 1,
      kind: 'write',
      schemaVersion: 1,
      tables: ['settings'],
      at: 'x',
      statements: [{ sql, params: [] }]
    });
    await putRaw(idb, 'wal', write(8, 'INSERT INTO no_such_table VALUES (1)'));
    await putRaw(idb, 'wal', write(9, "INSERT INTO settings VALUES ('ok', 'true', 'x')"));
    const t = tab(idb);
    const report = await t.open();
    expect(report).toMatchObject({
      walReplayed: 1,
      walRejected: [{ seq: 8, reason: expect.stringMatching(/no_such_table/) }]
    });
    expect((await t.getSettings())['ok']).toBe(true);
    expect(await getAllRaw(idb, 'wal_rejected')).toMatchObject([
      { seq: 8, record: write(8, 'INSERT INTO no_such_table VALUES (1)') }
    ]);
  });
});
