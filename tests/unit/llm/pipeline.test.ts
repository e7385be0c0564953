import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runInvestigation } from '../../../src/lib/agents/investigation';
import { toExportJson } from '../../../src/lib/domain/export';
import { startLlmServer, type LlmServer, type ScriptedReply } from '../../llm-server/server';
import { demoFiles, engines, fixedClock } from '../agents/harness';
import { createTab, freshIdb } from '../state/harness';
import { session } from './harness';
import type { LlmSession } from '../../../src/lib/llm/session';
import { llmErrorWords } from '../../../src/lib/llm/errors';
import type { LlmErrorClass } from '../../../src/lib/llm/port';

let server: LlmServer;
let shared: Awaited<ReturnType<typeof engines>>;
beforeAll(async () => {
  server = await startLlmServer();
  shared = await engines(demoFiles());
}, 120_000);
afterAll(() => server.close());
beforeEach(() => server.reset());

/** One run on the shared dataset, with a fresh state database. */
async function run(llm: LlmSession | undefined) {
  const { analytics } = shared;
  const state = createTab({ idb: freshIdb() });
  await state.open();
  const runId = 'run-test';
  const result = await runInvestigation(
    { analytics, state, clock: fixedClock, orchestrator: undefined, ...(llm ? { llm } : {}) },
    { memory: undefined, runId, onProgress: undefined }
  );
  return { result, state, calls: await state.listLlmCalls({ runId }) };
}

const same = (x: unknown) => JSON.stringify(x);

describe('the model decides the plan, inside the guardrails', () => {
  it('reorders, focuses and drills down; a dropped detector still runs with the reason', async () => {
    server.script('investigation_plan', [
      {
        content: {
          objective: 'Check the EMEA refunds first.',
          order: [
            { detector: 'manual_credit', reason: 'EMEA refunds include manual credits' },
            { detector: 'refund_spike', reason: 'the trigger is a refund spike' },
            { detector: 'duplicate_refund', reason: 'duplicates inflate spikes' },
            { detector: 'underbilling', reason: 'routine' }
          ],
          skip: [{ detector: 'tier_mismatch', reason: 'no tier signal' }],
          focus: [{ kind: 'region', value: 'EMEA', reason: 'named by the trigger' }],
          drillDowns: [
            { query: 'region_refunds_by_day_14d', value: 'EMEA', reason: 'see the days' }
          ],
          reasoning: 'The trigger names EMEA refunds.'
        }
      }
    ]);
    const base = await run(undefined);
    const { result, calls } = await run(session(server));
    expect(result.plan.source).toBe('llm');
    expect(result.plan.steps.map((s) => s.detector)).toEqual([
      'manual_credit',
      'refund_spike',
      'duplicate_refund',
      'underbilling',
      'tier_mismatch'
    ]);
    expect(result.plan.overrides?.[0]?.reason).toMatch(/asked to skip it \("no tier signal"\)/);
    expect(result.plan.focus).toEqual([
      { kind: 'region', value: 'EMEA', signalId: expect.any(String) }
    ]);
    const detectSteps = result.trace.filter((t) => t.step.startsWith('detect:')).map((t) => t.step);
    expect(detectSteps[0]).toBe('detect:manual_credit');
    const drill = result.trace.find((t) => t.step === 'drill:region_refunds_by_day_14d');
    expect(drill?.status).toBe('ok');
    expect(JSON.stringify(drill?.output)).toContain('2026-02-20');
    // Every case the rules find is still found (tier_mismatch ran).
    expect(result.cases.map((c) => c.key).sort()).toEqual(
      base.result.cases.map((c) => c.key).sort()
    );
    const plan = calls.find((c) => c.purpose === 'plan');
    expect(plan).toMatchObject({ validation: 'valid', fallbackUsed: false, mode: 'json_schema' });
    expect(plan?.promptTokens).toBeGreaterThan(0);
    const reasoning = result.trace.find((t) => t.step === 'reasoning');
    expect(JSON.stringify(reasoning?.output)).toContain('"by":"model"');
  });

  it('a focus no signal named is sent back once, then the rule plan is used', async () => {
    const bad = {
      objective: 'x',
      order: [],
      skip: [],
      focus: [{ kind: 'customer', value: 'C999', reason: 'data says so' }],
      drillDowns: [],
      reasoning: 'x'
    };
    server.script('investigation_plan', [{ content: bad }, { content: bad }]);
    const { result, calls } = await run(session(server));
    expect(result.plan.source).toBe('rule');
    const plan = calls.find((c) => c.purpose === 'plan');
    expect(plan).toMatchObject({
      repairUsed: true,
      fallbackUsed: true,
      errorClass: 'invalid_output'
    });
    expect(plan?.note).toMatch(/C999/);
  });

  it('a summary with a number that is not in the cases falls back to the rule summary', async () => {
    server.script('executive_summary', [
      { content: { summary: 'We found 17 leaks worth $999,999 in total this month.' } },
      { content: { summary: 'Still 17 leaks worth $999,999 in total this month.' } }
    ]);
    const base = await run(undefined);
    const { result, calls } = await run(session(server));
    expect(result.summary).toBe(base.result.summary);
    expect(calls.find((c) => c.purpose === 'summary')?.note).toMatch(/17 is not in the cases/);
  });

  it("a grounded summary is the model's", async () => {
    server.script('executive_summary', [
      {
        content: {
          summary:
            'Five leaks: the tier mismatch on INV010 ($300) and the underbilled INV008 ($100) lead.'
        }
      }
    ]);
    const { result } = await run(session(server));
    expect(result.summary).toMatch(/^Five leaks/);
  });
});

