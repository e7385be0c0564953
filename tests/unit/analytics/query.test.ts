import { beforeAll, describe, expect, it } from 'vitest';
import type { OpsiqError } from '../../../workers/contracts/errors';
import type { AnalyticsService } from '../../../workers/services/analytics-service';
import { demoFiles, makeService } from './harness';

let service: AnalyticsService;
beforeAll(async () => {
  ({ service } = makeService());
  await service.importCsv({ name: 'Demo', source: 'demo', files: demoFiles(), persist: false });
});

const failure = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) => e as OpsiqError
  );

describe('query results are JSON-safe', () => {
  it('bigint, hugeint, decimal, timestamp, date, time, boolean, list', async () => {
    const result =
      await service.query(`SELECT 42::BIGINT AS small, 9007199254740993::BIGINT AS big, 12::HUGEINT AS huge,
      12.34::DECIMAL(18,2) AS money, -0.5::DECIMAL(18,2) AS negative, TIMESTAMP '2026-02-20 14:45:00.123' AS ts,
      DATE '2026-02-21' AS d, TIME '10:30:05' AS t, true AS flag, [1, 2] AS list, NULL AS nothing, 'x' AS s, 0.5::DOUBLE AS f`);
    expect(result.rows).toEqual([
      {
        small: 42,
        big: '9007199254740993',
        huge: 12,
        money: 12.34,
        negative: -0.5,
        ts: '2026-02-20T14:45:00.123Z',
        d: '2026-02-21',
        t: '10:30:05',
        flag: true,
        list: '[1,2]',
        nothing: null,
        s: 'x',
        f: 0.5
      }
    ]);
    expect(result.columns.map((c) => c.type)).toEqual([
      'integer',
      'integer',
      'integer',
      'decimal',
      'decimal',
      'timestamp',
      'date',
      'time',
      'boolean',
      'other',
      'integer',
      'text',
      'number'
    ]);
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
  });

  it('sums over the demo data come back as numbers', async () => {
    const result = await service.query('SELECT count(*) AS n, sum(amount) AS total FROM refunds');
    expect(typeof result.rows[0]?.n).toBe('number');
    expect(typeof result.rows[0]?.total).toBe('number');
  });

  it('binds parameters through a prepared statement', async () => {
    const result = await service.queryWithParams(
      'SELECT invoice_id FROM invoices WHERE customer_id = ? AND billed_amount > ? ORDER BY 1',
      ['C001', 0]
    );
    expect(result.rows.length).toBeGreaterThan(0);
    expect(result.rows.every((r) => typeof r.invoice_id === 'string')).toBe(true);
  });
});

describe('only single read-only statements run', () => {
  it.each([
    'DROP TABLE invoices',
    'DELETE FROM refunds',
    "INSERT INTO refunds (refund_id) VALUES ('x')",
    'ATTACH ":memory:" AS x',
    'SET threads = 4',
    "COPY invoices TO 'x.csv'",
    'CALL pragma_version()',
    '-- comment\nUPDATE invoices SET status = NULL'
  ])('rejects %s', async (sql) => {
    const error = await failure(service.query(sql));
    expect(error?.code).toBe('query_rejected');
  });

  it('rejects several statements, even when the first one reads', async () => {
    const error = await failure(service.query('SELECT 1; DROP TABLE invoices'));
    expect(error).toMatchObject({
      code: 'query_rejected',
      message: 'Only one statement may run at a time.'
    });
    expect((await service.query('SELECT count(*) AS n FROM invoices')).rows).toEqual([{ n: 16 }]);
  });

  it('undoes a write hidden behind WITH', async () => {
    await service
      .query(
        "WITH x AS (SELECT 'R999' AS id) INSERT INTO refunds (refund_id, amount) SELECT id, 1 FROM x"
      )
      .catch(() => undefined);
    expect((await service.query('SELECT count(*) AS n FROM refunds')).rows).toEqual([{ n: 11 }]);
  });

  it('accepts leading comments, FROM-first, DESCRIBE, SHOW, SUMMARIZE and a trailing semicolon', async () => {
    for (const sql of [
      '/* hi */ -- there\nSELECT 1 AS x;',
      'FROM invoices LIMIT 1',
      'DESCRIBE invoices',
      'SHOW TABLES',
      'SUMMARIZE refunds',
      'VALUES (1)'
    ]) {
      await expect(service.query(sql)).resolves.toHaveProperty('rows');
    }
  });

  it('reports DuckDB errors as query_failed with its message', async () => {
    const error = await failure(service.query('SELECT nope FROM invoices'));
    expect(error?.code).toBe('query_failed');
    expect(error?.message).toMatch(/nope/);
  });

  it('an empty query is invalid input', async () => {
    expect((await failure(service.query('   ')))?.code).toBe('invalid_input');
  });
});

describe('extensions are never fetched', () => {
  it('read_json and ::JSON fail fast instead of hanging offline', { timeout: 5000 }, async () => {
    const started = performance.now();
    expect((await failure(service.query("SELECT * FROM read_json('x.json')")))?.code).toBe(
      'query_failed'
    );
    expect((await failure(service.query("SELECT '{}'::JSON AS j")))?.message).toMatch(
      /json extension/
    );
    expect((await failure(service.query("SELECT * FROM read_parquet('x.parquet')")))?.code).toBe(
      'query_failed'
    );
    expect(performance.now() - started).toBeLessThan(3000);
  });
});
