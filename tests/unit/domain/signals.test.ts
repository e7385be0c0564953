import { describe, expect, it } from 'vitest';
import { rankSignals, signalFromRow, type SignalRow } from '../../../src/lib/domain/schemas/signal';

const row = (overrides: Partial<SignalRow>): SignalRow => ({
  signal_id: 'S1',
  timestamp: '2026-02-20T08:00:00.000Z',
  signal_type: 'anomaly_alert',
  severity: 'high',
  source: 'datadog',
  related_entity: 'refunds',
  payload_json: null,
  ...overrides
});

describe('signalFromRow', () => {
  it('reads message, metric and focus ids from the payload', () => {
    const s = signalFromRow(
      row({
        payload_json:
          '{"metric": "refund.count", "value": 6, "threshold": 3, "region": "EMEA", "invoice_ids": ["INV008"], "message": "Spike"}'
      })
    );
    expect(s).toMatchObject({
      message: 'Spike',
      metric: { name: 'refund.count', value: 6, baseline: 3 },
      focus: { regions: ['EMEA'], invoiceIds: ['INV008'] },
      payloadProblem: null
    });
  });

  it.each([
    ['{not json', 'payload_json is not valid JSON'],
    ['[1, 2]', 'payload_json is not a JSON object'],
    ['', null]
  ])('payload %j → problem %j, never a throw', (payload, problem) => {
    const s = signalFromRow(row({ payload_json: payload, severity: 'SEVERE' }));
    expect(s.payloadProblem).toBe(problem);
    expect(s.severity).toBe('low');
  });
});

describe('rankSignals', () => {
  it('orders by severity, then recency, then id', () => {
    const ranked = rankSignals([
      signalFromRow(
        row({ signal_id: 'a', severity: 'medium', timestamp: '2026-02-21T00:00:00.000Z' })
      ),
      signalFromRow(
        row({ signal_id: 'b', severity: 'high', timestamp: '2026-02-19T00:00:00.000Z' })
      ),
      signalFromRow(
        row({ signal_id: 'c', severity: 'high', timestamp: '2026-02-20T00:00:00.000Z' })
      ),
      signalFromRow(
        row({ signal_id: 'd', severity: 'critical', timestamp: '2026-01-01T00:00:00.000Z' })
      )
    ]);
    expect(ranked.map((s) => s.id)).toEqual(['d', 'c', 'b', 'a']);
  });
});
