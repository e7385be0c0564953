/**
 * The analyst: a question in, an answer out (number, chart shape, SQL, confidence, follow-ups).
 * No key: the deterministic parser maps the question to a semantic query. With a model, a
 * `mapQuestion` step may return a semantic query (validated with zod) or SQL; SQL from any
 * source (model, SQL editor) runs only through `guardSql`.
 */
import { z } from 'zod';
import type { QueryResult } from '../../../workers/contracts/analytics';
import type { TableName } from '../../../workers/contracts/tables';
import { tableNames } from '../../../workers/contracts/tables';
import { shapeAnswer, type Answer, type ChartKind, type Coverage } from '../domain/analyst/answer';
import { dimensionExpr, dimensions, metrics, valueColumns } from '../domain/analyst/catalog';
import { compile, CompileError } from '../domain/analyst/compile';
import {
  parseQuestion,
  exampleQuestions,
  type DatasetProfile,
  type Reading
} from '../domain/analyst/parser';
import { questionFor } from '../domain/analyst/phrase';
import {
  dimensionIds,
  semanticQuerySchema,
  type DimensionId,
  type SemanticQuery
} from '../domain/analyst/query';
import { guardSql } from '../domain/analyst/sql-guard';
import { resolveWindow, spanLabel, windowName } from '../domain/analyst/windows';

/** Runs one statement; the host decides where (the analyst's locked-down DuckDB). */
export interface AnalystEngine {
  query(sql: string): Promise<QueryResult>;
}

/** What a model step sees of the dataset. */
export interface SchemaSummary {
  readonly asOf: string;
  readonly tables: readonly { name: string; columns: readonly string[] }[];
  readonly metrics: readonly { id: string; definition: string }[];
  readonly dimensions: readonly string[];
  readonly values: DatasetProfile['values'];
}

/** A model's reply: a semantic query, or SQL when the layer cannot express the question. */
export const modelReplySchema = z.union([
  /** With `sql` as well: the same answer computed in SQL, to confirm the reading. */
  z.object({ query: semanticQuerySchema, sql: z.string().min(1).max(20_000).optional() }),
  z.object({ sql: z.string().min(1).max(20_000) })
]);
export type ModelReply = z.infer<typeof modelReplySchema>;

/** The optional model step (the Llm port plugs in here). */
export interface AnalystModel {
  mapQuestion(
    question: string,
    schema: SchemaSummary,
    retry?: { sql: string; error: string }
  ): Promise<unknown>;
}

export interface Confidence {
  readonly level: 'high' | 'medium' | 'low';
  readonly score: number;
  readonly reason: string;
}

export interface AnalystAnswer {
  readonly question: string;
  /** "I read this as: …" (without the prefix), or null when not read. */
  readonly reading: string | null;
  readonly sql: string | null;
  readonly columns: string[];
  readonly rows: Record<string, string | number | boolean | null>[];
  readonly answer: Answer;
  readonly text: string;
  readonly confidence: Confidence;
  readonly followUps: string[];
  readonly chart: ChartKind;
  /** The other plausible reading, as a question to ask in one click. */
  readonly alternative: string | null;
  readonly definitions: { metric: string; definition: string }[];
  readonly source: 'semantic' | 'model' | 'sql';
  readonly query: SemanticQuery | null;
  readonly window: string | null;
}

export interface AnalystContext {
  readonly engine: AnalystEngine;
  readonly profile: DatasetProfile & {
    readonly coverage: Readonly<Partial<Record<TableName, Coverage>>>;
    readonly columns: Readonly<Partial<Record<TableName, readonly string[]>>>;
  };
  readonly model?: AnalystModel;
}

const timeColumns: Partial<Record<TableName, string>> = {
  invoices: 'invoice_date',
  payments: 'payment_date',
  refunds: 'refund_date',
  usage_events: 'event_time',
  subscriptions: 'start_date'
};

