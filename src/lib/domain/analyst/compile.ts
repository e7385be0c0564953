import { dimensionExpr, dimensions, metrics, type Aggregate, type MetricDef } from './catalog';
import type { Filter, SemanticQuery, Window } from './query';
import { previousWindow, resolveWindow, type DateSpan } from './windows';
import { literal } from '../sql-text';

export interface CompiledQuery {
  readonly sql: string;
  readonly metric: MetricDef;
  readonly span: DateSpan;
  /** The comparison window's dates, when comparing. */
  readonly previousSpan: DateSpan | null;
  /** Result column of the group key, when grouped. */
  readonly keyColumn: string | null;
}

export class CompileError extends Error {}

export { literal };

function aggregateSql(agg: Aggregate, cond: string | null, scale = 1): string {
  const filter = (extra: string | null) => {
    const parts = [cond, extra].filter((p): p is string => p !== null);
    return parts.length ? ` FILTER (WHERE ${parts.join(' AND ')})` : '';
  };
  const scaled = (sql: string) => (scale === 1 ? sql : `${scale} * ${sql}`);
  switch (agg.kind) {
    case 'sum':
      return scaled(`coalesce(sum(${agg.expr})${filter(null)}, 0)::DOUBLE`);
    case 'avg':
      return `avg(${agg.expr})${filter(null)}::DOUBLE`;
    case 'count':
      return `count(*)${filter(null)}::DOUBLE`;
    case 'rate':
      return `(100.0 * count(*)${filter(agg.when)} / nullif(count(*)${filter(null)}, 0))::DOUBLE`;
    case 'ratio':
      return `(100.0 * sum(${agg.num})${filter(null)} / nullif(sum(${agg.den})${filter(null)}, 0))::DOUBLE`;
  }
}

function filterSql(metric: MetricDef, filter: Filter): string {
  if (filter.kind === 'amount') {
    if (!metric.amount) throw new CompileError(`${metric.label} has no amount to filter on.`);
    return `${metric.amount} ${filter.op} ${Number(filter.value)}`;
  }
  const expr = dimensionExpr(metric, filter.dimension);
  if (!expr)
    throw new CompileError(
      `${metric.label} cannot be filtered by ${dimensions[filter.dimension].label}.`
    );
  const list = filter.values.map((v) => literal(v.toLowerCase())).join(', ');
  return `${filter.negate ? 'NOT ' : ''}coalesce(lower(${expr}), '') IN (${list})`;
}

function spanSql(metric: MetricDef, span: DateSpan): string | null {
  if (!metric.time) return null;
  const col = `f.${metric.time}`;
  const parts: string[] = [];
  if (span.from) parts.push(`${col} >= TIMESTAMP ${literal(span.from)}`);
  if (span.to) parts.push(`${col} < TIMESTAMP ${literal(span.to)}`);
  return parts.length ? `(${parts.join(' AND ')})` : null;
}

function needsCustomer(metric: MetricDef, q: SemanticQuery): boolean {
  const uses = (e: string | null) => e?.startsWith('c.') ?? false;
  if (q.groupBy && uses(dimensionExpr(metric, q.groupBy))) return true;
  return [...q.filters, ...q.part].some(
    (f) => f.kind === 'value' && uses(dimensionExpr(metric, f.dimension))
  );
}

