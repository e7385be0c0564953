import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ask, type AnalystContext } from '../../../src/lib/agents/analyst';
import { llmAnalystModel } from '../../../src/lib/agents/reasoning/analyst-model';
import type { AnalystSandbox } from '../../../workers/services/analyst-sandbox';
import { startLlmServer, type LlmServer } from '../../llm-server/server';
import { demoFiles } from '../analytics/harness';
import { session } from '../llm/harness';
import { analystOver } from './harness';

/**
 * The analyst's model step through the real adapter (openai SDK) against the local
 * OpenAI-compatible test server, over real DuckDB-WASM: model SQL runs only through the guard.
 */
let server: LlmServer;
let ctx: AnalystContext;
let sandbox: AnalystSandbox;
beforeAll(async () => {
  server = await startLlmServer();
  ({ ctx, sandbox } = await analystOver(demoFiles()));
}, 120_000);
afterAll(async () => {
  sandbox.close();
  await server.close();
});

/** Outside the semantic layer: the parser cannot read it. */
const OUTSIDE = 'Which customer has the longest customer name?';

function withModel() {
  const s = session(server);
  return { s, ctx: { ...ctx, model: llmAnalystModel(s) } };
}

function userMessages(): string[] {
  return server.requests
    .filter((r) => r.path.endsWith('/chat/completions'))
    .map((r) => {
      const body = r.body as { messages: { role: string; content: string }[] };
      return body.messages.map((m) => `${m.role}: ${m.content}`).join('\n');
    });
}

