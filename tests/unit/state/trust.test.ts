import { IDBObjectStore } from 'fake-indexeddb';
import { afterEach, describe, expect, it } from 'vitest';
import type { VerdictInput } from '../../../workers/contracts/state';
import type { StateService } from '../../../workers/services/state-service';
import { memorySchema } from '../../../src/lib/domain/memory';
import {
  createHub,
  createLocks,
  createTab,
  freshIdb,
  getAllRaw,
  putRaw,
  sampleCase,
  waitFor
} from './harness';

const open: StateService[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((t) => t.close()));
});

function tabsOver(n: number) {
  const idb = freshIdb();
  const locks = createLocks();
  const hub = createHub();
  const tabs = Array.from({ length: n }, () => {
    const t = createTab({ idb, locks, channel: hub.channel() });
    open.push(t);
    return t;
  });
  return { idb, tabs };
}

const analyst = { type: 'user', name: 'analyst' } as const;
let fb = 0;
function verdictOn(caseId: string, verdict: VerdictInput['verdict']): VerdictInput {
  fb++;
  return {
    feedbackId: `fb-${String(fb).padStart(5, '0')}`,
    caseId,
    verdict,
    comment: null,
    actor: analyst,
    at: `2026-02-22T10:${String(Math.floor(fb / 60) % 60).padStart(2, '0')}:${String(fb % 60).padStart(2, '0')}.000Z`
  };
}

describe('verdicts are decisions, never refused for staleness', () => {
  it('two tabs x 25 verdicts at the same moments: all 50 stored, memory one history', async () => {
    const { tabs } = tabsOver(2);
    const [a, b] = tabs as [StateService, StateService];
    await a.open();
    await b.open();
    await a.putCases(Array.from({ length: 50 }, (_, i) => sampleCase(i + 1)));
    await waitFor(async () => (await b.countCases()) === 50);
    // Every verdict is given before any resolves: each was planned on a memory that is stale
    // by the time the lock reaches it.
    const results = await Promise.all(
      Array.from({ length: 25 }, (_, i) => [
        a.giveVerdict(verdictOn(`case-${2 * i + 1}`, 'reject')),
        b.giveVerdict(verdictOn(`case-${2 * i + 2}`, 'reject'))
      ]).flat()
    );
    expect(results).toHaveLength(50);
    // a sees b's last write once the channel message arrived.
    await waitFor(async () => (await a.counts())['feedback'] === 50);
    const versions = await a.listMemoryVersions();
    // Version 0 (defaults) + one per reject until the penalty hits the rules' limit 0.5 (10 x 0.05).
    expect(versions.map((v) => v.version)).toEqual(Array.from({ length: 11 }, (_, i) => i));
    versions.slice(1).forEach((v, i) => expect(v.parentVersion).toBe(i));
    const last = memorySchema.parse(versions.at(-1)?.memory);
    expect(last.values.fp_penalty_underbilling).toBe(0.5);
    // Each result says where it landed: the versions it reports are distinct and increasing.
    const landed = results.map((r) => r.memoryVersion);
    expect(new Set(landed.slice(0, 10)).size).toBe(10);
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    expect(results.filter((r) => r.changes.length === 0)).toHaveLength(40);
    expect(results.filter((r) => r.refused.length > 0)).toHaveLength(40);
    await waitFor(async () => (await b.counts())['feedback'] === 50);
    expect((await b.listCases({ status: 'rejected' })).length).toBe(50);
  });

  it('a verdict derives from the latest memory another tab stored a moment before', async () => {
    const { tabs } = tabsOver(2);
    const [a, b] = tabs as [StateService, StateService];
    await a.open();
    await b.open();
    await a.putCases([sampleCase(1), sampleCase(2)]);
    const first = await a.giveVerdict(verdictOn('case-1', 'reject'));
    expect(first).toMatchObject({ memoryVersion: 1, derivedFrom: null });
    // b has not caught up yet (no await on the channel): its write lock catches up first.
    const second = await b.giveVerdict(verdictOn('case-2', 'reject'));
    expect(second).toMatchObject({ memoryVersion: 2, derivedFrom: 1 });
    expect(second.changes).toEqual([
      expect.objectContaining({ key: 'fp_penalty_underbilling', old: 0.05, new: 0.1 })
    ]);
  });

  it('an unknown case is not_found and stores nothing', async () => {
    const [t] = tabsOver(1).tabs as [StateService];
    await t.open();
    await expect(t.giveVerdict(verdictOn('nope', 'approve'))).rejects.toMatchObject({
      code: 'not_found'
    });
    expect((await t.counts())['feedback']).toBe(0);
  });
});

