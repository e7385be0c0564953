/**
 * Refund counts per region and day, with a ceiling on ordinary refunds.
 *
 * Refunds are drawn customer by customer, so nothing stops chance from piling many of them onto
 * one region-day and creating a spike nobody planted. The calendar prevents that: it knows the
 * expected daily refund count of each region (from the invoice schedule), caps ordinary refunds
 * below the spike threshold any realistic baseline implies, and moves a refund that would
 * overflow a day to the nearest day with room. Planted spikes and batch days bypass the cap.
 * The cap levels were chosen by simulating Poisson days against a 28-day rolling median.
 */
import { REGIONS } from './catalog';
import { DEFINITIONS } from './definitions';
import type { DataWindow } from './skeleton';

/** Days between a payment and its refund: mostly within a week, never beyond 24 days. */
export const REFUND_DELAY_WEIGHTS: readonly number[] = Array.from({ length: 25 }, (_, k) =>
  Math.exp(-k / 6)
);
const DELAY_TOTAL = REFUND_DELAY_WEIGHTS.reduce((a, b) => a + b, 0);

/** Most ordinary refunds a region-day may hold, given its expected count. */
export function refundCap(expected: number): number {
  if (expected < 1.8) return 2;
  if (expected < 3.2) return 3;
  if (expected < 4.5) return 4;
  if (expected < 6) return 6;
  return Math.floor(expected + Math.sqrt(expected) + 0.5);
}

export class RefundCalendar {
  readonly startDay: number;
  readonly endDay: number;
  readonly counts: Int32Array[];
  readonly caps: Int32Array[];

  /** `expectedPayments[r][d]`: refundable payments of region r on day startDay + d. */
  constructor(window: DataWindow, expectedPayments: Float64Array[], refundRate: number) {
    this.startDay = window.startDay;
    this.endDay = window.asOfDay;
    const days = this.endDay - this.startDay + 1;
    this.counts = REGIONS.map(() => new Int32Array(days));
    this.caps = expectedPayments.map((payments) => {
      const caps = new Int32Array(days);
      for (let d = 0; d < days; d++) {
        let expected = 0;
        for (let k = 0; k < REFUND_DELAY_WEIGHTS.length && k <= d; k++) {
          expected += (payments[d - k] ?? 0) * ((REFUND_DELAY_WEIGHTS[k] as number) / DELAY_TOTAL);
        }
        caps[d] = refundCap(expected * refundRate);
      }
      return caps;
    });
  }

  count(region: number, day: number): number {
    return (this.counts[region] as Int32Array)[day - this.startDay] ?? 0;
  }

  hasRoom(region: number, day: number, n: number): boolean {
    if (day < this.startDay || day > this.endDay) return false;
    const i = day - this.startDay;
    return (
      ((this.counts[region] as Int32Array)[i] as number) + n <=
      ((this.caps[region] as Int32Array)[i] as number)
    );
  }

  add(region: number, day: number, n = 1): void {
    const counts = this.counts[region] as Int32Array;
    const i = day - this.startDay;
    counts[i] = (counts[i] ?? 0) + n;
  }

  /** The day nearest after `preferred` (then before it) within [min, max] with room for n; -1 if none. */
  findDay(region: number, preferred: number, min: number, max: number, n: number): number {
    const lo = Math.max(min, this.startDay);
    const hi = Math.min(max, this.endDay);
    for (let d = Math.max(preferred, lo); d <= hi; d++) if (this.hasRoom(region, d, n)) return d;
    for (let d = Math.min(preferred - 1, hi); d >= lo; d--)
      if (this.hasRoom(region, d, n)) return d;
    return -1;
  }

  /** Highest cap over the baseline days before `day`: no baseline median can exceed it. */
  capMaxBefore(region: number, day: number): number {
    const caps = this.caps[region] as Int32Array;
    let max = 0;
    const end = day - this.startDay;
    for (let i = Math.max(0, end - DEFINITIONS.spikeBaselineDays); i < end; i++)
      max = Math.max(max, caps[i] as number);
    return max;
  }
}
