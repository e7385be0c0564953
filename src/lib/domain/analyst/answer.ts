import type { QueryResult, ResultValue } from '../../../../workers/contracts/analytics';
import { dimensions, type MetricDef } from './catalog';
import type { CompiledQuery } from './compile';
import type { SemanticQuery } from './query';
import { spanLabel, type DateSpan } from './windows';

export type Answer =
  | { kind: 'number'; value: number }
  | { kind: 'entity'; value: string }
  | { kind: 'list'; value: (string | number)[] }
  | { kind: 'none'; reason: string };

export type ChartKind = 'figure' | 'bar' | 'line' | 'table' | 'none';

export interface Shaped {
  readonly answer: Answer;
  readonly text: string;
  readonly chart: ChartKind;
}

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

export function formatValue(metric: MetricDef, value: number): string {
  switch (metric.unit) {
    case 'money':
      return `$${value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
    case 'percent':
      return `${value.toLocaleString('en-US', { maximumFractionDigits: 2 })} %`;
    default:
      return value.toLocaleString('en-US', { maximumFractionDigits: 2 });
  }
}

const num = (v: ResultValue | undefined): number | null =>
  typeof v === 'number'
    ? v
    : typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))
      ? Number(v)
      : null;

/** The table's rows in [min, max] dates, for "no data in that window". */
export interface Coverage {
  readonly min: string | null;
  readonly max: string | null;
}

function covers(coverage: Coverage | undefined, span: DateSpan): boolean {
  if (!coverage) return true;
  if (!coverage.min || !coverage.max) return false;
  const last = coverage.max;
  if (span.from && span.from > last) return false;
  if (span.to && span.to <= coverage.min) return false;
  return true;
}

function when(metric: MetricDef, span: DateSpan, asOf: string): string {
  if (!metric.time) return `as of ${asOf}`;
  const label = spanLabel(span);
  return label === 'all time'
    ? 'over all time'
    : `from ${label}`.replace(/^from (\d{4}-\d{2}-\d{2})$/, 'on $1');
}

/** Turns a compiled query's result into the answer, its sentence and the chart that fits. */
export function shapeAnswer(
  q: SemanticQuery,
  compiled: CompiledQuery,
  result: QueryResult,
  asOf: string,
  coverage: Coverage | undefined
): Shaped {
  const { metric, span } = compiled;
  const label = metric.label;
  const period = when(metric, span, asOf);
  const none = (reason: string): Shaped => ({
    answer: { kind: 'none', reason },
    text: reason,
    chart: 'none'
  });
  if (metric.time && !covers(coverage, span))
    return none(
      `No ${metric.noun} in that window (${spanLabel(span)}): the data has ${metric.table} ${coverage?.min ? `from ${coverage.min} to ${coverage.max}` : 'with no dates'}.`
    );
  const rows = result.rows;
  const key = compiled.keyColumn;

  if (q.compare && compiled.previousSpan) {
    const prevPeriod = when(metric, compiled.previousSpan, asOf);
    if (metric.time && !covers(coverage, compiled.previousSpan) && !key)
      return none(
        `No ${metric.noun} in the earlier window (${spanLabel(compiled.previousSpan)}), so there is nothing to compare with.`
      );
    if (key) {
      if (!rows.length) return none(`No ${metric.noun} in either window.`);
      const ranked = rows.filter(
        (r) => num(r[q.compare?.as === 'difference' ? 'difference' : 'percent_change']) !== null
      );
      if (!ranked.length) return none(`No ${metric.noun} in the earlier window to compare with.`);
      const keys = ranked.map((r) => String(r[key]));
      const top = ranked[0] as Record<string, ResultValue>;
      const change = num(top.percent_change) ?? 0;
      const text = `${String(top[key])} changed most: ${label} ${formatValue(metric, num(top.current) ?? 0)} ${period} against ${formatValue(metric, num(top.previous) ?? 0)} ${prevPeriod} (${change >= 0 ? '+' : ''}${round(change)} %).`;
      return q.rank?.limit === 1
        ? { answer: { kind: 'entity', value: keys[0] as string }, text, chart: 'bar' }
        : { answer: { kind: 'list', value: keys }, text, chart: 'bar' };
    }
    const row = rows[0] ?? {};
    const current = num(row.current);
    const previous = num(row.previous);
    if (current === null && previous === null) return none(`No ${metric.noun} in either window.`);
    const cur = formatValue(metric, current ?? 0);
    const prev = formatValue(metric, previous ?? 0);
    if (q.compare.as === 'difference') {
      const d = round((current ?? 0) - (previous ?? 0));
      return {
        answer: { kind: 'number', value: d },
        text: `${label} was ${cur} ${period} against ${prev} ${prevPeriod}: a difference of ${formatValue(metric, d)}.`,
        chart: 'bar'
      };
    }
    const pct = num(row.percent_change);
    if (pct === null || !previous)
      return none(
        `${label} was ${cur} ${period}; there were no ${metric.noun} ${prevPeriod}, so there is no % change.`
      );
    const dir = pct > 0 ? 'up' : pct < 0 ? 'down' : 'unchanged,';
    return {
      answer: { kind: 'number', value: round(pct) },
      text: `${label} was ${cur} ${period} against ${prev} ${prevPeriod}: ${dir} ${round(Math.abs(pct))} %.`,
      chart: 'bar'
    };
  }

  if (key) {
    const valueCol = q.share ? 'share' : 'value';
    const usable = rows.filter((r) => num(r[valueCol]) !== null);
    if (!usable.length) return none(`No ${metric.noun} ${period}.`);
    const dim = dimensions[q.groupBy as keyof typeof dimensions];
    const show = (r: Record<string, ResultValue>) =>
      `${String(r[key])} ${q.share ? `${round(num(r.share) ?? 0)} %` : formatValue(metric, num(r.value) ?? 0)}`;
    const series = (q.groupBy === 'month' || q.groupBy === 'day') && !q.rank;
    if (series) {
      return {
        answer: { kind: 'list', value: usable.map((r) => round(num(r[valueCol]) ?? 0)) },
        text: `${label} by ${dim.label} ${period}: ${usable.slice(0, 6).map(show).join(', ')}${usable.length > 6 ? `, … (${usable.length} ${dim.plural})` : ''}.`,
        chart: 'line'
      };
    }
    const keys = usable.map((r) => String(r[key]));
    const first = usable[0] as Record<string, ResultValue>;
    if (q.rank?.limit === 1) {
      const word = q.rank.order === 'desc' ? 'highest' : 'lowest';
      return {
        answer: { kind: 'entity', value: keys[0] as string },
        text: `${String(first[key])} had the ${word} ${label.toLowerCase()} ${period}: ${q.share ? `${round(num(first.share) ?? 0)} %` : formatValue(metric, num(first.value) ?? 0)} (ties broken by ${dim.label} A→Z).`,
        chart: 'bar'
      };
    }
    const what = q.share ? `Share of ${label.toLowerCase()}` : label;
    const order = q.rank
      ? q.rank.order === 'desc'
        ? 'highest first'
        : 'lowest first'
      : 'highest first';
    return {
      answer: { kind: 'list', value: keys },
      text: `${what} by ${dim.label} ${period}, ${order}: ${usable.slice(0, 6).map(show).join(', ')}${usable.length > 6 ? `, … (${usable.length} ${dim.plural})` : ''}.`,
      chart: 'bar'
    };
  }

  const value = num(rows[0]?.value);
  if (value === null)
    return none(`No ${metric.noun} ${period}, so there is no ${label.toLowerCase()}.`);
  const partText = q.part.length ? ` (share of all ${metric.noun})` : '';
  const shown = q.part.length ? `${round(value)} %` : formatValue(metric, value);
  const empty =
    value === 0 && metric.aggregate.kind !== 'rate' ? ` No ${metric.noun} matched.` : '';
  return {
    answer: { kind: 'number', value: round(value) },
    text: `${label}${partText} ${period}: ${shown}.${empty}`,
    chart: 'figure'
  };
}
