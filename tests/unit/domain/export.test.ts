import { describe, expect, it } from 'vitest';
import { csvCell, toExportCsv, toExportJson } from '../../../src/lib/domain/export';
import { defaultMemoryValues } from '../../../src/lib/domain/memory';
import type { TriageCase } from '../../../src/lib/domain/schemas/case';
import { scoreFinding } from '../../../src/lib/domain/scoring';

describe('csvCell', () => {
  it.each([
    ['plain', 'plain'],
    ['=HYPERLINK("x")', `"'=HYPERLINK(""x"")"`],
    ['+1', "'+1"],
    ['-1', "'-1"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tx', "'\tx"],
    ['a,b', '"a,b"'],
    ['line\nbreak', '"line\nbreak"'],
    [42, '42'],
    [null, '']
  ] as const)('%j → %s', (value, cell) => {
    expect(csvCell(value)).toBe(cell);
  });
});

const sample: TriageCase = {
  ...scoreFinding(
    {
      type: 'manual_credit',
      key: 'manual_credit:REF009',
      title: '=cmd|calc',
      summary: 'C009 got a $500 manual credit.',
      entities: { customer_id: 'C009', refund_id: 'REF009', date: '2026-02-20' },
      rawImpact: 500,
      strength: 0.8,
      rules: [],
      facts: { amount: 500 },
      notes: []
    },
    defaultMemoryValues(),
    []
  ),
  caseId: 'case-1',
  runId: 'run-1',
  status: 'open'
};

describe('export', () => {
  it('writes the documented JSON fields', () => {
    const [record] = JSON.parse(toExportJson([sample])) as Record<string, unknown>[];
    expect(Object.keys(record ?? {})).toEqual([
      'case_id',
      'key',
      'run_id',
      'title',
      'anomaly_type',
      'severity',
      'confidence',
      'confidence_label',
      'estimated_impact',
      'evidence',
      'affected_entities',
      'recommended_action',
      'status',
      'sentiment'
    ]);
    expect(record?.['affected_entities']).toEqual({
      customer_id: 'C009',
      refund_id: 'REF009',
      date: '2026-02-20'
    });
  });

  it('neutralises formulas in CSV', () => {
    const [header, row] = toExportCsv([sample]).split('\r\n');
    expect(header?.startsWith('case_id,key,run_id,title')).toBe(true);
    expect(row).toContain(",'=cmd|calc,");
  });
});
