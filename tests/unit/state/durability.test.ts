import { IDBObjectStore } from 'fake-indexeddb';
import { afterEach, describe, expect, it } from 'vitest';
import type { StateService } from '../../../workers/services/state-service';
import { latestSchemaVersion } from '../../../workers/services/state/migrations';
import { createTab, freshIdb, getAllRaw, getRaw, sampleCase, waitFor } from './harness';

const open: StateService[] = [];
function tab(...args: Parameters<typeof createTab>): StateService {
  const t = createTab(...args);
  open.push(t);
  return t;
}
afterEach(async () => {
  await Promise.all(open.splice(0).map((t) => t.close()));
});

const analyst = { type: 'user', name: 'analyst' } as const;

/** Every write resolved → a new service over the same IndexedDB ("after a reload") sees it. */
async function writeSome(t: StateService): Promise<void> {
  await t.setSetting('theme', 'dark');
  await t.putCases([sampleCase(1), sampleCase(2)]);
  await t.setCaseStatus('case-2', 'approved', analyst, 'good catch');
}

async function expectSome(t: StateService): Promise<void> {
  expect(await t.getSettings()).toEqual({ theme: 'dark' });
  expect((await t.listCases()).map((c) => [c.caseId, c.status])).toEqual([
    ['case-2', 'approved'],
    ['case-1', 'open']
  ]);
  expect((await t.counts())['feedback']).toBe(1);
}

describe('durability', () => {
  it('a resolved write survives a reload without any checkpoint (WAL replay)', async () => {
    const idb = freshIdb();
    const first = tab({ idb });
    await first.open();
    await writeSome(first);
    expect(await getRaw(idb, 'images', 'current')).toBeUndefined();
    const reloaded = tab({ idb });
    const report = await reloaded.open();
    expect(report).toMatchObject({ restored: 'empty', walReplayed: 4 });
    await expectSome(reloaded);
  });

  it('a resolved write survives a reload after a checkpoint (image), which truncates the WAL', async () => {
    const idb = freshIdb();
    const first = tab({ idb });
    await first.open();
    await writeSome(first);
    expect(await getAllRaw(idb, 'wal')).toHaveLength(4);
    const flushed = await first.flush();
    expect(flushed).toMatchObject({ seq: 4 });
    expect(flushed.imageBytes).toBeGreaterThan(0);
    expect(await getAllRaw(idb, 'wal')).toHaveLength(0);
    expect(await getRaw(idb, 'images', 'current')).toMatchObject({
      format: 1,
      schemaVersion: latestSchemaVersion,
      seq: 4
    });
    await first.setSetting('after', 1); // lands in the WAL on top of the image
    const reloaded = tab({ idb });
    expect(await reloaded.open()).toMatchObject({ restored: 'image', walReplayed: 1 });
    expect(await reloaded.getSettings()).toEqual({ theme: 'dark', after: 1 });
    expect(await reloaded.countCases()).toBe(2);
  });

  it('checkpoints by itself once writes go idle, and when the WAL is long', async () => {
    const idb = freshIdb();
    const idle = tab({ idb, tuning: { checkpointIdleMs: 20 } });
    await idle.open();
    await idle.setSetting('a', 1);
    await waitFor(async () => (await getAllRaw(idb, 'wal')).length === 0);
    expect(await getRaw(idb, 'images', 'current')).toMatchObject({ seq: 2 });

    const idb2 = freshIdb();
    const busy = tab({ idb: idb2, tuning: { maxWalRecords: 5 } });
    await busy.open();
    for (let i = 0; i < 5; i++) await busy.setSetting(`k${i}`, i);
    await waitFor(async () => (await getAllRaw(idb2, 'wal')).length === 0);
  });

  it.each([
    ['thrown by add()', 'throw'],
    ['as the transaction abort error', 'abort']
  ] as const)(
    'a full disk (%s) fails the write, rolls memory back and keeps stored data',
    async (_, mode) => {
      const idb = freshIdb();
      const t = tab({ idb });
      await t.open();
      await t.putCases([sampleCase(1)]);
      const original = IDBObjectStore.prototype.add;
      IDBObjectStore.prototype.add = function (
        this: IDBObjectStore,
        ...args: Parameters<typeof original>
      ) {
        if (mode === 'throw') throw new DOMException('quota', 'QuotaExceededError');
        const request = original.apply(this, args);
        (this.transaction as unknown as { _abort(name: string): void })._abort(
          'QuotaExceededError'
        );
        return request;
      };
      try {
        await expect(t.putCases([sampleCase(2)])).rejects.toMatchObject({ code: 'storage_full' });
        await expect(t.setCaseStatus('case-1', 'rejected', analyst)).rejects.toMatchObject({
          code: 'storage_full'
        });
      } finally {
        IDBObjectStore.prototype.add = original;
      }
      expect((await t.listCases()).map((c) => [c.caseId, c.status])).toEqual([['case-1', 'open']]);
      expect((await t.counts())['feedback']).toBe(0);
      await t.putCases([sampleCase(3)]); // the disk has room again
      const reloaded = tab({ idb });
      await reloaded.open();
      expect((await reloaded.listCases()).map((c) => c.caseId)).toEqual(['case-3', 'case-1']);
    }
  );

  it('resetAll leaves a durable, freshly migrated, empty database', async () => {
    const idb = freshIdb();
    const t = tab({ idb });
    await t.open();
    await writeSome(t);
    await t.flush();
    await t.setSetting('late', true);
    await t.resetAll();
    expect(Object.values(await t.counts()).every((n) => n === 0)).toBe(true);
    await t.setSetting('after-reset', 1);
    const reloaded = tab({ idb });
    expect(await reloaded.open()).toMatchObject({ restored: 'image', corruption: null });
    expect(await reloaded.getSettings()).toEqual({ 'after-reset': 1 });
    expect(await reloaded.countCases()).toBe(0);
  });
});
