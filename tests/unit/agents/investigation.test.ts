import { describe, expect, it } from 'vitest';
import { runInvestigation } from '../../../src/lib/agents/investigation';
import type { AnalyticsPort } from '../../../src/lib/agents/ports';
import { defaultMemory } from '../../../src/lib/domain/memory';
import { demoFiles, engines, fixedClock, investigate } from './harness';

describe('investigation on the demo data', () => {
  it('finds exactly the five planted leaks, one case each', async () => {
    const { result, progress, state } = await investigate(demoFiles());
    const byKey = Object.fromEntries(result.cases.map((c) => [c.key, c]));
    expect(Object.keys(byKey).sort()).toEqual([
      'duplicate_refund:REF003+REF004',
      'manual_credit:REF009',
      'refund_spike:EMEA:2026-02-20',
      'tier_mismatch:INV010',
      'underbilling:INV008'
    ]);
    expect(byKey['duplicate_refund:REF003+REF004']?.entities).toMatchObject({
      customer_id: 'C003',
      refund_ids: ['REF003', 'REF004']
    });
    expect(byKey['underbilling:INV008']).toMatchObject({
      entities: { customer_id: 'C005', invoice_id: 'INV008' },
      estimatedImpact: 100
    });
    expect(byKey['tier_mismatch:INV010']).toMatchObject({
      entities: { customer_id: 'C007', invoice_id: 'INV010' },
      estimatedImpact: 300
    });
    expect(byKey['refund_spike:EMEA:2026-02-20']?.entities).toMatchObject({
      region: 'EMEA',
      date: '2026-02-20'
    });
    // REF009 ($500, its own manual-credit case) is not one of the spike's refunds: a manual
    // credit is judged by its own detector, so the spike is four refunds worth $628.
    const spike = byKey['refund_spike:EMEA:2026-02-20'];
    expect(spike?.facts).toMatchObject({ refund_count: 4, refund_amount: 628 });
    expect(spike?.rawImpact).toBe(628);
    expect(spike?.entities.refund_ids).not.toContain('REF009');
    expect(byKey['manual_credit:REF009']?.entities).toMatchObject({
      customer_id: 'C009',
      refund_id: 'REF009'
    });
    // Ranked by severity, then impact.
    expect(result.cases.map((c) => c.severity)).toEqual([
      'high',
      'high',
      'high',
      'medium',
      'medium'
    ]);
    expect(result.skipped).toEqual([]);
    expect(result.summary).toMatch(/5 cases worth/);
    expect(progress.at(-1)).toEqual({ step: 'done', fraction: 1 });

    // Persisted: the run, its cases, actions with an opening audit event, and the trace.
    expect(await state.getRun(result.run.runId)).toMatchObject({ status: 'succeeded' });
    expect((await state.listCases({ runId: result.run.runId })).length).toBe(5);
    const actions = await state.listActions();
    expect(actions.map((a) => a.kind).sort()).toEqual(result.actions.map((a) => a.kind).sort());
    expect(actions.filter((a) => a.kind === 'case_record')).toHaveLength(1);
    const events = await state.listActionEvents(actions[0]?.actionId ?? '');
    expect(events).toMatchObject([
      { fromStatus: null, toStatus: 'open', actor: { type: 'agent' } }
    ]);
    const trace = await state.listTraces(result.run.runId);
    expect(trace.map((t) => t.step)).toContain('detect:refund_spike');
    expect(trace.every((t) => t.status === 'ok')).toBe(true);
  });

  it('gives the same cases with the same ids for the same data and memory', async () => {
    const a = await investigate(demoFiles());
    const b = await investigate(demoFiles());
    expect(b.result.cases).toEqual(a.result.cases);
    expect(b.result.actions).toEqual(a.result.actions);
    expect(b.result.run.runId).toBe(a.result.run.runId);
    expect(new Set(a.result.cases.map((c) => c.caseId)).size).toBe(5);
  });

  it('applies memory: thresholds, penalties and suppressions', async () => {
    const memory = defaultMemory();
    memory.values.underbilling_min_gap = 150;
    memory.values.fp_penalty_manual_credit = 0.5;
    memory.suppressedKeys = ['duplicate_refund:REF003+REF004'];
    const { result } = await investigate(demoFiles(), { memory });
    const keys = result.cases.map((c) => c.key);
    expect(keys).not.toContain('underbilling:INV008');
    expect(keys).not.toContain('duplicate_refund:REF003+REF004');
    const credit = result.cases.find((c) => c.key === 'manual_credit:REF009');
    // Two clear reasons make REF009 a high-confidence case; the penalty drops it one level.
    expect(credit).toMatchObject({ estimatedImpact: 250, penalty: 0.5, confidenceLabel: 'medium' });
  });
});

describe('investigation on incomplete or broken data', () => {
  it('runs what it can without refunds and says what it skipped', async () => {
    const { result } = await investigate(demoFiles(['refunds']));
    expect(result.skipped.map((s) => s.detector).sort()).toEqual([
      'duplicate_refund',
      'manual_credit',
      'refund_spike'
    ]);
    expect(result.skipped[0]?.reason).toMatch(/refunds/);
    expect(result.cases.map((c) => c.key).sort()).toEqual([
      'tier_mismatch:INV010',
      'underbilling:INV008'
    ]);
    expect(result.summary).toMatch(/Skipped/);
  });

  it('still judges underbilling without subscriptions', async () => {
    const { result } = await investigate(demoFiles(['subscriptions', 'customers']));
    expect(result.skipped.map((s) => s.detector).sort()).toEqual(['refund_spike', 'tier_mismatch']);
    // Without the subscription in force, INV010's gap can only be read as underbilling.
    expect(result.cases.map((c) => c.key)).toContain('underbilling:INV008');
  });

  it('skips a detector whose query fails and goes on', async () => {
    const files = demoFiles();
    const { analytics, state } = await engines(files);
    const failing: AnalyticsPort = {
      status: () => analytics.status(),
      queryWithParams: (sql, params) =>
        sql.includes('generate_series') && sql.includes('dowf AS')
          ? Promise.reject(new Error('Conversion Error: simulated'))
          : analytics.queryWithParams(sql, params)
    };
    const result = await runInvestigation(
      { analytics: failing, state, clock: fixedClock, orchestrator: undefined },
      { memory: undefined, runId: 'run-broken', onProgress: undefined }
    );
    expect(result.skipped).toEqual([
      { detector: 'refund_spike', reason: 'query failed: Conversion Error: simulated' }
    ]);
    expect(result.cases).toHaveLength(4);
    expect(result.trace.find((t) => t.step === 'detect:refund_spike')?.status).toBe('error');
  });

  it('runs with no dataset at all', async () => {
    const empty: AnalyticsPort = {
      status: () => Promise.resolve(null),
      queryWithParams: () => Promise.reject(new Error('no tables'))
    };
    const result = await runInvestigation(
      { analytics: empty, state: undefined, clock: fixedClock, orchestrator: undefined },
      { memory: undefined, runId: undefined, onProgress: undefined }
    );
    expect(result.cases).toEqual([]);
    expect(result.skipped).toHaveLength(5);
    expect(result.run.status).toBe('succeeded');
  });
});
