import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunRecord } from '../../../workers/contracts/state';
import type { StateService } from '../../../workers/services/state-service';
import { createTab, freshIdb, sampleCase } from './harness';

let tab: StateService;
beforeEach(async () => {
  tab = createTab({ idb: freshIdb() });
  await tab.open();
});
afterEach(() => tab.close());

const run: RunRecord = {
  runId: 'run-1',
  datasetId: 'ds-1',
  startedAt: '2026-02-22T09:00:00.000Z',
  finishedAt: null,
  status: 'running',
  trigger: null,
  plan: null,
  summary: null,
  memoryVersion: 0,
  failureReason: null
};
const agent = { type: 'agent', name: 'opsiq-triage' } as const;

describe('runs', () => {
  it('starts a run, then saves it with cases, actions, opening events and its trace', async () => {
    await tab.startRun(run);
    expect(await tab.getRun('run-1')).toMatchObject({ status: 'running' });
    const finished = {
      ...run,
      status: 'succeeded' as const,
      finishedAt: '2026-02-22T09:00:01.000Z',
      plan: { steps: ['underbilling'] },
      summary: 'One case.'
    };
    const input = {
      run: finished,
      cases: [sampleCase(1)],
      actions: [
        {
          actionId: 'a-1',
          caseId: 'case-1',
          kind: 'case_record' as const,
          title: 'Case record',
          createdAt: run.startedAt
        }
      ],
      traces: [
        {
          traceId: 'run-1:000',
          runId: 'run-1',
          step: 'monitor',
          seq: 0,
          startedAt: run.startedAt,
          durationMs: 1.5,
          input: { asOf: '2026-02-21' },
          output: { signals: 3 },
          status: 'ok' as const
        }
      ],
      actor: agent
    };
    await tab.saveRun(input);
    await tab.saveRun(input); // idempotent: no second opening event
    expect(await tab.getRun('run-1')).toEqual(finished);
    expect(await tab.listRuns()).toHaveLength(1);
    expect(await tab.listCases({ runId: 'run-1' })).toHaveLength(1);
    expect(await tab.listActionEvents('a-1')).toMatchObject([
      { fromStatus: null, toStatus: 'open', actor: agent }
    ]);
    expect(await tab.listTraces('run-1')).toEqual(input.traces);
    expect(await tab.getRun('nope')).toBeNull();
  });

  it('rejects a malformed run', async () => {
    await expect(tab.startRun({ ...run, status: 'bogus' } as never)).rejects.toMatchObject({
      code: 'invalid_input'
    });
  });
});
