import { describe, expect, it } from 'vitest';
import { csvCell, problemsCsv, toExportCsv, toExportJson } from '../../../src/lib/domain/export';
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

describe('an import’s problems as CSV', () => {
  it('one row a problem, formula-looking cells neutralised, commas and quotes quoted', () => {
    const text = problemsCsv([
      {
        file: 'unified_payments.csv',
        line: 5,
        column: 'Amount',
        reason: '"49.OO" is not a money amount'
      },
      { file: '=HYPERLINK("x")', reason: 'file is empty', severity: 'warning' }
    ]);
    expect(text.split('\n')).toEqual([
      'file,line,column,severity,reason,technical',
      'unified_payments.csv,5,Amount,error,"""49.OO"" is not a money amount",',
      '"\'=HYPERLINK(""x"")",,,warning,file is empty,',
      ''
    ]);
  });
});
