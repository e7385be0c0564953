import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { StateService } from '../../../workers/services/state-service';
import { createHub, createLocks, createTab, freshIdb, sampleCase, waitFor } from './harness';

/**
 * The page-side state classes (src/lib/state/*.svelte.ts, Svelte 5 runes compiled by the
 * svelte vite plugin) over a REAL StateService in-process: `$lib/services/workers` is replaced
 * by the service itself (no Worker in Node), everything else is the shipped code. A second
 * StateService over the same IndexedDB, lock and channel hub plays the other tab.
 */
const tabs = vi.hoisted(() => ({ here: undefined as unknown }));
vi.mock('$lib/services/workers', () => ({
  stateWorker: () => tabs.here,
  stateClient: () => ({ onRestart: () => undefined, onIncident: () => undefined }),
  analyticsWorker: () => {
    throw new Error('no analytics in this test');
  },
  assetUrl: (path: string) => path,
  Comlink: { proxy: <T>(value: T) => value }
}));

const { WorkspaceState } = await import('../../../src/lib/state/workspace.svelte');
const { LearningState } = await import('../../../src/lib/state/learning.svelte');
const { InvestigationState } = await import('../../../src/lib/state/investigation.svelte');
const { LlmState } = await import('../../../src/lib/state/llm.svelte');

let here: StateService;
let other: StateService;
beforeEach(async () => {
  const idb = freshIdb();
  const locks = createLocks();
  const hub = createHub();
  here = createTab({ idb, locks, channel: hub.channel() });
  other = createTab({ idb, locks, channel: hub.channel() });
  tabs.here = here;
  await other.open();
});
afterEach(async () => {
  await Promise.all([here.close(), other.close()]);
});

/** The app's wiring (app.context.ts) without Svelte's context. */
async function app() {
  const workspace = new WorkspaceState();
  const learning = new LearningState();
  const investigation = new InvestigationState(learning);
  workspace.subscribe(LearningState.tables, (t) => learning.refresh(t));
  workspace.subscribe(InvestigationState.tables, (t) => investigation.refresh(t));
  await workspace.start();
  expect(workspace.phase).toBe('ready');
  await learning.load();
  await investigation.load();
  expect(investigation.error).toBeNull();
  return { workspace, learning, investigation };
}

const run = {
  runId: 'run-1',
  datasetId: 'ds',
  startedAt: '2026-02-22T09:00:00.000Z',
  finishedAt: '2026-02-22T09:00:01.000Z',
  status: 'succeeded' as const,
  trigger: null,
  plan: null,
  summary: 'ok',
  memoryVersion: 0
};
const person = { type: 'user', name: 'Ada' } as const;
const evidence = (n: number) => ({
  summary: `case ${n}`,
  rules: [],
  facts: { invoice_id: `INV${n}` },
  rawImpact: 100 + n,
  penalty: 0,
  corroboratedBy: []
});
const sentiment = {
  score: 0,
  comparative: 0,
  polarity: 'neutral',
  risk: 'low',
  riskTerms: [],
  lines: []
};

async function storeRun(s: StateService, runId = 'run-1', startedAt = run.startedAt) {
  await s.saveRun({
    run: { ...run, runId, startedAt },
    cases: [1, 2].map((n) =>
      sampleCase(n, {
        caseId: `${runId}-case-${n}`,
        runId,
        evidence: evidence(n),
        entities: { invoice_id: `INV${n}` },
        sentiment
      })
    ),
    actions: [],
    traces: [],
    actor: { type: 'agent', name: 'opsiq' }
  });
}

