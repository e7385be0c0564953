import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type {
  EvaluationRecord,
  FeedbackInput,
  MemoryVersion
} from '../../../workers/contracts/state';
import type { StateService } from '../../../workers/services/state-service';
import { createTab, freshIdb, sampleCase } from './harness';

const open: StateService[] = [];
function tab(idb = freshIdb()): StateService {
  const t = createTab({ idb });
  open.push(t);
  return t;
}
afterEach(async () => {
  await Promise.all(open.splice(0).map((t) => t.close()));
});

const analyst = { type: 'user', name: 'analyst' } as const;

function version(n: number, changes: MemoryVersion['changes'] = []): MemoryVersion {
  return {
    version: n,
    parentVersion: n === 0 ? null : n - 1,
    createdAt: `2026-02-22T10:00:0${n}.000Z`,
    source: n === 0 ? 'default' : 'rule',
    reason: n === 0 ? 'Defaults' : `Learned from feedback ${n}`,
    memory: { underbilling_min_gap: 10 + n, dismissed: n === 0 ? [] : ['underbilling:INV001'] },
    changes
  };
}

function feedbackOn(caseId: string, overrides: Partial<FeedbackInput> = {}): FeedbackInput {
  return {
    feedbackId: `fb-${caseId}`,
    caseId,
    verdict: 'false_positive',
    comment: 'known discount',
    actor: analyst,
    at: '2026-02-22T10:00:00.000Z',
    memoryVersions: [],
    ...overrides
  };
}

/** Feedback on case-1 that creates memory versions 0 (defaults) and 1 (learned from it). */
const firstFeedback = feedbackOn('case-1', {
  memoryVersions: [
    version(0),
    version(1, [
      {
        key: 'underbilling_min_gap',
        old: 10,
        new: 11,
        reason: 'Raised after a false positive',
        source: 'rule',
        feedbackId: 'fb-case-1'
      },
      {
        key: 'dismissed:underbilling:INV001',
        old: null,
        new: true,
        reason: 'Dismissed by the analyst',
        source: 'person',
        feedbackId: 'fb-case-1'
      }
    ])
  ]
});