/** One DuckDB statement for a semantic query, with window dates resolved against `asOf`. */
export function compile(q: SemanticQuery, asOf: string): CompiledQuery {
  const metric = metrics[q.metric];
  const windowed = metric.time !== null;
  const window: Window = windowed ? q.window : { kind: 'all' };
  const span = resolveWindow(window, asOf);
  const prevWindow =
    q.compare && windowed ? (q.compare.against ?? previousWindow(window, asOf)) : null;
  if (q.compare && !prevWindow)
    throw new CompileError(
      windowed
        ? 'A comparison needs a window (e.g. this month vs last month).'
        : `${metric.label} is a snapshot as of the dataset date; it cannot be compared over time.`
    );
  const previousSpan = prevWindow ? resolveWindow(prevWindow, asOf) : null;

  const from = `${metric.from ?? metric.table} f${needsCustomer(metric, q) ? ' LEFT JOIN customers c ON c.customer_id = f.customer_id' : ''}`;
  const where: string[] = [];
  if (metric.where) where.push(metric.where);
  for (const f of q.filters) where.push(filterSql(metric, f));
  const cur = spanSql(metric, span);
  const prev = previousSpan ? spanSql(metric, previousSpan) : null;
  if (prev) where.push(`(${cur ?? 'TRUE'} OR ${prev})`);
  else if (cur) where.push(cur);
  const whereSql = where.length ? `\nWHERE ${where.join('\n  AND ')}` : '';

  const keyExpr = q.groupBy ? dimensionExpr(metric, q.groupBy) : null;
  if (q.groupBy && !keyExpr)
    throw new CompileError(
      `${metric.label} cannot be broken down by ${dimensions[q.groupBy].label}.`
    );
  const key = q.groupBy ? dimensions[q.groupBy].column : null;
  const partCond = q.part.length ? q.part.map((f) => filterSql(metric, f)).join(' AND ') : null;
  if (
    (q.share || partCond) &&
    (metric.aggregate.kind === 'rate' ||
      metric.aggregate.kind === 'ratio' ||
      metric.aggregate.kind === 'avg')
  )
    throw new CompileError(`${metric.label} is not additive, so it has no share.`);

  const value = (cond: string | null) => {
    const base = aggregateSql(metric.aggregate, cond, metric.scale);
    if (partCond) {
      const part = aggregateSql(
        metric.aggregate,
        [cond, partCond].filter(Boolean).join(' AND ') || null,
        metric.scale
      );
      return `(100.0 * ${part} / nullif(${base}, 0))::DOUBLE`;
    }
    return base;
  };

  const selectKey = keyExpr ? `coalesce(${keyExpr}::VARCHAR, '(none)') AS ${key}, ` : '';
  const groupSql = keyExpr ? '\nGROUP BY 1' : '';
  const isSeries = q.groupBy === 'month' || q.groupBy === 'day';
  const limit = q.rank?.limit ?? null;
  const order = (col: string) => {
    if (!keyExpr) return '';
    if (!q.rank && isSeries) return `\nORDER BY ${key} ASC`;
    const dir = q.rank?.order === 'asc' ? 'ASC' : 'DESC';
    return `\nORDER BY ${col} ${dir} NULLS LAST, ${key} ASC${limit ? `\nLIMIT ${limit}` : ''}`;
  };

  let sql: string;
  if (prev) {
    const inner = `SELECT ${selectKey}${value(cur)} AS current, ${value(prev)} AS previous\nFROM ${from}${whereSql}${groupSql}`;
    const cols = `${key ? `${key}, ` : ''}current, previous, current - previous AS difference, (100.0 * (current - previous) / nullif(previous, 0))::DOUBLE AS percent_change`;
    const rankCol = q.compare?.as === 'difference' ? 'difference' : 'percent_change';
    sql = `SELECT ${cols}\nFROM (${inner}) AS t${order(rankCol)}`;
  } else if (q.share && keyExpr) {
    const inner = `SELECT ${selectKey}${value(null)} AS value\nFROM ${from}${whereSql}${groupSql}`;
    sql = `SELECT ${key}, value, (100.0 * value / nullif(sum(value) OVER (), 0))::DOUBLE AS share\nFROM (${inner}) AS t${order('share')}`;
  } else {
    sql = `SELECT ${selectKey}${value(null)} AS value\nFROM ${from}${whereSql}${groupSql}${order('value')}`;
  }
  return { sql, metric, span, previousSpan, keyColumn: key };
}