/** Reads what the parser needs from the data: tables, date ranges, dimension values. */
export async function loadProfile(
  engine: AnalystEngine,
  status: {
    asOf: string | null;
    tables: readonly { name: TableName; columns: readonly string[] }[];
  }
): Promise<AnalystContext['profile']> {
  const tables = status.tables.map((t) => t.name);
  const columns = Object.fromEntries(status.tables.map((t) => [t.name, t.columns]));
  const values: Partial<Record<DimensionId, string[]>> = {};
  const parts = valueColumns
    .filter((v) => tables.includes(v.table))
    .map(
      (v) =>
        `SELECT '${v.dim}' AS dim, ${v.column}::VARCHAR AS value FROM ${v.table} WHERE ${v.column} IS NOT NULL GROUP BY 2`
    );
  if (parts.length) {
    const result = await engine.query(
      `SELECT DISTINCT dim, value FROM (${parts.join(' UNION ALL ')}) ORDER BY dim, value LIMIT 5000`
    );
    for (const row of result.rows) {
      const dim = String(row.dim) as DimensionId;
      (values[dim] ??= []).push(String(row.value));
    }
  }
  const coverage: Partial<Record<TableName, Coverage>> = {};
  const ranges = tableNames
    .filter((t) => tables.includes(t) && timeColumns[t])
    .map(
      (t) =>
        `SELECT '${t}' AS t, strftime(min(${timeColumns[t]}), '%Y-%m-%d') AS lo, strftime(max(${timeColumns[t]}), '%Y-%m-%d') AS hi FROM ${t}`
    );
  if (ranges.length) {
    const result = await engine.query(ranges.join(' UNION ALL '));
    for (const row of result.rows)
      coverage[String(row.t) as TableName] = {
        min: row.lo === null ? null : String(row.lo),
        max: row.hi === null ? null : String(row.hi)
      };
  }
  return {
    asOf: status.asOf ?? new Date(0).toISOString().slice(0, 10),
    tables,
    values,
    coverage,
    columns
  };
}

function readingText(q: SemanticQuery, asOf: string): string {
  const metric = metrics[q.metric];
  const parts: string[] = [metric.label];
  for (const f of [...q.filters, ...q.part]) {
    if (f.kind === 'amount') parts.push(`amount ${f.op} ${f.value}`);
    else
      parts.push(
        `${dimensions[f.dimension].label} ${f.negate ? 'is not' : '='} ${f.values.join(' or ')}`
      );
  }
  if (q.part.length) parts.push('as a share of all, in percent');
  if (q.groupBy) parts.push(`${q.share ? 'share ' : ''}by ${dimensions[q.groupBy].label}`);
  if (q.rank)
    parts.push(
      `${q.rank.limit ? `${q.rank.order === 'desc' ? 'top' : 'bottom'} ${q.rank.limit}` : `all, ${q.rank.order === 'desc' ? 'highest' : 'lowest'} first`} (ties by ${q.groupBy ? dimensions[q.groupBy].label : 'key'} A→Z)`
    );
  if (metric.time) {
    const span = resolveWindow(q.window, asOf);
    parts.push(
      q.window.kind === 'all' ? 'all time' : `${windowName(q.window, asOf)} (${spanLabel(span)})`
    );
    if (q.compare)
      parts.push(
        `vs ${q.compare.against ? windowName(q.compare.against, asOf) : 'the period before'} · ${q.compare.as === 'difference' ? 'difference' : '% change'}`
      );
  } else parts.push(`now (as of ${asOf})`);
  return parts.join(' · ');
}

