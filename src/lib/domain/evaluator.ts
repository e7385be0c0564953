/**
 * The rule evaluator: judges a run's cases, and how people's feedback on them turned out, on
 * three 1–5 scales plus per-detector precision and confidence calibration, with plain-English
 * advice. Pure and deterministic (no clock, no randomness): the same cases and feedback give the
 * same evaluation, which is plain JSON so the state worker can store it as an evaluation's
 * metrics.
 *
 *   actionability  share of cases whose recommended action names a concrete id (INV…, REF…,
 *                  or the case's region) and which are still actionable (open or approved)
 *   specificity    share of cases whose evidence has a rule hit with a number and names ids
 *   correctness    share of reviewed cases people approved; 3 until there is feedback
 *
 * A share s maps to 1 + round(4s). Feedback applies to a case by its key (the stable finding
 * key); pass it latest first: the first verdict seen for a key is the one that counts.
 * Precision is approved / (approved + false positives): a rejection says "real, but not worth
 * acting on", so it counts as reviewed but neither for nor against precision.
 */
import { z } from 'zod';
import type { TriageCase } from './schemas/case';
import { anomalyTypes, type AnomalyType } from './schemas/finding';

export type EvaluationVerdict = 'approve' | 'reject' | 'false_positive';

export interface EvaluationFeedback {
  caseKey: string;
  anomalyType: string;
  verdict: EvaluationVerdict;
}

export interface EvaluationInput {
  cases: readonly TriageCase[];
  /** Latest first; the first verdict per case key wins. */
  feedback: readonly EvaluationFeedback[];
}

/** Fewer judged cases than this (in a detector, a bucket or overall) is too few to judge calibration. */
export const MIN_REVIEWS_FOR_CALIBRATION = 3;
/** Stated confidence and observed precision further apart than this is miscalibrated. */
export const CALIBRATION_TOLERANCE = 0.15;
/** Above this false-positive rate the evaluator says so. */
export const HIGH_FP_RATE = 0.3;

export const CONFIDENCE_BUCKETS = [
  { label: '[0, 0.65)', min: 0, max: 0.65 },
  { label: '[0.65, 0.85)', min: 0.65, max: 0.85 },
  { label: '[0.85, 1]', min: 0.85, max: 1.000_001 }
] as const;

const scaleSchema = z.object({
  value: z.number().int().min(1).max(5),
  why: z.string()
});
export type EvaluationScale = z.infer<typeof scaleSchema>;

export const detectorEvaluationSchema = z.object({
  cases: z.number().int().nonnegative(),
  reviewed: z.number().int().nonnegative(),
  approved: z.number().int().nonnegative(),
  rejected: z.number().int().nonnegative(),
  falsePositives: z.number().int().nonnegative(),
  /** approved / (approved + false positives), 2 decimals; null when neither. */
  precision: z.number().min(0).max(1).nullable(),
  /** Mean stated confidence of its approved and false-positive cases; null when none. */
  meanConfidence: z.number().min(0).max(1).nullable()
});
export type DetectorEvaluation = z.infer<typeof detectorEvaluationSchema>;

export const calibrationBucketSchema = z.object({
  label: z.string(),
  cases: z.number().int().nonnegative(),
  reviewed: z.number().int().nonnegative(),
  /** Mean stated confidence of the bucket's approved and false-positive cases; null when none. */
  meanConfidence: z.number().min(0).max(1).nullable(),
  /** approved / (approved + false positives) in the bucket; null when neither. */
  precision: z.number().min(0).max(1).nullable(),
  /** meanConfidence − precision: above 0 is overconfident, below 0 underconfident. */
  gap: z.number().min(-1).max(1).nullable()
});
export type CalibrationBucket = z.infer<typeof calibrationBucketSchema>;

export const evaluationSchema = z.object({
  actionability: scaleSchema,
  correctness: scaleSchema,
  specificity: scaleSchema,
  /** Overall 1–5: mean of the three scales, 1 decimal. */
  score: z.number().min(1).max(5),
  cases: z.number().int().nonnegative(),
  /** Cases with a verdict. */
  reviewed: z.number().int().nonnegative(),
  /** Feedback whose key names no case of this run (ignored). */
  unmatchedFeedback: z.number().int().nonnegative(),
  /** False-positive verdicts / all verdicts that apply, 2 decimals; null without feedback. */
  falsePositiveRate: z.number().min(0).max(1).nullable(),
  perDetector: z.record(z.enum(anomalyTypes), detectorEvaluationSchema),
  calibration: z.array(calibrationBucketSchema),
  advice: z.array(z.string())
});
export type Evaluation = z.infer<typeof evaluationSchema>;

const round2 = (x: number) => Math.round(x * 100) / 100;
const mean = (xs: readonly number[]) =>
  xs.length === 0 ? null : round2(xs.reduce((s, x) => s + x, 0) / xs.length);
const ratio = (n: number, d: number) => (d === 0 ? null : round2(n / d));
const toScale = (share: number) => 1 + Math.round(4 * share);
const percent = (share: number) => `${Math.round(share * 100)}%`;
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

