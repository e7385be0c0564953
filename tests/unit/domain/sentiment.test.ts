import { describe, expect, it } from 'vitest';
import { analyzeSentiment, riskLevel, scoreLine } from '../../../src/lib/domain/sentiment';

describe('scoreLine', () => {
  it.each([
    // text, sign of the score, risk terms found
    // AFINN rates "support" +2: a routine note reads mildly positive.
    ['Refund per support ticket #12345', 1, []],
    ['Invoice sent to AP contact', 0, []],
    ['customer furious, threatened chargeback', -1, ['chargeback', 'furious', 'threatened']],
    ['charged twice, escalate', -1, ['charged twice', 'escalate']],
    [
      'Customer says they were billed twice - escalate to billing',
      -1,
      ['billed twice', 'escalate']
    ],
    [
      'Legal threatened a dispute, refund to avoid chargeback',
      -1,
      ['chargeback', 'dispute', 'legal', 'threatened']
    ],
    ['Goodwill credit approved by CS lead', 1, []],
    ['Possible fraud on this account', -1, ['fraud']],
    ['Customer was overcharged, duplicate invoice', -1, ['duplicate', 'overcharged']]
  ] as const)('%s', (text, sign, terms) => {
    const r = scoreLine(text);
    expect(Math.sign(r.score)).toBe(sign);
    expect(r.riskTerms).toEqual(terms);
  });
});

describe('riskLevel', () => {
  it.each([
    [0, [], 'low'],
    [-3, [], 'medium'],
    [-1, ['escalate'], 'medium'],
    [-1, ['chargeback'], 'high'],
    [-6, [], 'high'],
    [4, ['fraud'], 'high']
  ] as const)('score %d with %j is %s', (score, terms, level) => {
    expect(riskLevel(score, terms)).toBe(level);
  });
});

describe('analyzeSentiment', () => {
  it('scores each line and the whole, skipping blank lines', () => {
    const r = analyzeSentiment([
      { source: 'evidence', text: 'C003 was refunded $150 twice for payment PAY007.' },
      { source: 'refunds.note REF004', text: 'charged twice, escalate' },
      { source: 'refunds.note REF003', text: '   ' }
    ]);
    expect(r.lines.map((l) => l.source)).toEqual(['evidence', 'refunds.note REF004']);
    expect(r.polarity).toBe('negative');
    // "charged" (AFINN −3) + "charged twice" (−3) + "escalate" (−2): high by score alone.
    expect(r.risk).toBe('high');
    expect(r.riskTerms).toEqual(['charged twice', 'escalate']);
    expect(r.score).toBe(r.lines.reduce((s, l) => s + l.score, 0));
  });

  it('is neutral and low risk on no text', () => {
    expect(analyzeSentiment([])).toMatchObject({ score: 0, polarity: 'neutral', risk: 'low' });
  });
});