describe('analyst model step over the Llm port', () => {
  it('answers a question outside the layer through validated model SQL, logged as step "analyst"', async () => {
    server.reset();
    server.script('analyst_reply', [
      {
        content: {
          query: null,
          sql: 'SELECT customer_id FROM customers ORDER BY length(customer_name) DESC, customer_id LIMIT 1',
          reasoning: 'name length is not in the catalogue'
        }
      }
    ]);
    const m = withModel();
    const a = await ask(OUTSIDE, m.ctx);
    expect(a.source).toBe('model');
    expect(a.answer).toEqual({ kind: 'entity', value: 'C006' });
    expect(a.reading).toMatch(/model wrote SQL/);
    expect(a.text).toBe('1 row from SQL written by the model: C006.');
    expect(a.confidence.level).toBe('low');
    expect(a.sql).toMatch(/length\(customer_name\)/);
    expect(m.s.calls).toHaveLength(1);
    expect(m.s.calls[0]).toMatchObject({ purpose: 'analyst', validation: 'valid' });
    // The question travels as quoted data inside the DATA block, beside the schema and catalogue.
    const [sent] = userMessages();
    expect(sent).toMatch(/<<<DATA[\s\S]*"question": \{\s*"text": "Which customer has the longest/);
    expect(sent).toMatch(/"table": "customers"/);
    expect(sent).not.toMatch(/C00\d/);
    expect(sent).toMatch(/"id": "failed_payment_rate"/);
    expect(sent).toMatch(/system: [\s\S]*never as instructions/);
  }, 60_000);

  it('works where the provider has no strict schemas (JSON mode, the schema in the prompt)', async () => {
    server.reset();
    server.script('analyst_reply', [
      {
        content: {
          query: { metric: 'refund_count', groupBy: 'region', rank: { order: 'desc', limit: 1 } },
          sql: null,
          reasoning: 'r'
        }
      }
    ]);
    const s = session(server, { model: 'test-json-object-model' });
    const a = await ask('Welche Region hat die meisten Erstattungen?', {
      ...ctx,
      model: llmAnalystModel(s)
    });
    expect(a.answer).toEqual({ kind: 'entity', value: 'EMEA' });
    expect(a.source).toBe('model');
    expect(a.query?.metric).toBe('refund_count');
    expect(s.calls[0]).toMatchObject({ purpose: 'analyst', mode: 'json_object' });
    expect(userMessages().at(-1)).toMatch(/Schema name: analyst_reply\nJSON Schema:/);
  }, 60_000);

  it('refuses a scripted DROP TABLE invoices with a reason, and the data is unchanged', async () => {
    server.reset();
    server.script('analyst_reply', [
      { content: { query: null, sql: 'DROP TABLE invoices', reasoning: 'x' } }
    ]);
    const m = withModel();
    const a = await ask('Delete the invoices table please', m.ctx);
    expect(a.answer.kind).toBe('none');
    expect(a.text).toMatch(/^Refused: Only read-only queries run/);
    expect(a.sql).toBe('DROP TABLE invoices');
    const still = await ask('How many invoices?', ctx);
    expect(still.answer).toEqual({ kind: 'number', value: 16 });
  }, 60_000);

  it('falls back to the parser on a garbage reply and on a failing server, without a crash', async () => {
    server.reset();
    server.script('analyst_reply', [{ content: 'no idea, sorry' }, { content: '{"nope": 1}' }]);
    const bare = await ask(OUTSIDE, ctx);
    const m = withModel();
    const a = await ask(OUTSIDE, m.ctx);
    expect(a.answer.kind).toBe('none');
    expect(a.text.startsWith(bare.text)).toBe(true);
    expect(a.followUps).toEqual(bare.followUps);
    expect(m.s.calls[0]).toMatchObject({
      purpose: 'analyst',
      validation: 'invalid',
      repairUsed: true,
      fallbackUsed: true
    });

    server.reset();
    server.script('*', [{ status: 500, body: { error: { message: 'boom' } } }]);
    const f = withModel();
    const b = await ask(OUTSIDE, f.ctx);
    expect(b.answer.kind).toBe('none');
    expect(b.followUps).toEqual(bare.followUps);
    expect(f.s.calls[0]?.fallbackUsed).toBe(true);
  }, 60_000);

  it('prefers the semantic query, confirmed when the model SQL agrees, and not when it differs', async () => {
    const q = 'Qual motivo de reembolso custou mais?';
    const query = { metric: 'refund_amount', groupBy: 'reason', rank: { order: 'desc', limit: 1 } };
    server.reset();
    server.script('analyst_reply', [
      {
        content: {
          query,
          sql: 'SELECT reason FROM refunds GROUP BY reason ORDER BY sum(amount) DESC, reason LIMIT 1',
          reasoning: 'r'
        }
      },
      {
        content: {
          query,
          sql: 'SELECT reason FROM refunds GROUP BY reason ORDER BY sum(amount) ASC, reason LIMIT 1',
          reasoning: 'r'
        }
      }
    ]);
    const a = await ask(q, withModel().ctx);
    expect(a.answer).toEqual({ kind: 'entity', value: 'manual_credit' });
    expect(a.source).toBe('model');
    expect(a.sql).toMatch(/FROM refunds/);
    expect(a.confidence.level).toBe('high');
    expect(a.confidence.reason).toMatch(/^Confirmed/);

    const b = await ask(q, withModel().ctx);
    expect(b.answer).toEqual({ kind: 'entity', value: 'manual_credit' });
    expect(b.confidence.level).toBe('low');
    expect(b.confidence.reason).toMatch(/^Not confirmed: .*different answer/);
  }, 60_000);

  it('sends a binder error back to the model once, with the schema', async () => {
    server.reset();
    server.script('analyst_reply', [
      {
        content: {
          query: null,
          sql: 'SELECT count(*) FROM customers WHERE country = 1',
          reasoning: 'r'
        }
      },
      {
        content: {
          query: null,
          sql: "SELECT count(*) AS n FROM customers WHERE region = 'EMEA'",
          reasoning: 'r'
        }
      }
    ]);
    const m = withModel();
    const a = await ask('How big is our European footprint?', m.ctx);
    expect(a.answer).toEqual({ kind: 'number', value: 4 });
    expect(m.s.calls).toHaveLength(2);
    const sent = userMessages();
    expect(sent[1]).toMatch(/"previousAttempt"[\s\S]*country = 1[\s\S]*"error"/);
  }, 60_000);
});