const TYPE_NAMES: Readonly<Record<AnomalyType, string>> = {
  duplicate_refund: 'Duplicate refund',
  underbilling: 'Underbilling',
  tier_mismatch: 'Tier mismatch',
  refund_spike: 'Refund spike',
  manual_credit: 'Manual credit'
};

/** What to do about a detector that claims more confidence than its reviews bear out. */
const OVERCONFIDENT_REMEDY: Readonly<Record<AnomalyType, string>> = {
  duplicate_refund: 'lower confidence or narrow the duplicate window (duplicate_window_hours)',
  underbilling: 'lower confidence or raise the gap threshold (underbilling_min_gap)',
  tier_mismatch: 'lower confidence or check the plan mapping and tier change dates',
  refund_spike: 'lower confidence or raise the spike ratio (spike_ratio)',
  manual_credit: 'lower confidence or raise the manual credit bar (manual_credit_bar)'
};

const inBucket = (c: Pick<TriageCase, 'confidence'>, b: { min: number; max: number }) =>
  c.confidence >= b.min && c.confidence < b.max;

const ID_IN_TEXT = /\b(?:INV|REF)[A-Za-z0-9_-]*\d/;
const ACTIONABLE_STATUSES: ReadonlySet<TriageCase['status']> = new Set(['open', 'approved']);

/** The recommended action names an invoice, a refund, or the case's own region. */
export function namesConcreteId(c: Pick<TriageCase, 'recommendedAction' | 'entities'>): boolean {
  if (ID_IN_TEXT.test(c.recommendedAction)) return true;
  const region = c.entities.region;
  return region !== undefined && region !== '' && c.recommendedAction.includes(region);
}

/** The evidence has a rule hit with a number and the case names at least one id. */
export function isSpecific(c: Pick<TriageCase, 'rules' | 'entities'>): boolean {
  const numeric = c.rules.some(
    (r) =>
      (typeof r.observed === 'number' && Number.isFinite(r.observed)) ||
      (typeof r.threshold === 'number' && Number.isFinite(r.threshold))
  );
  const e = c.entities;
  const ids = [e.invoice_id, e.refund_id, e.customer_id, e.region, ...(e.refund_ids ?? [])];
  return numeric && ids.some((id) => id !== undefined && id !== '');
}

/** The first verdict per key (feedback is latest first). */
function latestVerdicts(feedback: readonly EvaluationFeedback[]): Map<string, EvaluationVerdict> {
  const out = new Map<string, EvaluationVerdict>();
  for (const f of feedback) if (!out.has(f.caseKey)) out.set(f.caseKey, f.verdict);
  return out;
}

interface Reviewed {
  c: TriageCase;
  verdict: EvaluationVerdict;
}

const judged = (rs: readonly Reviewed[]) => rs.filter((r) => r.verdict !== 'reject');
const countOf = (rs: readonly Reviewed[], v: EvaluationVerdict) =>
  rs.filter((r) => r.verdict === v).length;

export function evaluateRun(input: EvaluationInput): Evaluation {
  const { cases } = input;
  const verdicts = latestVerdicts(input.feedback);
  const caseKeys = new Set(cases.map((c) => c.key));
  // One case per key: a run never repeats a key, but be safe about it.
  const seen = new Set<string>();
  const reviewed: Reviewed[] = [];
  for (const c of cases) {
    const verdict = verdicts.get(c.key);
    if (verdict === undefined || seen.has(c.key)) continue;
    seen.add(c.key);
    reviewed.push({ c, verdict });
  }
  const unmatchedFeedback = [...verdicts.keys()].filter((k) => !caseKeys.has(k)).length;
  const approved = countOf(reviewed, 'approve');
  const falsePositives = countOf(reviewed, 'false_positive');

  const actionability = shareScale(
    cases.filter((c) => namesConcreteId(c) && ACTIONABLE_STATUSES.has(c.status)).length,
    cases.length,
    (n, total) =>
      `${n} of ${total} cases recommend an action on a named invoice, refund or region and are still open.`
  );
  const specificity = shareScale(
    cases.filter(isSpecific).length,
    cases.length,
    (n, total) => `${n} of ${total} cases cite rule hits with numbers and name the ids involved.`
  );
  const correctness: EvaluationScale =
    reviewed.length === 0
      ? { value: 3, why: 'No feedback yet: neutral until people review cases.' }
      : {
          value: toScale(approved / reviewed.length),
          why: `${approved} of ${reviewed.length} reviewed cases were approved (${falsePositives} false positive, ${reviewed.length - approved - falsePositives} rejected).`
        };

  const perDetector = Object.fromEntries(
    anomalyTypes.map((type) => {
      const rs = reviewed.filter((r) => r.c.type === type);
      const a = countOf(rs, 'approve');
      const fp = countOf(rs, 'false_positive');
      const detector: DetectorEvaluation = {
        cases: cases.filter((c) => c.type === type).length,
        reviewed: rs.length,
        approved: a,
        rejected: countOf(rs, 'reject'),
        falsePositives: fp,
        precision: ratio(a, a + fp),
        meanConfidence: mean(judged(rs).map((r) => r.c.confidence))
      };
      return [type, detector];
    })
  ) as Record<AnomalyType, DetectorEvaluation>;

  const calibration: CalibrationBucket[] = CONFIDENCE_BUCKETS.map((b) => {
    const rs = reviewed.filter((r) => inBucket(r.c, b));
    const j = judged(rs);
    const meanConfidence = mean(j.map((r) => r.c.confidence));
    const precision = ratio(countOf(j, 'approve'), j.length);
    return {
      label: b.label,
      cases: cases.filter((c) => inBucket(c, b)).length,
      reviewed: rs.length,
      meanConfidence,
      precision,
      gap: meanConfidence === null || precision === null ? null : round2(meanConfidence - precision)
    };
  });

  const falsePositiveRate = ratio(falsePositives, reviewed.length);
  const advice = adviseOn({
    cases,
    reviewed,
    perDetector,
    calibration,
    falsePositiveRate,
    actionability,
    specificity
  });
  const score =
    Math.round(((actionability.value + correctness.value + specificity.value) / 3) * 10) / 10;

  return evaluationSchema.parse({
    actionability,
    correctness,
    specificity,
    score,
    cases: cases.length,
    reviewed: reviewed.length,
    unmatchedFeedback,
    falsePositiveRate,
    perDetector,
    calibration,
    advice
  });
}

