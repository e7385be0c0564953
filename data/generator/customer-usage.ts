/** Usage events of one customer: a few per active month, more on higher tiers. */
import {
  FEATURE_UNITS,
  FEATURE_WEIGHTS,
  FEATURES,
  TIER_USAGE_EVENTS,
  TIER_USAGE_FACTOR,
  type Feature
} from './catalog';
import { SECONDS_PER_DAY, type TimestampFormatter } from './calendar';
import type { SimContext } from './context';
import type { CsvWriters } from './csv-writer';
import type { Rng } from './prng';
import { subscriptionAt, type Skeleton } from './skeleton';

const FEATURE_W = [...FEATURE_WEIGHTS];

export function writeUsage(
  ctx: SimContext,
  rng: Rng,
  skeleton: Skeleton,
  customerId: string,
  out: CsvWriters,
  fmt: TimestampFormatter
): void {
  const firstStart = skeleton.subs[0]?.start ?? Infinity;
  const from = Math.max(firstStart, ctx.window.startDay * SECONDS_PER_DAY);
  const to = Math.min(skeleton.churnDay * SECONDS_PER_DAY, ctx.window.endSecond);
  const block = 30 * SECONDS_PER_DAY;
  const times: number[] = [];
  for (let start = from; start < to; start += block) {
    const end = Math.min(start + block, to);
    const sub = skeleton.subs[subscriptionAt(skeleton.subs, start)];
    if (!sub) continue;
    const share = (end - start) / block;
    const n = rng.poisson(TIER_USAGE_EVENTS[sub.tier] * share);
    times.length = 0;
    for (let k = 0; k < n; k++) times.push(rng.int(start, end - 1));
    times.sort((a, b) => a - b);
    const factor = TIER_USAGE_FACTOR[sub.tier];
    for (const time of times) {
      const feature = FEATURES[rng.weighted(FEATURE_W)] as Feature;
      const [lo, hi] = FEATURE_UNITS[feature];
      const units = Math.max(1, Math.round(rng.int(lo, hi) * factor));
      out.row(
        'usage_events',
        `${ctx.ids.next('usage_events')},${customerId},${fmt.timestamp(time)},${units},${feature}`
      );
    }
  }
}
