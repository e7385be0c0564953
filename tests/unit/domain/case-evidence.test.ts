import { describe, expect, it } from 'vitest';
import { evidenceChart, spikeBar } from '../../../src/lib/domain/case-evidence';
import { isSpikeCount } from '../../../src/lib/domain/detectors/refund-spike';
import { defaultMemoryValues } from '../../../src/lib/domain/memory';
import type { TriageCase } from '../../../src/lib/domain/schemas/case';
import { scoreFinding } from '../../../src/lib/domain/scoring';

function spike(mu: number, phi: number, rules: { rule: string; threshold: number }[] = []) {
  const c: TriageCase = {
    ...scoreFinding(
      {
        type: 'refund_spike',
        key: 'refund_spike:APAC:2026-03-10',
        title: 'Refund spike in APAC on 2026-03-10: 9 refunds',
        summary: '',
        entities: { region: 'APAC', date: '2026-03-10', refund_ids: ['R1'] },
        rawImpact: 100,
        strength: 0.9,
        rules: rules.map((r) => ({ ...r, observed: null, detail: '' })),
        facts: { day: '2026-03-10', expected_count: mu, baseline_median: mu, dispersion: phi },
        notes: []
      },
      defaultMemoryValues(),
      []
    ),
    caseId: 'case-1',
    runId: 'run-1',
    status: 'open'
  };
  return c;
}

describe('the refund-spike picture', () => {
  it.each([
    [0, 0],
    [0.2, 0],
    [3, 0],
    [12.5, 0.4]
  ])('bands from the expected count %f up to the smallest flagged count (φ %f)', (mu, phi) => {
    const c = spike(mu, phi);
    const bar = spikeBar(c, mu, phi);
    const m = defaultMemoryValues();
    expect(isSpikeCount(bar, mu, phi, m)).toBe(true);
    expect(isSpikeCount(bar - 1, mu, phi, m)).toBe(false);
    const spec = evidenceChart(c, [{ day: '2026-03-10', n: 9, amount: 900 }]);
    expect(spec?.band).toEqual({ name: expect.any(String), lo: mu, hi: bar });
    // Visible even when nothing is expected: the band is at least a whole refund tall.
    expect(bar - mu).toBeGreaterThanOrEqual(1);
    expect(spec?.rule?.y).toBe(mu);
  });

  it("reads the case's own rule settings, not only the defaults", () => {
    const loose = spikeBar(spike(2, 0), 2, 0);
    const strict = spikeBar(
      spike(2, 0, [
        { rule: 'spike_min_refunds', threshold: 20 },
        { rule: 'spike_max_p', threshold: 1e-6 }
      ]),
      2,
      0
    );
    expect(strict).toBeGreaterThanOrEqual(20);
    expect(strict).toBeGreaterThan(loose);
  });
});