function confidenceOf(
  reading: Reading,
  unknown: readonly string[],
  hasAlternative: boolean
): Confidence {
  let score = 0.95;
  const reasons: string[] = [];
  for (const a of reading.assumptions) {
    score -= a.startsWith('no window named: all time') ? 0.05 : 0.1;
    reasons.push(a);
  }
  if (hasAlternative) score -= 0.05;
  if (unknown.length) {
    score -= Math.min(0.4, 0.12 * unknown.length);
    reasons.push(`words not read: ${unknown.map((w) => `"${w}"`).join(', ')}`);
  }
  score = Math.max(0.1, Math.round(score * 100) / 100);
  const level = score >= 0.85 ? 'high' : score >= 0.6 ? 'medium' : 'low';
  return {
    level,
    score,
    reason: reasons.length
      ? `Read with assumptions: ${reasons.join('; ')}.`
      : 'Every part of the question was read; the metric has one definition.'
  };
}

/** Three questions the analyst can answer next, each checked to compile. */
function followUpsFor(q: SemanticQuery, profile: AnalystContext['profile']): string[] {
  const metric = metrics[q.metric];
  const candidates: SemanticQuery[] = [];
  const base: SemanticQuery = {
    ...q,
    rank: undefined,
    groupBy: undefined,
    compare: undefined,
    share: false
  };
  if (metric.time && !q.compare)
    candidates.push({
      ...base,
      window: q.window.kind === 'all' ? { kind: 'this_month' } : q.window,
      compare: { as: 'percent_change' }
    });
  const dims: DimensionId[] = ['region', 'tier', 'reason', 'processor', 'feature', 'month'];
  for (const d of dims) {
    if (d === q.groupBy || q.filters.some((f) => f.kind === 'value' && f.dimension === d)) continue;
    if (!dimensionExpr(metric, d)) continue;
    candidates.push({ ...base, groupBy: d });
    if (candidates.length >= 3) break;
  }
  if (q.groupBy !== 'customer' && dimensionExpr(metric, 'customer') && metric.unit !== 'percent')
    candidates.splice(2, 0, { ...base, groupBy: 'customer', rank: { order: 'desc', limit: 5 } });
  if (metric.time && q.window.kind !== 'last_days')
    candidates.push({ ...base, window: { kind: 'last_days', n: 30 } });
  const seen = new Set<string>();
  const out: string[] = [];
  for (const c of candidates) {
    const text = questionFor(c);
    if (seen.has(text)) continue;
    const parsed = parseQuestion(text, profile);
    if (!parsed.ok) continue;
    try {
      compile(parsed.reading.query, profile.asOf);
    } catch {
      continue;
    }
    seen.add(text);
    out.push(text);
    if (out.length === 3) break;
  }
  for (const e of exampleQuestions) if (out.length < 3 && !seen.has(e)) out.push(e);
  return out;
}

function refusal(question: string, reason: string, suggestions: readonly string[]): AnalystAnswer {
  return {
    question,
    reading: null,
    sql: null,
    columns: [],
    rows: [],
    answer: { kind: 'none', reason },
    text: reason,
    confidence: {
      level: 'low',
      score: 0,
      reason: 'The question could not be read, so nothing was run.'
    },
    followUps: [...suggestions].slice(0, 3),
    chart: 'none',
    alternative: null,
    definitions: [],
    source: 'semantic',
    query: null,
    window: null
  };
}

/** Answers a semantic query: compile, run, shape. */
export async function answerQuery(
  question: string,
  reading: Reading,
  ctx: AnalystContext,
  extras: { unknown: readonly string[]; alternative: Reading | null; source: 'semantic' | 'model' }
): Promise<AnalystAnswer> {
  const q = reading.query;
  const { profile } = ctx;
  let compiled;
  try {
    compiled = compile(q, profile.asOf);
  } catch (error) {
    if (error instanceof CompileError)
      return refusal(
        question,
        error.message,
        followUpsFor({ ...q, filters: [], part: [], groupBy: undefined, rank: undefined }, profile)
      );
    throw error;
  }
  const result = await ctx.engine.query(compiled.sql);
  const shaped = shapeAnswer(
    q,
    compiled,
    result,
    profile.asOf,
    profile.coverage[compiled.metric.table]
  );
  const confidence = confidenceOf(reading, extras.unknown, extras.alternative !== null);
  return {
    question,
    reading: readingText(q, profile.asOf),
    sql: compiled.sql,
    columns: result.columns.map((c) => c.name),
    rows: result.rows,
    answer: shaped.answer,
    text: shaped.text,
    confidence:
      extras.source === 'model'
        ? {
            level: 'medium',
            score: Math.min(confidence.score, 0.8),
            reason: `The model chose this reading; ${confidence.reason}`
          }
        : confidence,
    followUps: followUpsFor(q, profile),
    chart: shaped.chart,
    alternative: extras.alternative ? questionFor(extras.alternative.query) : null,
    definitions: [{ metric: compiled.metric.label, definition: compiled.metric.definition }],
    source: extras.source,
    query: q,
    window: compiled.metric.time ? spanLabel(compiled.span) : `as of ${profile.asOf}`
  };
}

