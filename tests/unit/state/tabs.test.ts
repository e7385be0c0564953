import { afterEach, describe, expect, it } from 'vitest';
import type { StateChange } from '../../../workers/contracts/state';
import type { StateService } from '../../../workers/services/state-service';
import {
  createHub,
  createLocks,
  createTab,
  freshIdb,
  sampleCase,
  waitFor,
  type TabOptions
} from './harness';

const open: StateService[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((t) => t.close()));
});

/** Two "tabs": one IndexedDB, one lock manager, one channel hub. */
async function twoTabs(overrides: Partial<TabOptions> = {}, withChannel = true) {
  const idb = freshIdb();
  const locks = createLocks();
  const hub = createHub();
  const make = () => {
    const t = createTab({
      idb,
      locks,
      channel: withChannel ? hub.channel() : undefined,
      ...overrides
    });
    open.push(t);
    return t;
  };
  const a = make();
  const b = make();
  await Promise.all([a.open(), b.open()]);
  return { a, b, idb };
}

function changes(t: StateService): StateChange[] {
  const seen: StateChange[] = [];
  void t.onChange((change) => seen.push(change));
  return seen;
}

describe('two tabs', () => {
  it('100 interleaved writes each: both end with all 200 and the same content', async () => {
    const { a, b } = await twoTabs();
    const writes: Promise<unknown>[] = [];
    for (let i = 0; i < 100; i++) {
      writes.push(a.putCases([sampleCase(i, { caseId: `a-${i}`, runId: 'run-a' })]));
      writes.push(b.putCases([sampleCase(i, { caseId: `b-${i}`, runId: 'run-b' })]));
      // Both tabs write the same key: the log order decides, and both must agree on it.
      writes.push((i % 2 === 0 ? a : b).setSetting('last', i));
      if (i > 0)
        writes.push(b.setCaseStatus(`a-${i - 1}`, 'approved', { type: 'user', name: 'b' }));
    }
    await Promise.all(writes);
    await waitFor(async () => (await a.countCases()) === 200 && (await b.countCases()) === 200);
    await waitFor(
      async () => (await a.counts())['feedback'] === 99 && (await b.counts())['feedback'] === 99
    );
    expect(await a.listCases()).toEqual(await b.listCases());
    expect(await a.getSettings()).toEqual(await b.getSettings());
    expect(await a.getSettings()).toEqual({ last: 99 });
    expect(await a.counts()).toEqual(await b.counts());
    expect((await a.listCases({ status: 'approved' })).length).toBe(99);
  });

  it("each tab sees the other's write through onChange within 2 s", async () => {
    const { a, b } = await twoTabs();
    const seenByA = changes(a);
    const seenByB = changes(b);
    await a.setSetting('from', 'a');
    const latencyB = await waitFor(() => seenByB.some((c) => c.origin === 'remote'));
    expect(seenByB).toEqual([{ tables: ['settings'], origin: 'remote', seq: 2 }]);
    expect(seenByA).toEqual([{ tables: ['settings'], origin: 'local', seq: 2 }]);
    await b.putCases([sampleCase(1)]);
    const latencyA = await waitFor(() => seenByA.some((c) => c.origin === 'remote'));
    expect(await a.countCases()).toBe(1);
    expect(Math.max(latencyA, latencyB)).toBeLessThan(2000);
  });

  it('without a channel, the poll still brings the other tab up to date', async () => {
    const { a, b } = await twoTabs({ tuning: { pollMs: 30 } }, false);
    const seenByB = changes(b);
    await a.setSetting('polled', true);
    await waitFor(() => seenByB.length > 0);
    expect(await b.getSettings()).toEqual({ polled: true });
  });

  it('a tab that missed records folded into a checkpoint reloads the image before writing', async () => {
    const { a, b } = await twoTabs({}, false); // no channel, 60 s poll: b lags behind
    await a.putCases([sampleCase(1), sampleCase(2)]);
    await a.flush(); // the WAL records b never applied are gone now
    await b.setCaseStatus('case-1', 'rejected', { type: 'user', name: 'b' });
    expect((await b.listCases()).map((c) => [c.caseId, c.status])).toEqual([
      ['case-2', 'open'],
      ['case-1', 'rejected']
    ]);
  });

  it('resetAll in one tab empties the other', async () => {
    const { a, b } = await twoTabs();
    await a.putCases([sampleCase(1)]);
    await waitFor(async () => (await b.countCases()) === 1);
    const seenByB = changes(b);
    await a.resetAll();
    await waitFor(() => seenByB.some((c) => c.origin === 'remote' && c.tables.includes('cases')));
    expect(await b.countCases()).toBe(0);
    await b.setSetting('after', 1);
    await waitFor(async () => (await a.getSettings())['after'] === 1);
  });
});