describe('state classes follow the change feed', () => {
  it("another tab's run, verdicts and memory reach this tab's views within 2 s", async () => {
    await storeRun(other);
    const { workspace, learning, investigation } = await app();
    expect(investigation.latest?.run.runId).toBe('run-1');
    expect(workspace.seq).toBe(0);

    // The other tab gives a verdict: status and memory show here without a reload.
    const verdict = await other.giveVerdict({
      feedbackId: 'fb-1',
      caseId: 'run-1-case-1',
      verdict: 'reject',
      comment: null,
      actor: person,
      at: '2026-02-22T10:00:00.000Z'
    });
    const ms = await waitFor(
      () =>
        investigation.latest?.cases.find((c) => c.caseId === 'run-1-case-1')?.status ===
          'rejected' && learning.current.version === verdict.memoryVersion
    );
    expect(ms).toBeLessThan(2000);
    expect(learning.current.values.fp_penalty_underbilling).toBe(0.05);
    expect(learning.feedback.map((f) => f.feedbackId)).toEqual(['fb-1']);
    expect(workspace.seq).toBeGreaterThan(0);

    // A newer finished run replaces the latest; a run that is still going does not.
    await other.startRun({
      ...run,
      runId: 'run-3',
      status: 'running',
      finishedAt: null,
      startedAt: '2026-02-22T12:00:00.000Z'
    });
    await storeRun(other, 'run-2', '2026-02-22T11:00:00.000Z');
    await waitFor(() => investigation.latest?.run.runId === 'run-2');
    expect(investigation.diff?.from.runId).toBe('run-1');
  });

  it('refreshes only what changed: a settings write reads no cases, runs or memory', async () => {
    await storeRun(other);
    const { workspace } = await app();
    const calls: string[] = [];
    for (const m of ['listCases', 'listRuns', 'listMemoryVersions', 'listFeedback'] as const) {
      const original = here[m].bind(here) as (...a: unknown[]) => Promise<unknown>;
      vi.spyOn(here, m).mockImplementation(((...a: unknown[]) => {
        calls.push(m);
        return original(...a);
      }) as never);
    }
    await other.setSetting('theme', 'dark');
    await waitFor(() => workspace.settings['theme'] === 'dark');
    expect(calls).toEqual([]);
    await other.putCases([
      sampleCase(9, {
        caseId: 'run-1-case-9',
        runId: 'run-1',
        evidence: evidence(9),
        entities: {},
        sentiment
      })
    ]);
    await waitFor(() => calls.includes('listCases'));
    expect(calls).not.toContain('listMemoryVersions');
  });

  it('this tab’s verdict lands on the latest memory and says which version', async () => {
    await storeRun(other);
    const { learning, investigation } = await app();
    const c = investigation.latest!.cases.find((x) => x.caseId === 'run-1-case-1')!;
    // The other tab moved memory a moment before; this tab has not heard of it yet.
    await other.giveVerdict({
      feedbackId: 'fb-0',
      caseId: 'run-1-case-2',
      verdict: 'reject',
      comment: null,
      actor: person,
      at: '2026-02-22T10:00:00.000Z'
    });
    const update = await learning.giveFeedback(c, 'reject', '  ', 'Ada');
    expect(update.landedOn).toBe(2);
    expect(update.memory.version).toBe(2);
    expect(update.changes[0]).toMatchObject({ old: 0.05, new: 0.1 });
    expect(learning.current.version).toBe(2);
    expect(learning.feedback.find((f) => f.feedbackId !== 'fb-0')?.comment).toBeNull();
  });

  it('an invalid stored memory version is reported and set aside, never read as the defaults', async () => {
    await storeRun(other);
    await other.giveVerdict({
      feedbackId: 'fb-1',
      caseId: 'run-1-case-1',
      verdict: 'reject',
      comment: null,
      actor: person,
      at: '2026-02-22T10:00:00.000Z'
    });
    await other.appendMemoryVersions([
      {
        version: 2,
        parentVersion: 1,
        createdAt: '2026-02-22T11:00:00.000Z',
        source: 'person',
        reason: 'bad',
        memory: { values: { spike_ratio: -1 } },
        changes: []
      }
    ]);
    const { learning } = await app();
    expect(learning.setAside.map((v) => v.version)).toEqual([2]);
    expect(learning.setAside[0]?.invalid).toMatch(/spike_ratio/);
    expect(learning.current.version).toBe(1);
    expect(learning.current.values.fp_penalty_underbilling).toBe(0.05);
    // A person's edit builds on version 1 and is numbered after the set-aside version.
    await learning.setValue('spike_ratio', 2.5, 'Ada');
    expect(learning.versions.map((v) => [v.version, v.parentVersion])).toEqual([
      [0, null],
      [1, 0],
      [2, 1],
      [3, 1]
    ]);
    expect(learning.current.values.fp_penalty_underbilling).toBe(0.05);
    expect(learning.current.values.spike_ratio).toBe(2.5);
    // Rolling back to the invalid version does nothing.
    await learning.rollback(2, 'Ada');
    expect(learning.versions).toHaveLength(4);
  });

  it('standing decisions and the evaluator read every verdict, past the 500 of the list', async () => {
    await storeRun(other);
    const { learning } = await app();
    await here.putCases(
      Array.from({ length: 501 }, (_, i) =>
        sampleCase(1000 + i, { caseId: `bulk-${i}`, key: `underbilling:B${i}`, runId: 'run-1' })
      )
    );
    for (let i = 0; i < 501; i++) await here.setCaseStatus(`bulk-${i}`, 'approved', person);
    await learning.load();
    expect(learning.feedback).toHaveLength(500);
    const decisions = await learning.standingDecisions();
    expect(decisions.size).toBe(501);
    expect(decisions.get('underbilling:B0')).toBe('approved');
    expect(await learning.evaluationFeedback()).toHaveLength(501);
  });
});