describe('giveFeedback', () => {
  let t: StateService;
  beforeEach(async () => {
    t = tab();
    await t.open();
    await t.putCases([sampleCase(1), sampleCase(2)]);
  });

  it('sets the case status and stores the feedback with the stable key', async () => {
    const changes: string[][] = [];
    await t.onChange((c) => changes.push(c.tables));
    await t.giveFeedback(feedbackOn('case-2', { verdict: 'approve', comment: null }));
    await t.giveFeedback(
      feedbackOn('case-1', { verdict: 'reject', at: '2026-02-22T11:00:00.000Z' })
    );
    const cases = await t.listCases();
    expect(cases.map((c) => [c.caseId, c.status, c.updatedAt])).toEqual([
      ['case-2', 'approved', '2026-02-22T10:00:00.000Z'],
      ['case-1', 'rejected', '2026-02-22T11:00:00.000Z']
    ]);
    expect(await t.listFeedback()).toEqual([
      {
        feedbackId: 'fb-case-1',
        caseId: 'case-1',
        caseKey: 'underbilling:INV001',
        anomalyType: 'underbilling',
        caseTitle: 'Invoice INV001 billed below its plan price',
        verdict: 'reject',
        comment: 'known discount',
        actor: analyst,
        at: '2026-02-22T11:00:00.000Z'
      },
      {
        feedbackId: 'fb-case-2',
        caseId: 'case-2',
        caseKey: 'underbilling:INV002',
        anomalyType: 'underbilling',
        caseTitle: 'Invoice INV002 billed below its plan price',
        verdict: 'approve',
        comment: null,
        actor: analyst,
        at: '2026-02-22T10:00:00.000Z'
      }
    ]);
    expect((await t.listFeedback({ limit: 1 })).map((f) => f.feedbackId)).toEqual(['fb-case-1']);
    expect(await t.listMemoryVersions()).toEqual([]);
    expect(changes[0]).toEqual(['cases', 'feedback', 'memory_versions', 'memory_changes']);
  });

  it('maps false_positive to the false_positive status', async () => {
    await t.giveFeedback(feedbackOn('case-1'));
    expect((await t.listCases({ status: 'false_positive' })).map((c) => c.caseId)).toEqual([
      'case-1'
    ]);
  });

  it('appends memory versions 0 and 1 with their changes and feedback id', async () => {
    await t.giveFeedback(firstFeedback);
    const versions = await t.listMemoryVersions();
    expect(versions.map((v) => [v.version, v.parentVersion, v.source])).toEqual([
      [0, null, 'default'],
      [1, 0, 'rule']
    ]);
    expect(versions[0]).toEqual(version(0));
    expect(versions[1]?.memory).toEqual({
      underbilling_min_gap: 11,
      dismissed: ['underbilling:INV001']
    });
    // Ordered by key, not by insertion.
    expect(versions[1]?.changes).toEqual([
      {
        key: 'dismissed:underbilling:INV001',
        old: null,
        new: true,
        reason: 'Dismissed by the analyst',
        source: 'person',
        feedbackId: 'fb-case-1'
      },
      {
        key: 'underbilling_min_gap',
        old: 10,
        new: 11,
        reason: 'Raised after a false positive',
        source: 'rule',
        feedbackId: 'fb-case-1'
      }
    ]);
    const counts = await t.counts();
    expect([counts['feedback'], counts['memory_versions'], counts['memory_changes']]).toEqual([
      1, 2, 2
    ]);
  });

  it('refuses a version that does not continue the history and stores nothing', async () => {
    await t.giveFeedback(firstFeedback);
    // Another tab already stored 0..1: appending 1 again is a conflict.
    const stale = feedbackOn('case-2', {
      verdict: 'approve',
      memoryVersions: [{ ...version(1), createdAt: '2026-02-22T12:00:00.000Z' }]
    });
    const error = await t.giveFeedback(stale).then(
      () => null,
      (e: unknown) => e
    );
    expect(error).toMatchObject({
      code: 'conflict',
      message: 'Memory was changed in another tab or window: reload to see it, then try again.'
    });
    const case2 = (await t.listCases()).find((c) => c.caseId === 'case-2');
    expect(case2?.status).toBe('open');
    expect(case2?.updatedAt).toBe('2025-01-01T00:00:00.000Z');
    expect((await t.listFeedback()).map((f) => f.feedbackId)).toEqual(['fb-case-1']);
    expect((await t.listMemoryVersions()).map((v) => v.version)).toEqual([0, 1]);
  });

  it('refuses a first version other than 0, a gap, and a bad parent', async () => {
    const cases: MemoryVersion[][] = [
      [version(2)], // nothing stored: must start at 0
      [version(0), version(2)], // gap
      [{ ...version(0), parentVersion: 0 }], // version 0 has no parent
      [version(0), { ...version(1), parentVersion: null }], // later versions need a parent
      [version(0), { ...version(1), parentVersion: 5 }] // parent must exist
    ];
    for (const memoryVersions of cases) {
      await expect(t.giveFeedback(feedbackOn('case-1', { memoryVersions }))).rejects.toMatchObject({
        code: 'conflict'
      });
    }
    expect((await t.listCases()).map((c) => c.status)).toEqual(['open', 'open']);
    expect(await t.listFeedback()).toEqual([]);
    expect(await t.listMemoryVersions()).toEqual([]);
  });

  it('fails with not_found for a missing case and writes nothing', async () => {
    await expect(
      t.giveFeedback(feedbackOn('case-9', { memoryVersions: [version(0)] }))
    ).rejects.toMatchObject({ code: 'not_found' });
    expect(await t.listFeedback()).toEqual([]);
    expect(await t.listMemoryVersions()).toEqual([]);
  });

  it('rejects an invalid payload with invalid_input', async () => {
    await expect(
      t.giveFeedback({ ...feedbackOn('case-1'), verdict: 'maybe' } as never)
    ).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(t.listFeedback({ limit: 0 })).rejects.toMatchObject({ code: 'invalid_input' });
    expect((await t.listCases()).map((c) => c.status)).toEqual(['open', 'open']);
  });
});