/** Runs SQL typed by a person or written by a model, through the one validator. */
export async function runSql(
  question: string,
  sql: string,
  ctx: AnalystContext,
  source: 'model' | 'sql'
): Promise<AnalystAnswer> {
  const guarded = guardSql(sql, ctx.profile.tables);
  if (!guarded.ok)
    return {
      ...refusal(question, `Refused: ${guarded.reason}`, []),
      confidence: {
        level: 'low',
        score: 0,
        reason: `${source === 'model' ? "The model's" : 'Your'} SQL was refused by the read-only check, so nothing ran.`
      },
      sql,
      source,
      followUps: exampleQuestions.slice(0, 3)
    };
  const result = await ctx.engine.query(guarded.sql);
  const columns = result.columns.map((c) => c.name);
  const single =
    result.rows.length === 1 && columns.length === 1
      ? result.rows[0]?.[columns[0] as string]
      : undefined;
  const answer: Answer =
    typeof single === 'number'
      ? { kind: 'number', value: Math.round(single * 100) / 100 }
      : typeof single === 'string'
        ? { kind: 'entity', value: single }
        : result.rows.length === 0
          ? { kind: 'none', reason: 'The query returned no rows.' }
          : { kind: 'list', value: result.rows.map((r) => String(r[columns[0] as string])) };
  const who = source === 'model' ? 'SQL written by the model' : 'your SQL';
  return {
    question,
    reading:
      source === 'model'
        ? 'the model wrote SQL for this (outside the semantic layer)'
        : 'SQL from the editor',
    sql,
    columns,
    rows: result.rows,
    answer,
    text:
      answer.kind === 'none'
        ? `${who[0]?.toUpperCase()}${who.slice(1)} returned no rows.`
        : `${result.rows.length} row${result.rows.length === 1 ? '' : 's'} from ${who}${answer.kind === 'number' || answer.kind === 'entity' ? `: ${answer.value}` : ''}.`,
    confidence: {
      level: source === 'model' ? 'low' : 'medium',
      score: source === 'model' ? 0.5 : 0.7,
      reason:
        source === 'model'
          ? 'Model SQL, not confirmed by the semantic layer: check the SQL.'
          : 'Your SQL ran as written (validated read-only); the analyst did not check what it means.'
    },
    followUps: exampleQuestions.slice(0, 3),
    chart:
      result.rows.length === 1 && columns.length === 1
        ? 'figure'
        : columns.length === 2 && typeof result.rows[0]?.[columns[1] as string] === 'number'
          ? 'bar'
          : 'table',
    alternative: null,
    definitions: [],
    source,
    query: null,
    window: null
  };
}

export function schemaSummary(profile: AnalystContext['profile']): SchemaSummary {
  return {
    asOf: profile.asOf,
    tables: profile.tables.map((name) => ({ name, columns: profile.columns[name] ?? [] })),
    metrics: Object.values(metrics).map((m) => ({ id: m.id, definition: m.definition })),
    dimensions: [...dimensionIds],
    values: profile.values
  };
}