describe('the model-call log follows the change feed', () => {
  const call = (n: number, purpose = 'test') => ({
    callId: `call-${n}`,
    runId: null,
    purpose,
    provider: 'custom',
    model: 'test-model',
    messages: [{ role: 'user' as const, content: 'ping' }],
    responseText: '{"ok":true}',
    latencyMs: 12,
    promptTokens: 3,
    completionTokens: 2,
    validation: 'valid' as const,
    repairUsed: false,
    fallbackUsed: false,
    errorClass: null,
    note: '',
    mode: 'json_schema',
    at: `2026-02-22T10:00:0${n}.000Z`
  });

  it("another tab's model calls reach the shown log within 2 s, with its filter; a hidden log reads nothing", async () => {
    const workspace = new WorkspaceState();
    const llm = new LlmState();
    workspace.subscribe(LlmState.tables, () => llm.refreshCalls(), ['local', 'remote']);
    await workspace.start();
    const reads = vi.spyOn(here, 'listLlmCalls');

    // Not shown: a write reads nothing.
    await other.saveLlmCalls([call(1)]);
    await waitFor(() => workspace.seq > 0);
    await other.setSetting('theme', 'dark');
    await waitFor(() => workspace.settings['theme'] === 'dark');
    expect(reads).not.toHaveBeenCalled();
    expect(llm.calls).toEqual([]);

    // Shown with a filter: the other tab's call of that step arrives, one of another does not.
    await llm.loadCalls({ purpose: 'test' });
    expect(llm.calls.map((c) => c.callId)).toEqual(['call-1']);
    await other.saveLlmCalls([call(2), call(3, 'analyst')]);
    const ms = await waitFor(() => llm.calls.length === 2);
    expect(ms).toBeLessThan(2000);
    expect(llm.calls.map((c) => c.callId).sort()).toEqual(['call-1', 'call-2']);
    expect(llm.calls.find((c) => c.callId === 'call-2')).toEqual(call(2));

    // Hidden again: later writes read nothing.
    llm.hideCalls();
    reads.mockClear();
    await other.saveLlmCalls([call(4)]);
    await other.setSetting('theme', 'light');
    await waitFor(() => workspace.settings['theme'] === 'light');
    expect(reads).not.toHaveBeenCalled();
  });
});