describe('no silent resets', () => {
  it('an invalid stored memory version is set aside: the next verdict builds on the latest valid one', async () => {
    const [t] = tabsOver(1).tabs as [StateService];
    await t.open();
    await t.putCases([sampleCase(1), sampleCase(2)]);
    await t.giveVerdict(verdictOn('case-1', 'reject')); // versions 0 and 1 (penalty 0.05)
    const [, v1] = await t.listMemoryVersions();
    // A version that no longer validates (e.g. written when bounds were wider).
    await t.appendMemoryVersions([
      {
        version: 2,
        parentVersion: 1,
        createdAt: '2026-02-22T11:00:00.000Z',
        source: 'person',
        reason: 'out of bounds today',
        memory: { values: { spike_ratio: 999 } },
        changes: []
      }
    ]);
    const result = await t.giveVerdict(verdictOn('case-2', 'reject'));
    // Not the defaults (penalty would be 0 → 0.05): built on version 1 (0.05 → 0.1).
    expect(result).toMatchObject({ memoryVersion: 3, derivedFrom: 1 });
    expect(result.changes[0]).toMatchObject({ old: 0.05, new: 0.1 });
    const versions = await t.listMemoryVersions();
    expect(versions.map((v) => [v.version, v.parentVersion])).toEqual([
      [0, null],
      [1, 0],
      [2, 1],
      [3, 1]
    ]);
    // The invalid version is kept as it was stored.
    expect(versions[2]?.memory).toEqual({ values: { spike_ratio: 999 } });
    expect(v1?.version).toBe(1);
  });

  it('a log record one tab cannot apply stays in the shared log; a copy goes to wal_rejected', async () => {
    const { idb, tabs } = tabsOver(1);
    const [t] = tabs as [StateService];
    await t.open();
    await t.setSetting('before', 1);
    const bad = {
      seq: 100,
      format: 1,
      kind: 'write',
      schemaVersion: 2,
      tables: ['cases'],
      statements: [{ sql: 'INSERT INTO no_such_table VALUES (1)', params: [] }],
      at: '2026-02-22T10:00:00.000Z'
    };
    await putRaw(idb, 'wal', bad);
    await t.setSetting('after', 2); // catches up first: the bad record fails, twice
    expect(await t.getSettings()).toEqual({ before: 1, after: 2 });
    const wal = (await getAllRaw(idb, 'wal')) as Array<{ seq: number }>;
    expect(wal.map((r) => r.seq)).toContain(100);
    const rejected = (await getAllRaw(idb, 'wal_rejected')) as Array<{
      seq: number;
      reason: string;
    }>;
    expect(rejected).toEqual([
      expect.objectContaining({ seq: 100, reason: expect.stringMatching(/no_such_table/) })
    ]);
    // A second tab opening the same log converges on the same state.
    const other = createTab({ idb });
    open.push(other);
    expect((await other.open()).walRejected).toEqual([expect.objectContaining({ seq: 100 })]);
    expect(await other.getSettings()).toEqual({ before: 1, after: 2 });
  });
});

describe('reads see only committed state', () => {
  it('a read during a write that then fails with storage_full sees nothing of it', async () => {
    const [t] = tabsOver(1).tabs as [StateService];
    await t.open();
    await t.putCases([sampleCase(1)]);
    const original = IDBObjectStore.prototype.add;
    let release: () => void = () => undefined;
    const appendStarted = new Promise<void>((resolve) => (release = resolve));
    IDBObjectStore.prototype.add = function (
      this: IDBObjectStore,
      ...args: Parameters<typeof original>
    ) {
      const request = original.apply(this, args);
      const tx = this.transaction as unknown as { _abort(name: string): void };
      // The disk says "full"; the abort event arrives a task later, after the reads below
      // were issued while the write's SQLite transaction is still open.
      tx._abort('QuotaExceededError');
      release();
      return request;
    };
    try {
      const write = t.putCases([sampleCase(2)]);
      await appendStarted; // the SQLite transaction holding case-2 is open now
      const read = t.listCases();
      const count = t.countCases();
      await expect(write).rejects.toMatchObject({ code: 'storage_full' });
      expect((await read).map((c) => c.caseId)).toEqual(['case-1']);
      expect(await count).toBe(1);
    } finally {
      IDBObjectStore.prototype.add = original;
    }
  });
});

describe('scale: standing verdicts and evaluation inputs in SQL, uncapped', () => {
  it('the 501st verdict counts: every standing verdict is returned, latest per key wins', async () => {
    const [t] = tabsOver(1).tabs as [StateService];
    await t.open();
    const n = 501;
    await t.putCases(Array.from({ length: n }, (_, i) => sampleCase(i + 1)));
    for (let i = 1; i <= n; i++) {
      await t.setCaseStatus(`case-${i}`, i % 2 === 0 ? 'rejected' : 'approved', analyst);
    }
    // A later verdict on the first case's key overrides its earlier one.
    await t.setCaseStatus('case-1', 'rejected', analyst);
    const standing = await t.standingVerdicts();
    expect(standing).toHaveLength(n);
    const byKey = new Map(standing.map((s) => [s.caseKey, s.status]));
    expect(byKey.get('underbilling:INV001')).toBe('rejected');
    expect(byKey.get('underbilling:INV501')).toBe('approved');
    expect(byKey.get('underbilling:INV500')).toBe('rejected');
    const evaluation = await t.evaluationFeedback();
    expect(evaluation).toHaveLength(n + 1);
    expect(evaluation[0]).toEqual({
      caseKey: 'underbilling:INV001',
      anomalyType: 'underbilling',
      verdict: 'reject'
    });
  });

  it('a false positive gives no standing status, and hides an earlier approve of the key', async () => {
    const [t] = tabsOver(1).tabs as [StateService];
    await t.open();
    await t.putCases([sampleCase(1)]);
    await t.setCaseStatus('case-1', 'approved', analyst);
    expect(await t.standingVerdicts()).toEqual([
      { caseKey: 'underbilling:INV001', status: 'approved' }
    ]);
    await t.setCaseStatus('case-1', 'false_positive', analyst);
    expect(await t.standingVerdicts()).toEqual([]);
  });
});
