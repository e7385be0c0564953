import { describe, expect, it } from 'vitest';
import { ask, type AnalystModel } from '../../../src/lib/agents/analyst';
import { demoFiles } from '../analytics/harness';
import { analystOver } from './harness';

/** A scripted model: replies in order, records what it was asked. */
function scripted(replies: unknown[]): AnalystModel & { calls: unknown[] } {
  const calls: unknown[] = [];
  return {
    calls,
    mapQuestion(question, schema, retry) {
      calls.push({ question, tables: schema.tables.map((t) => t.name), retry });
      return Promise.resolve(replies.shift());
    }
  };
}

// The Llm port (issue 9) plugs in as an `AnalystModel`; these tests fix the contract it meets.
describe('analyst with a model step', () => {
  it('is not asked when the parser reads the question', async () => {
    const { ctx, sandbox } = await analystOver(demoFiles());
    const model = scripted([]);
    const a = await ask('How many refunds?', { ...ctx, model });
    expect(a.answer).toEqual({ kind: 'number', value: 11 });
    expect(model.calls).toHaveLength(0);
    sandbox.close();
  }, 60_000);

  it('runs validated model SQL with a lower confidence, and refuses a scripted DROP TABLE', async () => {
    const { ctx, sandbox } = await analystOver(demoFiles());
    const q = 'Which customer has the longest customer name?';
    const good = await ask(q, {
      ...ctx,
      model: scripted([
        {
          sql: 'SELECT customer_id FROM customers ORDER BY length(customer_name) DESC, customer_id LIMIT 1'
        }
      ])
    });
    expect(good.source).toBe('model');
    expect(good.answer).toEqual({ kind: 'entity', value: 'C006' });
    expect(good.confidence.level).toBe('low');
    expect(good.reading).toMatch(/model wrote SQL/);

    const drop = await ask(q, { ...ctx, model: scripted([{ sql: 'DROP TABLE invoices' }]) });
    expect(drop.answer.kind).toBe('none');
    expect(drop.text).toMatch(/^Refused:/);
    const still = await ask('How many invoices?', ctx);
    expect(still.answer).toEqual({ kind: 'number', value: 16 });

    const bad = await ask(q, { ...ctx, model: scripted([{ nonsense: true }]) });
    expect(bad.answer.kind).toBe('none');
    expect(bad.text).toMatch(/not usable/);
    sandbox.close();
  }, 60_000);

  it('sends a binder error back to the model once, with the schema', async () => {
    const { ctx, sandbox } = await analystOver(demoFiles());
    const model = scripted([
      { sql: 'SELECT count(*) FROM customers WHERE country = 1' },
      { sql: "SELECT count(*) AS n FROM customers WHERE region = 'EMEA'" }
    ]);
    const a = await ask('How big is our European footprint?', { ...ctx, model });
    expect(a.answer).toEqual({ kind: 'number', value: 4 });
    expect(model.calls).toHaveLength(2);
    expect(JSON.stringify(model.calls[1])).toMatch(/country/);
    sandbox.close();
  }, 60_000);

  it('answers a semantic query the model maps to, validated by zod', async () => {
    const { ctx, sandbox } = await analystOver(demoFiles());
    const model = scripted([
      { query: { metric: 'refund_amount', groupBy: 'reason', rank: { order: 'desc', limit: 1 } } }
    ]);
    const a = await ask('Qual motivo de reembolso custou mais?', { ...ctx, model });
    expect(a.answer).toEqual({ kind: 'entity', value: 'manual_credit' });
    expect(a.source).toBe('model');
    expect(a.confidence.score).toBeLessThanOrEqual(0.8);
    sandbox.close();
  }, 60_000);
});
