/**
 * What the model may see of a run: aggregates, signal messages and case evidence (facts,
 * entities, rules), never raw rows; and the grounding check that every number in a model's
 * prose comes from that evidence.
 */
import type { TriageCase } from '../../domain/schemas/case';
import type { Signal } from '../../domain/schemas/signal';

export function signalData(signals: readonly Signal[], limit = 20) {
  return signals.slice(0, limit).map((s) => ({
    id: s.id,
    severity: s.severity,
    type: s.type,
    source: s.source,
    relatedEntity: s.relatedEntity,
    message: s.message,
    metric: s.metric,
    focus: s.focus
  }));
}

export function caseEvidence(c: TriageCase) {
  return {
    key: c.key,
    type: c.type,
    title: c.title,
    severity: c.severity,
    confidence: c.confidence,
    confidenceLabel: c.confidenceLabel,
    estimatedImpact: c.estimatedImpact,
    status: c.status,
    entities: c.entities,
    facts: c.facts,
    rules: c.rules.map((r) => ({ rule: r.rule, threshold: r.threshold, observed: r.observed })),
    corroboratedBy: c.corroboratedBy
  };
}

/** Numbers written in prose ($1,234.50, 12%, 3×), outside identifiers like INV008 or C-1. */
const NUMBER = /(?<![\w.-])\$?(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?/g;

function collectNumbers(x: unknown, out: Set<number>): void {
  if (typeof x === 'number' && Number.isFinite(x)) out.add(x);
  else if (typeof x === 'string') {
    for (const m of x.matchAll(NUMBER)) out.add(Number(`${m[1]?.replace(/,/g, '')}${m[2] ?? ''}`));
  } else if (Array.isArray(x)) x.forEach((v) => collectNumbers(v, out));
  else if (x && typeof x === 'object') Object.values(x).forEach((v) => collectNumbers(v, out));
}

/** Every number the evidence holds, with counts, totals and their roundings. */
export function groundedNumbers(evidence: unknown, extra: readonly number[] = []): Set<number> {
  const raw = new Set<number>(extra);
  collectNumbers(evidence, raw);
  const out = new Set<number>();
  for (const n of raw) {
    out.add(n);
    out.add(Math.round(n));
    out.add(Math.round(n * 100) / 100);
    out.add(Math.round(n * 10) / 10);
    if (n > 0 && n <= 1) out.add(Math.round(n * 100)); // 0.85 → 85%
  }
  return out;
}

/** The first number in `text` that the evidence does not hold, or null. */
export function ungroundedNumber(text: string, allowed: ReadonlySet<number>): string | null {
  const withoutDates = text.replace(/\b\d{4}-\d{2}-\d{2}(T[\d:.]+Z?)?\b/g, ' ');
  for (const m of withoutDates.matchAll(NUMBER)) {
    const n = Number(`${m[1]?.replace(/,/g, '')}${m[2] ?? ''}`);
    if (!allowed.has(n)) return m[0];
  }
  return null;
}

/** Totals a summary may state: case counts, per severity and type, impact sums. */
export function runTotals(cases: readonly TriageCase[]): number[] {
  const total = cases.reduce((s, c) => s + c.estimatedImpact, 0);
  const counts = new Map<string, number>();
  const sums = new Map<string, number>();
  for (const c of cases) {
    for (const k of [c.type, c.severity, c.confidenceLabel]) {
      counts.set(k, (counts.get(k) ?? 0) + 1);
      sums.set(k, (sums.get(k) ?? 0) + c.estimatedImpact);
    }
  }
  return [cases.length, total, ...counts.values(), ...sums.values()];
}
