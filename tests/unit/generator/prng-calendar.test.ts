import { describe, expect, it } from 'vitest';
import {
  civilFromDays,
  daysFromCivil,
  daysInMonth,
  formatDay,
  parseTimestamp,
  TimestampFormatter
} from '../../../data/generator/calendar';
import { csvField, formatCents } from '../../../data/generator/csv-writer';
import { deriveSeed, Rng, streamFor } from '../../../data/generator/prng';
import { refundCap } from '../../../data/generator/refund-calendar';
import { spikeThreshold } from '../../../data/generator/definitions';

describe('Rng (sfc32 seeded by splitmix32)', () => {
  it('repeats its sequence for a seed and differs across seeds', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const c = new Rng(43);
    const xs = Array.from({ length: 5 }, () => a.nextU32());
    expect(Array.from({ length: 5 }, () => b.nextU32())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.nextU32())).not.toEqual(xs);
  });

  it('is pinned: these values must never change, or every dataset changes', () => {
    const rng = new Rng(1);
    expect(Array.from({ length: 3 }, () => rng.nextU32())).toMatchInlineSnapshot(`
      [
        3384357204,
        4001177017,
        406009659,
      ]
    `);
    expect(deriveSeed(7, 'customer', 3)).toMatchInlineSnapshot(`736775598`);
  });

  it('spreads floats over [0, 1) and ints over their whole range', () => {
    const rng = streamFor(9, 'test');
    const buckets = new Array<number>(10).fill(0);
    for (let i = 0; i < 20_000; i++) {
      const x = rng.float();
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
      buckets[Math.floor(x * 10)] = (buckets[Math.floor(x * 10)] ?? 0) + 1;
    }
    for (const n of buckets) expect(Math.abs(n - 2000)).toBeLessThan(200);
    const seen = new Set(Array.from({ length: 500 }, () => rng.int(1, 6)));
    expect([...seen].sort()).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('draws Poisson counts with the right mean', () => {
    const rng = new Rng(5);
    let sum = 0;
    for (let i = 0; i < 10_000; i++) sum += rng.poisson(2.5);
    expect(sum / 10_000).toBeCloseTo(2.5, 1);
  });
});

describe('calendar without Date objects', () => {
  it('agrees with Date.UTC across leap years and centuries', () => {
    // Date.UTC maps years 0–99 to 1900–1999, so start after year 100.
    for (let days = -650_000; days <= 800_000; days += 997) {
      const { year, month, day } = civilFromDays(days);
      expect(Date.UTC(year, month - 1, day) / 86_400_000).toBe(days);
      expect(daysFromCivil(year, month, day)).toBe(days);
    }
    expect(daysInMonth(2024, 2)).toBe(29);
    expect(daysInMonth(2100, 2)).toBe(28);
    expect(daysFromCivil(2025, 13, 1)).toBe(daysFromCivil(2026, 1, 1));
    expect(daysFromCivil(2026, -1, 21)).toBe(daysFromCivil(2025, 11, 21));
  });

  it('formats and parses timestamps', () => {
    const fmt = new TimestampFormatter();
    const t = parseTimestamp('2026-02-20 14:45:09');
    expect(fmt.timestamp(t)).toBe('2026-02-20 14:45:09');
    expect(new Date(t * 1000).toISOString()).toBe('2026-02-20T14:45:09.000Z');
    expect(formatDay(daysFromCivil(2026, 2, 21))).toBe('2026-02-21');
  });
});

describe('CSV fields', () => {
  it('formats money as plain decimals', () => {
    expect(formatCents(19900)).toBe('199.00');
    expect(formatCents(5)).toBe('0.05');
    expect(formatCents(123456789)).toBe('1234567.89');
  });

  it('quotes only fields that need it', () => {
    expect(csvField('plain note')).toBe('plain note');
    expect(csvField('a, b')).toBe('"a, b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('')).toBe('');
  });
});

describe('refund cap', () => {
  it('keeps capped Poisson days under the spike threshold of their trailing median', () => {
    const rng = new Rng(11);
    for (let expected = 0.1; expected <= 150; expected *= 1.15) {
      const cap = refundCap(expected);
      const days: number[] = [];
      let flagged = 0;
      for (let d = 0; d < 2000; d++) {
        const count = Math.min(cap, rng.poisson(expected));
        if (d >= 28) {
          const window = days.slice(d - 28, d).sort((a, b) => a - b);
          const median = ((window[13] as number) + (window[14] as number)) / 2;
          if (count >= spikeThreshold(median)) flagged++;
        }
        days.push(count);
      }
      expect(flagged, `expected ${expected.toFixed(2)}/day, cap ${cap}`).toBe(0);
    }
  });
});