describe('appendMemoryVersions', () => {
  let t: StateService;
  beforeEach(async () => {
    t = tab();
    await t.open();
    await t.putCases([sampleCase(1)]);
    await t.giveFeedback(firstFeedback);
  });

  it('appends a rollback made by a person, pointing at an older parent', async () => {
    const rollback: MemoryVersion = {
      version: 2,
      parentVersion: 0,
      createdAt: '2026-02-22T13:00:00.000Z',
      source: 'person',
      reason: 'Rolled back to version 0',
      memory: version(0).memory,
      changes: [
        {
          key: 'underbilling_min_gap',
          old: 11,
          new: 10,
          reason: 'Rollback',
          source: 'person',
          feedbackId: null
        }
      ]
    };
    const changes: string[][] = [];
    await t.onChange((c) => changes.push(c.tables));
    await t.appendMemoryVersions([rollback]);
    const versions = await t.listMemoryVersions();
    expect(versions.map((v) => [v.version, v.parentVersion, v.source])).toEqual([
      [0, null, 'default'],
      [1, 0, 'rule'],
      [2, 0, 'person']
    ]);
    expect(versions[2]).toEqual(rollback);
    expect(changes).toEqual([['memory_versions', 'memory_changes']]);
    // A second tab holding the same stale view cannot append 2 again.
    await expect(t.appendMemoryVersions([rollback])).rejects.toMatchObject({ code: 'conflict' });
    await expect(t.appendMemoryVersions([version(4)])).rejects.toMatchObject({
      code: 'conflict'
    });
    expect((await t.listMemoryVersions()).map((v) => v.version)).toEqual([0, 1, 2]);
  });

  it('accepts an empty list and refuses a change citing unknown feedback', async () => {
    await t.appendMemoryVersions([]);
    const bad = version(2, [
      { key: 'k', old: 1, new: 2, reason: 'r', source: 'person', feedbackId: 'no-such' }
    ]);
    await expect(t.appendMemoryVersions([bad])).rejects.toMatchObject({ code: 'invalid_input' });
    expect((await t.listMemoryVersions()).map((v) => v.version)).toEqual([0, 1]);
  });
});

describe('evaluations', () => {
  const evaluation = (n: number, overrides: Partial<EvaluationRecord> = {}): EvaluationRecord => ({
    evaluationId: `eval-${n}`,
    runId: 'run-1',
    createdAt: `2026-02-22T1${n}:00:00.000Z`,
    evaluator: 'rule',
    score: n,
    metrics: { precision: n / 10, cases: n },
    notes: `note ${n}`,
    ...overrides
  });

  it('round-trips, upserts by id and lists latest first', async () => {
    const t = tab();
    await t.open();
    await t.saveEvaluation(evaluation(1));
    await t.saveEvaluation(evaluation(3, { evaluator: 'llm', score: null, notes: null }));
    await t.saveEvaluation(evaluation(2));
    await t.saveEvaluation(evaluation(1, { score: 4.5, metrics: { precision: 0.9 } }));
    const listed = await t.listEvaluations();
    expect(listed.map((e) => e.evaluationId)).toEqual(['eval-3', 'eval-2', 'eval-1']);
    expect(listed[0]).toEqual(evaluation(3, { evaluator: 'llm', score: null, notes: null }));
    expect(listed[2]).toEqual(evaluation(1, { score: 4.5, metrics: { precision: 0.9 } }));
    expect((await t.listEvaluations({ limit: 2 })).map((e) => e.evaluationId)).toEqual([
      'eval-3',
      'eval-2'
    ]);
    expect((await t.counts())['evaluations']).toBe(3);
    await expect(t.saveEvaluation(evaluation(1, { score: 7 }))).rejects.toMatchObject({
      code: 'invalid_input'
    });
  });
});

describe('durability of learning state', () => {
  it('feedback, memory versions and evaluations survive reopening over the same IndexedDB', async () => {
    const idb = freshIdb();
    const first = tab(idb);
    await first.open();
    await first.putCases([sampleCase(1), sampleCase(2)]);
    await first.giveFeedback(firstFeedback);
    await first.appendMemoryVersions([{ ...version(2), parentVersion: 0, source: 'person' }]);
    await first.saveEvaluation({
      evaluationId: 'eval-1',
      runId: 'run-1',
      createdAt: '2026-02-22T14:00:00.000Z',
      evaluator: 'rule',
      score: 3,
      metrics: { precision: 0.5 },
      notes: null
    });
    const feedback = await first.listFeedback();
    const versions = await first.listMemoryVersions();
    const evaluations = await first.listEvaluations();
    await first.close();

    const reloaded = tab(idb);
    await reloaded.open();
    expect(await reloaded.listFeedback()).toEqual(feedback);
    expect(await reloaded.listMemoryVersions()).toEqual(versions);
    expect(await reloaded.listEvaluations()).toEqual(evaluations);
    expect(versions.map((v) => v.version)).toEqual([0, 1, 2]);
    expect(feedback.map((f) => f.feedbackId)).toEqual(['fb-case-1']);
    expect(evaluations.map((e) => e.score)).toEqual([3]);
    expect((await reloaded.listCases()).map((c) => [c.caseId, c.status])).toEqual([
      ['case-2', 'open'],
      ['case-1', 'false_positive']
    ]);
    // Continuity is checked against what was reloaded.
    await expect(reloaded.appendMemoryVersions([version(2)])).rejects.toMatchObject({
      code: 'conflict'
    });
    await reloaded.appendMemoryVersions([version(3)]);
    expect((await reloaded.listMemoryVersions()).map((v) => v.version)).toEqual([0, 1, 2, 3]);
  });
});
