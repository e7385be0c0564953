import { afterEach, describe, expect, it } from 'vitest';
import type { StateService } from '../../../workers/services/state-service';
import { createTab, freshIdb } from '../state/harness';

const open: StateService[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((t) => t.close()));
});

describe('analyst question history (state DB, migration 4)', () => {
  it('saves questions, lists them latest first, and keeps them across a reload', async () => {
    const idb = freshIdb();
    const first = createTab({ idb });
    open.push(first);
    await first.open();
    await first.saveAnalystQuestion({
      questionId: 'q1',
      datasetId: 'd1',
      question: 'How many refunds?',
      text: 'Refunds (count) over all time: 11.',
      answer: { kind: 'number', value: 11 },
      at: '2026-02-21T10:00:00.000Z'
    });
    await first.saveAnalystQuestion({
      questionId: 'q2',
      datasetId: 'd1',
      question: 'MRR',
      text: 'MRR as of 2026-02-21: $2,491.00.',
      answer: { kind: 'number', value: 2491 },
      at: '2026-02-21T10:01:00.000Z'
    });
    await expect(first.saveAnalystQuestion({ questionId: '', datasetId: 'd1' })).rejects.toThrow();
    await first.flush();
    const second = createTab({ idb });
    open.push(second);
    await second.open();
    const listed = await second.listAnalystQuestions({ limit: 10 });
    expect(listed.map((q) => q.question)).toEqual(['MRR', 'How many refunds?']);
    expect(listed[1]?.answer).toEqual({ kind: 'number', value: 11 });
  });
});
