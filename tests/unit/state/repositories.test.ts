import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StateService } from '../../../workers/services/state-service';
import { createTab, freshIdb, sampleCase } from './harness';

let tab: StateService;
beforeEach(async () => {
  tab = createTab({ idb: freshIdb() });
  await tab.open();
});
afterEach(() => tab.close());

const analyst = { type: 'user', name: 'analyst' } as const;

describe('settings', () => {
  it('round-trips JSON values and deletes them', async () => {
    await tab.setSetting('llm', { provider: 'openai', model: 'gpt-4o-mini', temperature: 0 });
    await tab.setSetting('demo', true);
    await tab.setSetting('demo', false);
    expect(await tab.getSettings()).toEqual({
      demo: false,
      llm: { provider: 'openai', model: 'gpt-4o-mini', temperature: 0 }
    });
    await tab.deleteSetting('demo');
    expect(await tab.getSettings()).toEqual({
      llm: { provider: 'openai', model: 'gpt-4o-mini', temperature: 0 }
    });
  });

  it('rejects an empty key and a value that is not JSON', async () => {
    await expect(tab.setSetting('', 1)).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(tab.setSetting('x', (() => 1) as never)).rejects.toMatchObject({
      code: 'invalid_input'
    });
    expect(await tab.getSettings()).toEqual({});
  });
});

describe('cases', () => {
  it('upserts, filters, orders by impact and counts', async () => {
    await tab.putCases([sampleCase(1), sampleCase(2), sampleCase(3, { runId: 'run-2' })]);
    await tab.putCases([sampleCase(1, { title: 'changed', estimatedImpact: 999 })]);
    expect(await tab.countCases()).toBe(3);
    const all = await tab.listCases();
    expect(all.map((c) => c.caseId)).toEqual(['case-1', 'case-3', 'case-2']);
    expect(all[0]).toMatchObject({
      title: 'changed',
      status: 'open',
      evidence: { invoiceId: 'INV001' }
    });
    expect((await tab.listCases({ runId: 'run-2' })).map((c) => c.caseId)).toEqual(['case-3']);
    expect(await tab.listCases({ limit: 1 })).toHaveLength(1);
  });

  it('records feedback for a verdict and none for a dismissal', async () => {
    await tab.putCases([sampleCase(1), sampleCase(2)]);
    const approved = await tab.setCaseStatus('case-1', 'false_positive', analyst, 'known discount');
    const dismissed = await tab.setCaseStatus('case-2', 'dismissed', analyst);
    expect(approved.feedbackId).toEqual(expect.any(String));
    expect(dismissed.feedbackId).toBeNull();
    expect((await tab.listCases({ status: 'false_positive' })).map((c) => c.caseId)).toEqual([
      'case-1'
    ]);
    expect((await tab.counts())['feedback']).toBe(1);
  });

  it('rejects unknown cases and invalid payloads without writing', async () => {
    await expect(tab.setCaseStatus('nope', 'approved', analyst)).rejects.toMatchObject({
      code: 'not_found'
    });
    await expect(tab.setCaseStatus('case-1', 'closed', analyst)).rejects.toMatchObject({
      code: 'invalid_input'
    });
    await expect(tab.putCases([{ ...sampleCase(1), confidence: 2 }])).rejects.toMatchObject({
      code: 'invalid_input'
    });
    await expect(
      tab.putCases([{ ...sampleCase(1), createdAt: 'yesterday' }])
    ).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(tab.listCases({ limit: -1 })).rejects.toMatchObject({ code: 'invalid_input' });
    expect(await tab.countCases()).toBe(0);
  });
});

describe('actions', () => {
  beforeEach(async () => {
    await tab.putCases([sampleCase(1)]);
    await tab.putActions([
      {
        actionId: 'a1',
        caseId: 'case-1',
        kind: 'alert',
        title: 'High severity',
        createdAt: '2025-01-01T00:00:00.000Z'
      }
    ]);
  });

  it('writes an audit event for each transition', async () => {
    const first = await tab.transitionAction('a1', 'acknowledged', {
      type: 'agent',
      name: 'triage'
    });
    await tab.transitionAction('a1', 'done', analyst, 'fixed');
    expect(first).toMatchObject({
      fromStatus: 'open',
      toStatus: 'acknowledged',
      actor: { type: 'agent' }
    });
    const events = await tab.listActionEvents('a1');
    expect(events.map((e) => [e.fromStatus, e.toStatus, e.actor.name, e.note])).toEqual([
      ['open', 'acknowledged', 'triage', null],
      ['acknowledged', 'done', 'analyst', 'fixed']
    ]);
    expect((await tab.listActions('case-1'))[0]).toMatchObject({ status: 'done' });
  });

  it('keeps the status when an action is put again (only transitions change it)', async () => {
    await tab.transitionAction('a1', 'dismissed', analyst);
    await tab.putActions([
      {
        actionId: 'a1',
        caseId: 'case-1',
        kind: 'alert',
        title: 'Renamed',
        createdAt: '2025-01-02T00:00:00.000Z'
      }
    ]);
    expect((await tab.listActions())[0]).toMatchObject({ status: 'dismissed', title: 'Renamed' });
  });

  it('refuses impossible transitions, unknown actions and orphan actions', async () => {
    await tab.transitionAction('a1', 'done', analyst);
    await expect(tab.transitionAction('a1', 'acknowledged', analyst)).rejects.toMatchObject({
      code: 'invalid_input'
    });
    await expect(tab.transitionAction('zz', 'done', analyst)).rejects.toMatchObject({
      code: 'not_found'
    });
    await expect(
      tab.putActions([
        {
          actionId: 'a2',
          caseId: 'missing',
          kind: 'alert',
          title: 't',
          createdAt: '2025-01-01T00:00:00.000Z'
        }
      ])
    ).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringMatching(/FOREIGN KEY/)
    });
    await expect(
      tab.transitionAction('a1', 'open', { type: 'robot', name: 'x' } as never)
    ).rejects.toMatchObject({
      code: 'invalid_input'
    });
    expect(await tab.listActionEvents('a1')).toHaveLength(1);
  });
});