/** Answers one question: the parser first; a model (when given) for what the parser cannot read. */
export async function ask(question: string, ctx: AnalystContext): Promise<AnalystAnswer> {
  const parsed = parseQuestion(question, ctx.profile);
  if (parsed.ok)
    return answerQuery(question, parsed.reading, ctx, {
      unknown: parsed.unknown,
      alternative: parsed.alternative,
      source: 'semantic'
    });
  if (!ctx.model || question.trim().length > 2000)
    return refusal(question, parsed.reason, parsed.suggestions);
  const schema = schemaSummary(ctx.profile);
  const fallback = (why: string) =>
    refusal(question, `${parsed.reason} (${why})`, parsed.suggestions);
  let reply = modelReplySchema.safeParse(await ctx.model.mapQuestion(question, schema));
  if (!reply.success) return fallback("The model's reply was not usable.");
  const first = reply.data;
  if ('query' in first) {
    let compiles = true;
    try {
      compile(first.query, ctx.profile.asOf);
    } catch (error) {
      if (!(error instanceof CompileError)) throw error;
      compiles = false;
    }
    // The semantic path is preferred whenever the model's query compiles.
    if (compiles || !first.sql) {
      const semantic = await answerQuery(question, { query: first.query, assumptions: [] }, ctx, {
        unknown: [],
        alternative: null,
        source: 'model'
      });
      return first.sql && semantic.answer.kind !== 'none'
        ? confirmWithSql(semantic, first.sql, ctx)
        : semantic;
    }
  }
  const sql = first.sql ?? '';
  try {
    return await runSql(question, sql, ctx, 'model');
  } catch (error) {
    // A binder error goes back to the model once, with the schema.
    const message = error instanceof Error ? error.message : String(error);
    reply = modelReplySchema.safeParse(
      await ctx.model.mapQuestion(question, schema, { sql, error: message })
    );
    if (!reply.success || !reply.data.sql)
      return refusal(question, `The model's SQL failed: ${message}`, parsed.suggestions);
    return runSql(question, reply.data.sql, ctx, 'model');
  }
}

function sameAnswer(a: Answer, b: Answer): boolean {
  if (a.kind === 'number' && b.kind === 'number')
    return Math.abs(a.value - b.value) <= 0.005 + 1e-6 * Math.abs(a.value);
  if (a.kind === 'entity' && b.kind === 'entity') return a.value === b.value;
  if (a.kind === 'list' && b.kind === 'list')
    return a.value.length === b.value.length && a.value.every((v, i) => v === b.value[i]);
  return false;
}

/**
 * The model gave a semantic reading and SQL for it: the SQL runs through the guard, and when
 * both give the same answer the reading is confirmed; when they differ the semantic answer
 * stands (the layer's definitions win) with a lower confidence and the difference said.
 */
async function confirmWithSql(
  semantic: AnalystAnswer,
  sql: string,
  ctx: AnalystContext
): Promise<AnalystAnswer> {
  let check: AnalystAnswer | null = null;
  try {
    check = await runSql(semantic.question, sql, ctx, 'model');
  } catch {
    check = null;
  }
  if (check && sameAnswer(semantic.answer, check.answer))
    return {
      ...semantic,
      confidence: {
        level: 'high',
        score: Math.max(semantic.confidence.score, 0.9),
        reason:
          "Confirmed: the model's reading through the semantic layer and its own SQL give the same answer."
      }
    };
  const why = !check
    ? "the model's SQL to confirm it did not run"
    : check.answer.kind === 'none' && check.text.startsWith('Refused:')
      ? `the model's SQL to confirm it was ${check.text.replace(/^Refused: /, 'refused: ')}`
      : "the model's SQL to confirm it gave a different answer";
  return {
    ...semantic,
    confidence: {
      level: 'low',
      score: Math.min(semantic.confidence.score, 0.5),
      reason: `Not confirmed: ${why}; the semantic layer's answer is shown.`
    }
  };
}