function shareScale(
  n: number,
  total: number,
  why: (n: number, total: number) => string
): EvaluationScale {
  if (total === 0) return { value: 3, why: 'No cases in this run: nothing to judge.' };
  return { value: toScale(n / total), why: why(n, total) };
}

function adviseOn(e: {
  cases: readonly TriageCase[];
  reviewed: readonly Reviewed[];
  perDetector: Record<AnomalyType, DetectorEvaluation>;
  calibration: readonly CalibrationBucket[];
  falsePositiveRate: number | null;
  actionability: EvaluationScale;
  specificity: EvaluationScale;
}): string[] {
  const advice: string[] = [];
  const judgedTotal = judged(e.reviewed).length;
  if (e.cases.length > 0 && judgedTotal < MIN_REVIEWS_FOR_CALIBRATION) {
    const more = MIN_REVIEWS_FOR_CALIBRATION - judgedTotal;
    advice.push(
      `Not enough feedback to judge calibration: review at least ${plural(more, 'more case')} (approve or mark false positive; ${judgedTotal} so far).`
    );
  }

  for (const type of anomalyTypes) {
    const d = e.perDetector[type];
    const n = d.approved + d.falsePositives;
    if (d.precision === null || d.meanConfidence === null || n < MIN_REVIEWS_FOR_CALIBRATION)
      continue;
    const gap = d.meanConfidence - d.precision;
    const stated = d.meanConfidence.toFixed(2);
    if (gap > CALIBRATION_TOLERANCE) {
      advice.push(
        `${TYPE_NAMES[type]}: stated confidence ${stated} but ${d.falsePositives} of ${n} reviewed were false positives — ${OVERCONFIDENT_REMEDY[type]}.`
      );
    } else if (gap < -CALIBRATION_TOLERANCE) {
      advice.push(
        `${TYPE_NAMES[type]}: stated confidence ${stated} but ${d.approved} of ${n} reviewed were approved — its confidence could be raised.`
      );
    }
  }

  for (const [i, b] of e.calibration.entries()) {
    const bucket = CONFIDENCE_BUCKETS[i];
    const n = judged(
      e.reviewed.filter((r) => bucket !== undefined && inBucket(r.c, bucket))
    ).length;
    if (b.gap === null || n < MIN_REVIEWS_FOR_CALIBRATION) continue;
    if (Math.abs(b.gap) > CALIBRATION_TOLERANCE)
      advice.push(
        `Cases with confidence in ${b.label} claim ${b.meanConfidence?.toFixed(2)} on average but ${percent(b.precision ?? 0)} of ${n} reviewed held up: ${b.gap > 0 ? 'overconfident' : 'underconfident'} by ${Math.abs(b.gap).toFixed(2)}.`
      );
  }

  if (e.falsePositiveRate !== null && e.falsePositiveRate > HIGH_FP_RATE)
    advice.push(
      `${percent(e.falsePositiveRate)} of reviewed cases were false positives: let the memory agent learn from them, then rerun.`
    );
  if (e.cases.length > 0 && e.actionability.value <= 3)
    advice.push(
      'Many cases lack an open action on a named invoice, refund or region: review dismissed cases or make recommendations name their ids.'
    );
  if (e.cases.length > 0 && e.specificity.value <= 3)
    advice.push(
      'Many cases lack numeric rule evidence or entity ids: check the detectors return their rule hits and ids.'
    );
  return advice;
}
