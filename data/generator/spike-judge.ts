/**
 * Judges refund counts per region-day the way a careful analyst would: a spike is a day far above
 * the region's recent median, unless the same day of month peaks in other months too (a
 * recurring batch, normal for that calendar day). Used by the generator to label what it planted
 * and by the oracle to check the labels against the written rows.
 */
import { civilFromDays } from './calendar';
import { DEFINITIONS, median, spikeThreshold } from './definitions';

/** Days of history a baseline needs before a naive rule would judge a day at all. */
const MIN_BASELINE_DAYS = 7;

export interface JudgedDay {
  regionIndex: number;
  day: number;
  count: number;
  baseline: number;
  /** A naive rule (threshold over the trailing median) flags the day. */
  naive: boolean;
  /** Other months peak on the same day of month. */
  recurring: boolean;
  /** A true spike: judged, naive-flagged and not recurring. */
  spike: boolean;
}

/** `counts[r][i]` is the number of refunds of region r on day `startDay + i`. */
export function judgeRefundDays(
  counts: readonly ArrayLike<number>[],
  startDay: number
): JudgedDay[] {
  const flagged: JudgedDay[] = [];
  counts.forEach((series, regionIndex) => {
    const byDayOfMonth = new Map<number, JudgedDay[]>();
    for (let i = MIN_BASELINE_DAYS; i < series.length; i++) {
      const window: number[] = [];
      for (let j = Math.max(0, i - DEFINITIONS.spikeBaselineDays); j < i; j++)
        window.push(series[j] as number);
      const baseline = median(window);
      const count = series[i] as number;
      if (count < spikeThreshold(baseline)) continue;
      const day = startDay + i;
      const entry: JudgedDay = {
        regionIndex,
        day,
        count,
        baseline,
        naive: true,
        recurring: false,
        spike: false
      };
      const dom = civilFromDays(day).day;
      const same = byDayOfMonth.get(dom) ?? [];
      same.push(entry);
      byDayOfMonth.set(dom, same);
      flagged.push(entry);
    }
    for (const same of byDayOfMonth.values()) {
      for (const entry of same) {
        entry.recurring = same.length - 1 >= DEFINITIONS.recurringPeakMinOtherMonths;
        entry.spike = !entry.recurring && entry.day - startDay >= DEFINITIONS.spikeJudgedFromDay;
      }
    }
  });
  return flagged;
}
