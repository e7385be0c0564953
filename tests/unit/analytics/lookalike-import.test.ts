import { describe, expect, it } from 'vitest';
import { demoFiles, makeService } from './harness';

describe('lookalike ids at import', () => {
  it('the demo has none', async () => {
    const { service } = makeService();
    const report = await service.importCsv({ name: 'Demo', source: 'demo', files: demoFiles() });
    expect(report.notes.filter((n) => n.startsWith('Lookalike'))).toEqual([]);
  });

  it('a zero-width space in a refund customer id and a Cyrillic id are named', async () => {
    const files = demoFiles().map((f) => {
      if (f.fileName === 'refunds.csv') {
        return { ...f, data: String(f.data).replace('REF001,C002,', 'REF001,C0\u200b02,') };
      }
      if (f.fileName === 'customers.csv') {
        return { ...f, data: `${String(f.data)}\u0421001,Acme Copy,NA,pro,active\r\n` };
      }
      return f;
    });
    const { service } = makeService();
    const report = await service.importCsv({ name: 'Tricky', source: 'upload', files });
    const notes = report.notes.filter((n) => n.startsWith('Lookalike ids in customer_id'));
    expect(notes).toHaveLength(2);
    expect(notes.join('\n')).toContain('"C0⟨U+200B⟩02"');
    expect(notes.join('\n')).toContain('(with U+0421)');
    // Everything still loads: a warning, not a rejection.
    expect(report.tables.find((t) => t.table === 'customers')?.rowsLoaded).toBeGreaterThan(0);
  });
});
