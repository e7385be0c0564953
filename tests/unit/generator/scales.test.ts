import { describe, expect, it } from 'vitest';
import {
  countRows,
  EXPECTED_ROWS,
  SCALE_PARAMS,
  TABLE_NAMES,
  type Scale
} from '../../../data/generator/index';

const CASES: [Scale, number][] = [
  ['demo', 1],
  ['demo', 2],
  ['small', 2],
  ['small', 3],
  ['medium', 4]
];

describe('row counts per scale', () => {
  it.each(CASES)('%s (seed %i) is within ±10 percent of the stated sizes', (scale, seed) => {
    const { counts, warnings } = countRows({ scale, seed });
    expect(warnings).toEqual([]);
    for (const table of TABLE_NAMES) {
      const expected = EXPECTED_ROWS[scale][table];
      expect(counts[table], `${scale}.${table}`).toBeGreaterThanOrEqual(expected * 0.9);
      expect(counts[table], `${scale}.${table}`).toBeLessThanOrEqual(expected * 1.1);
    }
  });

  it('states the sizes the issue asks for', () => {
    expect(SCALE_PARAMS.demo.customers).toBe(50);
    expect(SCALE_PARAMS.small).toMatchObject({ customers: 300, months: 6 });
    expect(SCALE_PARAMS.medium).toMatchObject({ customers: 5_000, months: 12 });
    expect(SCALE_PARAMS.large.months).toBe(24);
    expect(SCALE_PARAMS.large.customers).toBeGreaterThanOrEqual(50_000);
    expect(EXPECTED_ROWS.large.invoices).toBeGreaterThan(1_000_000);
    expect(EXPECTED_ROWS.large.refunds).toBeGreaterThan(200_000);
  });

  it('plants more anomalies at bigger scales', () => {
    const order: Scale[] = ['demo', 'small', 'medium', 'large'];
    for (let i = 1; i < order.length; i++) {
      const smaller = SCALE_PARAMS[order[i - 1] as Scale].plants;
      const bigger = SCALE_PARAMS[order[i] as Scale].plants;
      for (const key of Object.keys(bigger) as (keyof typeof bigger)[])
        expect(bigger[key]).toBeGreaterThan(smaller[key]);
    }
  });
});
