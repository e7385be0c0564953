import { describe, expect, it } from 'vitest';
import { ask, runSql } from '../../../src/lib/agents/analyst';
import { guardSql } from '../../../src/lib/domain/analyst/sql-guard';
import { demoFiles } from '../analytics/harness';
import { analystOver } from './harness';

const tables = ['customers', 'invoices', 'payments', 'refunds'];

describe('guardSql', () => {
  it.each([
    ['DROP TABLE invoices', /DROP|read-only/],
    ['SELECT 1; DROP TABLE invoices', /one statement/],
    ["SELECT * FROM read_csv('/etc/passwd')", /not allowed/],
    ["SELECT * FROM 'secrets.csv'", /file/],
    ['SELECT * FROM duckdb_settings()', /not allowed/],
    ["SELECT getenv('HOME')", /not allowed/],
    ['INSTALL httpfs', /read-only|INSTALL/],
    ['WITH x AS (SELECT 1) INSERT INTO invoices SELECT * FROM x', /INSERT/],
    ['SELECT * FROM tickets', /not a table/],
    ['SELECT * FROM information_schema.tables', /not a table/],
    ["SELECT * FROM refunds WHERE reason = 'x' /* unclosed", /comment/],
    ["COPY invoices TO 'out.csv'", /read-only|COPY/],
    ["ATTACH 'x.db' AS x", /read-only|ATTACH/],
    ["SELECT 1 UNION ALL SELECT * FROM glob('*')", /not allowed/]
  ])('refuses %s', (sql, reason) => {
    const result = guardSql(sql, tables);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });

  it.each([
    'SELECT count(*) FROM refunds',
    "WITH r AS (SELECT * FROM refunds WHERE reason = 'drop table') SELECT count(*) FROM r",
    'SELECT extract(year FROM invoice_date) AS y, sum(billed_amount) FROM invoices GROUP BY 1',
    'SELECT c.region, sum(r.amount) FROM refunds r JOIN customers c ON c.customer_id = r.customer_id GROUP BY 1',
    'SELECT * FROM refunds r, customers c WHERE r.customer_id = c.customer_id',
    'select (select max(amount) from refunds) as m'
  ])('accepts and wraps %s', (sql) => {
    const result = guardSql(sql, tables, 50);
    expect(result.ok).toBe(true);
    if (result.ok)
      expect(result.sql).toMatch(/^SELECT \* FROM \(\n[\s\S]*\n\) AS analyst_query LIMIT 50$/);
  });
});

describe('the analyst sandbox (DuckDB-WASM)', () => {
  it('has external access off and its configuration locked, while the importer still reads CSVs', async () => {
    const { sandbox, service, ctx } = await analystOver(demoFiles());
    expect(sandbox.setting('enable_external_access')).toBe('false');
    expect(sandbox.setting('lock_configuration')).toBe('true');
    // The lock holds: the setting cannot be turned back on.
    await expect(sandbox.query('SET enable_external_access = true')).rejects.toThrow(
      /lock|configuration/i
    );
    await expect(sandbox.query('SET lock_configuration = false')).rejects.toThrow(
      /lock|configuration/i
    );
    // No file access, even bypassing the guard.
    await expect(sandbox.query("SELECT * FROM read_csv('/etc/hostname')")).rejects.toThrow(
      /external|disabled|permission/i
    );
    expect(sandbox.tableNames()).toEqual(expect.arrayContaining(['refunds', 'invoices']));
    // The importer's own database is separate and still imports.
    const again = await service.importCsv({
      name: 'again',
      source: 'upload',
      files: demoFiles(),
      persist: false
    });
    expect(again.tables.length).toBeGreaterThan(5);
    const answer = await ask('How many refunds?', ctx);
    expect(answer.answer).toEqual({ kind: 'number', value: 11 });
    sandbox.close();
  }, 60_000);

  it('stops a query past its time limit and stays usable', async () => {
    const { sandbox } = await analystOver(demoFiles());
    const started = Date.now();
    await expect(
      sandbox.query(
        'SELECT count(*) FROM range(100000000) a, range(1000) b WHERE a.range % 7 = b.range',
        300
      )
    ).rejects.toThrow(/longer than|stopped/);
    expect(Date.now() - started).toBeLessThan(5_000);
    // A superseded question cancels the running query (the page then drops its answer).
    const running = sandbox.query(
      'SELECT count(*) FROM range(100000000) a, range(1000) b WHERE a.range % 7 = b.range'
    );
    setTimeout(() => sandbox.cancel(), 50);
    await expect(running).rejects.toThrow(/cancelled/);
    const after = await sandbox.query('SELECT count(*)::INTEGER AS n FROM refunds');
    expect(after.rows[0]?.n).toBe(11);
    sandbox.close();
  }, 60_000);

  it('refuses writes typed in the SQL editor, and the data is unchanged', async () => {
    const { ctx, sandbox } = await analystOver(demoFiles());
    for (const sql of [
      'DROP TABLE invoices',
      'DELETE FROM refunds',
      'SELECT 1; DROP TABLE refunds',
      "SELECT * FROM read_parquet('x')"
    ]) {
      const a = await runSql('edited', sql, ctx, 'sql');
      expect(a.answer.kind).toBe('none');
      expect(a.text).toMatch(/^Refused:/);
    }
    const ok = await runSql('edited', 'SELECT count(*) AS n FROM invoices', ctx, 'sql');
    expect(ok.answer).toEqual({ kind: 'number', value: 16 });
    sandbox.close();
  }, 60_000);
});

describe('bad input gets a clear answer or refusal', () => {
  it('handles other languages, gibberish, huge text, SQL, missing tables and empty windows', async () => {
    const { ctx, sandbox } = await analystOver(
      demoFiles().filter((f) => f.fileName !== 'usage_events.csv')
    );
    const cases: [string, RegExp][] = [
      ['¿Cuántos reembolsos hubo el mes pasado?', /English/],
      ['Wie hoch war der Umsatz letzten Monat?', /could not read|English/],
      ['asdf qwer zxcv', /could not read/],
      ['x'.repeat(10_000), /10,000 characters/],
      ['DROP TABLE invoices', /refused|nothing was changed/i],
      ['SELECT * FROM invoices', /SQL/],
      ['How many support tickets were opened last month?', /no data on support tickets/],
      ['Usage units by feature', /no usage_events table/],
      ['Refund count in March 2020', /No refunds in that window/],
      ['Failed payment rate in 2019', /No payments in that window/],
      ['What is our profit margin?', /costs or profit/]
    ];
    for (const [q, want] of cases) {
      const a = await ask(q, ctx);
      expect(a.answer.kind, q).toBe('none');
      expect(a.text, q).toMatch(want);
      expect(a.followUps.length, q).toBeGreaterThan(0);
    }
    sandbox.close();
  }, 60_000);
});
