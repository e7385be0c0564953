import { describe, expect, it } from 'vitest';
import { caseFromRecord } from '../../../src/lib/agents/case-records';
import { runInvestigation } from '../../../src/lib/agents/investigation';
import { OpsiqError } from '../../../workers/contracts/errors';
import type { EvaluationRecord, MemoryVersion } from '../../../workers/contracts/state';
import { demoFiles, engines, fixedClock, investigate } from './harness';

/** Every stored record reads back equal to what was written, field by field (deep equality). */
describe('lossless round trips', () => {
  it('a run, its cases (strength and notes too), actions and trace read back as written', async () => {
    const { result, state } = await investigate(demoFiles());
    expect(result.cases.length).toBeGreaterThan(0);
    expect(await state.getRun(result.run.runId)).toEqual({ ...result.run, failureReason: null });
    const stored = await state.listCases({ runId: result.run.runId });
    const byId = new Map(stored.map((r) => [r.caseId, caseFromRecord(r)]));
    expect(byId.size).toBe(result.cases.length);
    for (const live of result.cases) {
      const back = byId.get(live.caseId);
      for (const field of Object.keys(live) as Array<keyof typeof live>) {
        expect([field, back?.[field]]).toEqual([field, live[field]]);
      }
      expect(back).toEqual(live);
    }
    // A case whose strength differs from its confidence keeps it.
    expect(result.cases.some((c) => c.strength !== c.confidence)).toBe(true);
    const actions = await state.listActions();
    expect(actions.map(({ updatedAt: _u, ...a }) => a)).toEqual(
      expect.arrayContaining(result.actions.map(({ caseKey: _k, ...a }) => a))
    );
    expect(await state.listTraces(result.run.runId)).toEqual(result.trace);
  });

  it('feedback, memory versions, evaluations, settings and action events read back as written', async () => {
    const { result, state } = await investigate(demoFiles());
    const c = result.cases[0]!;
    const verdict = await state.giveVerdict({
      feedbackId: 'fb-1',
      caseId: c.caseId,
      verdict: 'false_positive',
      comment: 'a "quoted" note, with ünïcode',
      actor: { type: 'user', name: 'Grace' },
      at: '2026-02-22T10:00:00.000Z'
    });
    expect(await state.listFeedback()).toEqual([
      {
        feedbackId: 'fb-1',
        caseId: c.caseId,
        caseKey: c.key,
        anomalyType: c.type,
        caseTitle: c.title,
        verdict: 'false_positive',
        comment: 'a "quoted" note, with ünïcode',
        actor: { type: 'user', name: 'Grace' },
        at: '2026-02-22T10:00:00.000Z'
      }
    ]);
    const versions = await state.listMemoryVersions();
    expect(versions.at(-1)).toMatchObject({
      version: verdict.memoryVersion,
      memory: verdict.memory
    });
    const written: MemoryVersion = {
      version: versions.length,
      parentVersion: versions.length - 1,
      createdAt: '2026-02-22T11:00:00.000Z',
      source: 'person',
      reason: 'Grace set spike_ratio to 2.5',
      memory: { version: versions.length, values: { spike_ratio: 2.5 }, dismissed: [] },
      changes: [
        {
          key: 'spike_ratio',
          old: 2,
          new: 2.5,
          reason: 'by hand',
          source: 'person',
          feedbackId: null
        },
        { key: 'z_flag', old: null, new: true, reason: 'x', source: 'person', feedbackId: 'fb-1' }
      ]
    };
    await state.appendMemoryVersions([written]);
    expect((await state.listMemoryVersions()).at(-1)).toEqual(written);

    const evaluation: EvaluationRecord = {
      evaluationId: 'eval-1',
      runId: result.run.runId,
      createdAt: '2026-02-22T12:00:00.000Z',
      evaluator: 'rule',
      score: 3.75,
      metrics: { precision: { underbilling: 0.5 }, advice: ['more'], nested: [1, null, 'x'] },
      notes: null
    };
    await state.saveEvaluation(evaluation);
    expect(await state.listEvaluations()).toEqual([evaluation]);

    const settings = { theme: 'dark', nested: { a: [1, 2, { b: null }] }, flag: false, n: 0.1 };
    for (const [k, v] of Object.entries(settings)) await state.setSetting(k, v);
    expect(await state.getSettings()).toEqual(settings);

    const action = (await state.listActions(c.caseId))[0]!;
    const event = await state.transitionAction(
      action.actionId,
      'acknowledged',
      { type: 'user', name: 'Grace' },
      'on it'
    );
    expect(await state.listActionEvents(action.actionId)).toContainEqual(event);
  });
});

describe('runs end', () => {
  it('a run that throws between startRun and saveRun is marked failed with the reason', async () => {
    const { analytics, state } = await engines(demoFiles());
    // The planner throws after the run was started (a detector's failure is only skipped).
    const broken = {
      plan: () => Promise.reject(new OpsiqError('engine_failed', 'DuckDB ran out of memory')),
      summarize: () => Promise.resolve('')
    };
    await expect(
      runInvestigation(
        { analytics, state, clock: fixedClock, orchestrator: broken },
        { memory: undefined, runId: 'orphan', onProgress: undefined }
      )
    ).rejects.toThrow(/out of memory/);
    const run = await state.getRun('orphan');
    expect(run).toMatchObject({ status: 'failed', finishedAt: fixedClock.now() });
    expect(run?.failureReason).toMatch(/out of memory/);
    expect(await state.listRuns({ finished: true })).toEqual([]);
  });

  it('a cancelled run is marked cancelled; "latest" is the latest finished run', async () => {
    const { analytics, state } = await engines(demoFiles());
    const ok = await runInvestigation(
      { analytics, state, clock: fixedClock, orchestrator: undefined },
      { memory: undefined, runId: 'good', onProgress: undefined }
    );
    const cancelling = {
      plan: () => Promise.reject(new OpsiqError('cancelled', 'Stopped by the user')),
      summarize: () => Promise.resolve('')
    };
    const later = { now: () => '2026-02-22T10:00:00.000Z', elapsedMs: () => 0 };
    await expect(
      runInvestigation(
        { analytics, state, clock: later, orchestrator: cancelling },
        { memory: undefined, runId: 'stopped', onProgress: undefined }
      )
    ).rejects.toMatchObject({ code: 'cancelled' });
    expect(await state.getRun('stopped')).toMatchObject({
      status: 'cancelled',
      failureReason: 'Stopped by the user'
    });
    const all = await state.listRuns();
    expect(all.map((r) => r.runId)).toEqual(['stopped', 'good']);
    expect((await state.listRuns({ finished: true, limit: 2 })).map((r) => r.runId)).toEqual([
      ok.run.runId
    ]);
    // A run that did finish keeps its outcome.
    await state.finishRun({
      runId: 'good',
      status: 'failed',
      reason: 'late',
      finishedAt: later.now()
    });
    expect(await state.getRun('good')).toMatchObject({ status: 'succeeded', failureReason: null });
  });
});
