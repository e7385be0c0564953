import { describe, expect, it } from 'vitest';
import { anomalyTypes } from '../../../src/lib/domain/schemas/finding';
import { measure } from '../../support/quality';

describe('detection quality on generated data', () => {
  it('reaches precision and recall ≥ 0.95 per detector on medium data (seed 1)', async () => {
    const run = await measure('medium', 1);
    for (const type of anomalyTypes) {
      expect(run.opsiq[type].precision, `${type} precision`).toBeGreaterThanOrEqual(0.95);
      expect(run.opsiq[type].recall, `${type} recall`).toBeGreaterThanOrEqual(0.95);
    }
  }, 120_000);
});