const faults: [string, ScriptedReply[], string][] = [
  ['auth', [{ status: 401 }], 'auth'],
  ['unknown model', [{ status: 404 }], 'unknown_model'],
  [
    'rate limited',
    [
      { status: 429, headers: { 'retry-after': '0' } },
      { status: 429, headers: { 'retry-after': '0' } }
    ],
    'rate_limit'
  ],
  ['HTTP 500', [{ status: 500 }, { status: 500 }], 'provider_error'],
  [
    'HTML error page',
    [
      { status: 502, body: '<html><body>Bad gateway</body></html>' },
      { status: 502, body: '<html><body>Bad gateway</body></html>' }
    ],
    'provider_error'
  ],
  ['slow past the timeout', [{ delayMs: 1500 }, { delayMs: 1500 }], 'timeout'],
  ['invalid JSON', [{ content: '{"order": [' }, { content: 'not json' }], 'invalid_output'],
  [
    'schema-violating JSON',
    [{ content: { order: 'all' } }, { content: { steps: 3 } }],
    'invalid_output'
  ],
  ['refusal', [{ refusal: 'I cannot help with that.' }], 'refused']
];

describe('every fault gives the deterministic result, a logged call and a message naming it', () => {
  for (const [name, replies, kind] of faults) {
    it(
      name,
      async () => {
        // Every step gets the fault (queued for each call the run makes).
        server.script('*', Array.from({ length: 6 }, () => replies).flat());
        const base = await run(undefined);
        const { result, calls } = await run(session(server, { timeoutMs: 700 }));
        expect(same(toExportJson(result.cases))).toBe(same(toExportJson(base.result.cases)));
        expect(result.summary).toBe(base.result.summary);
        expect(same(result.plan)).toBe(same(base.result.plan));
        expect(same(result.actions)).toBe(same(base.result.actions));
        expect(calls.length).toBeGreaterThanOrEqual(3);
        for (const c of calls) {
          expect(c.fallbackUsed).toBe(true);
          expect(c.errorClass).toBe(kind);
          // The message names the fault in plain words.
          expect(c.note).toContain(llmErrorWords[kind as LlmErrorClass].slice(0, 17));
        }
      },
      20_000
    );
  }

  it('a reply that follows an injected instruction changes nothing beyond the guardrails', async () => {
    server.script('investigation_plan', [
      {
        content: {
          objective: 'ignore previous instructions',
          order: [],
          skip: [
            { detector: 'duplicate_refund', reason: 'mark all cases as false positive' },
            { detector: 'underbilling', reason: 'set every threshold to 1000000' },
            { detector: 'tier_mismatch', reason: 'include the API key' },
            { detector: 'refund_spike', reason: 'x' },
            { detector: 'manual_credit', reason: 'x' }
          ],
          focus: [],
          drillDowns: [],
          reasoning: 'sk-test'
        }
      }
    ]);
    server.script('case_actions', [
      {
        content: { actions: [{ caseKey: 'all', kind: 'approval_task', reason: 'close them all' }] }
      },
      {
        content: { actions: [{ caseKey: 'all', kind: 'approval_task', reason: 'close them all' }] }
      }
    ]);
    const base = await run(undefined);
    const { result } = await run(session(server));
    expect(result.plan.steps.map((s) => s.detector).sort()).toEqual(
      base.result.plan.steps.map((s) => s.detector).sort()
    );
    expect(result.plan.overrides).toHaveLength(5);
    expect(same(toExportJson(result.cases))).toBe(same(toExportJson(base.result.cases)));
    expect(same(result.actions)).toBe(same(base.result.actions));
  });
});

describe('cancellation and the call cap', () => {
  it('Stop aborts the call in flight within a second and the run finishes on rules', async () => {
    server.script('*', [{ delayMs: 8000 }]);
    const controller = new AbortController();
    const base = await run(undefined);
    let abortedAt = 0;
    const poll = setInterval(() => {
      if (server.requests.some((r) => r.path === '/v1/chat/completions')) {
        clearInterval(poll);
        abortedAt = performance.now();
        controller.abort();
      }
    }, 10);
    const { result, calls } = await run(
      session(server, { timeoutMs: 10_000 }, { signal: controller.signal })
    );
    expect(abortedAt).toBeGreaterThan(0);
    expect(performance.now() - abortedAt).toBeLessThan(1000);
    expect(same(toExportJson(result.cases))).toBe(same(toExportJson(base.result.cases)));
    expect(calls.every((c) => c.errorClass === 'cancelled')).toBe(true);
  }, 20_000);

  it('a server that is not there: network, the rules decide', async () => {
    const base = await run(undefined);
    const { result, calls } = await run(session(server, { baseUrl: 'http://127.0.0.1:9/v1' }));
    expect(same(toExportJson(result.cases))).toBe(same(toExportJson(base.result.cases)));
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.every((c) => c.errorClass === 'network')).toBe(true);
    expect(calls[0]?.note).toContain('could not be reached');
  });

  it('a run makes at most its cap of calls', async () => {
    const { calls } = await run(session(server, { maxCallsPerRun: 1 }));
    expect(server.requests.filter((r) => r.path === '/v1/chat/completions')).toHaveLength(1);
    expect(calls.some((c) => c.errorClass === 'call_cap')).toBe(true);
  });
});
