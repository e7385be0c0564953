/** The shapes the QA Lab's line charts take. */

/** One point; `y: null` leaves a gap (a value that does not exist there). */
export interface ChartPoint {
  x: number;
  y: number | null;
}

export interface ChartSeries {
  name: string;
  /** A CSS colour, usually a theme variable such as `var(--accent)`. */
  color: string;
  /** An SVG dash pattern, so colour is never the only cue. */
  dash?: string;
  points: ChartPoint[];
}

/**
 * A one-sentence summary of a series for a chart's accessible name: how many points, the first
 * and latest value, and the range.
 */
export function summarizeSeries(
  name: string,
  points: readonly ChartPoint[],
  format: (y: number) => string
): string {
  const ys = points.map((p) => p.y).filter((y): y is number => y !== null);
  if (ys.length === 0) return `${name}: no values yet`;
  const first = ys[0] as number;
  const last = ys[ys.length - 1] as number;
  if (ys.length === 1) return `${name}: ${format(first)}`;
  return `${name} from ${format(first)} to ${format(last)} (lowest ${format(Math.min(...ys))}, highest ${format(Math.max(...ys))})`;
}

/** Integer ticks between `lo` and `hi`, at most `max` of them. */
export function integerTicks(lo: number, hi: number, max = 10): number[] {
  const span = Math.max(0, Math.floor(hi) - Math.ceil(lo));
  const step = Math.max(1, Math.ceil((span + 1) / max));
  const out: number[] = [];
  for (let x = Math.ceil(lo); x <= hi; x += step) out.push(x);
  return out;
}
