/**
 * Scoring: turns a finding into a rankable case. Severity follows the money at stake (after
 * the memory's false-positive penalty), raised one level when the notes carry high billing risk;
 * confidence is the detector's strength, nudged up by a corroborating signal and by risky notes,
 * and labelled; a remembered false-positive penalty p scales the impact by (1 − p) and drops the
 * confidence label one level.
 */
import type { MemoryValues } from './memory';
import { type ConfidenceLabel, type ScoredFinding } from './schemas/case';
import type { AnomalyType, Finding } from './schemas/finding';
import { severities, severityRank, type Severity } from './schemas/signal';
import { analyzeSentiment, type SentimentResult } from './sentiment';

/** Impact bands: the lowest impact (dollars, after penalty) of each severity. */
export const SEVERITY_BANDS: readonly { min: number; severity: Severity }[] = [
  { min: 5000, severity: 'critical' },
  { min: 250, severity: 'high' },
  { min: 50, severity: 'medium' },
  { min: 0, severity: 'low' }
];

/** Money that already left (a duplicate refund) is never below medium. */
const SEVERITY_FLOOR: Readonly<Record<AnomalyType, Severity>> = {
  duplicate_refund: 'medium',
  underbilling: 'low',
  tier_mismatch: 'medium',
  refund_spike: 'medium',
  manual_credit: 'low'
};

export const CONFIDENCE_BARS: readonly { min: number; label: ConfidenceLabel }[] = [
  { min: 0.85, label: 'high' },
  { min: 0.65, label: 'medium' },
  { min: 0, label: 'low' }
];

const CORROBORATION_BONUS = 0.05;
const RISKY_NOTES_BONUS = 0.03;
const MAX_CONFIDENCE = 0.99;

export function severityFor(type: AnomalyType, impact: number, risk: SentimentResult['risk']) {
  const band = SEVERITY_BANDS.find((b) => impact >= b.min)?.severity ?? 'low';
  let rank = Math.max(severityRank(band), severityRank(SEVERITY_FLOOR[type]));
  if (risk === 'high') rank += 1;
  return severities[Math.min(rank, severities.length - 1)] as Severity;
}

export function confidenceLabel(confidence: number, penalty: number): ConfidenceLabel {
  const index = CONFIDENCE_BARS.findIndex((b) => confidence >= b.min);
  const dropped = penalty > 0 ? index + 1 : index;
  return CONFIDENCE_BARS[Math.min(dropped, CONFIDENCE_BARS.length - 1)]?.label ?? 'low';
}

/**
 * The confidence a person sees once a type has a false-positive penalty p: the label drops one
 * level, and the probability is scaled by (1 − p) and kept inside the dropped label's band, so
 * the number and the label never disagree (0.99 with p = 0.15 → 0.842, medium).
 */
export function penalisedConfidence(
  confidence: number,
  penalty: number
): { confidence: number; label: ConfidenceLabel } {
  const label = confidenceLabel(confidence, penalty);
  if (penalty <= 0) return { confidence, label };
  const index = CONFIDENCE_BARS.findIndex((b) => b.label === label);
  const min = CONFIDENCE_BARS[index]?.min ?? 0;
  const max = index === 0 ? MAX_CONFIDENCE : (CONFIDENCE_BARS[index - 1]?.min ?? 1) - 0.001;
  const scaled = Math.round(confidence * (1 - penalty) * 1000) / 1000;
  return { confidence: Math.min(max, Math.max(min, scaled)), label };
}

export function penaltyFor(type: AnomalyType, memory: MemoryValues): number {
  return memory[`fp_penalty_${type}`];
}

/** What a person should do next, per type, with the finding's own ids. */
export function recommendedAction(f: Finding): string {
  const e = f.entities;
  switch (f.type) {
    case 'duplicate_refund':
      return `Recover or reverse duplicate refund ${e.refund_ids?.[1] ?? ''} (keep ${e.refund_ids?.[0] ?? ''}) and check the refund tool for double submission.`;
    case 'underbilling':
      return `Re-bill the $${f.rawImpact} gap on ${e.invoice_id ?? ''} and correct the price on the subscription.`;
    case 'tier_mismatch':
      return `Re-issue ${e.invoice_id ?? ''} on the ${String(f.facts['contracted_tier'] ?? 'contracted')} tier, bill the $${f.rawImpact} gap and fix the plan mapping.`;
    case 'refund_spike':
      return `Review the ${e.refund_ids?.length ?? 0} refunds in ${e.region ?? ''} on ${e.date ?? ''} for a common cause (outage, release, abuse) and hold further refunds there until explained.`;
    case 'manual_credit':
      return `Confirm who approved manual credit ${e.refund_id ?? ''}; document it or claw it back.`;
  }
}

/** Scores one finding; `corroboratedBy` lists the signals that point at its entities. */
export function scoreFinding(
  finding: Finding,
  memory: MemoryValues,
  corroboratedBy: readonly string[]
): ScoredFinding {
  const sentiment = analyzeSentiment([
    { source: 'evidence', text: finding.summary },
    ...finding.notes
  ]);
  const penalty = penaltyFor(finding.type, memory);
  const estimatedImpact = Math.round(finding.rawImpact * (1 - penalty) * 100) / 100;
  const noteRisk = analyzeSentiment(finding.notes).risk;
  let confidence = finding.strength;
  if (corroboratedBy.length > 0) confidence += CORROBORATION_BONUS;
  if (noteRisk !== 'low') confidence += RISKY_NOTES_BONUS;
  confidence = Math.round(Math.min(MAX_CONFIDENCE, confidence) * 1000) / 1000;
  const stated = penalisedConfidence(confidence, penalty);
  return {
    ...finding,
    severity: severityFor(finding.type, estimatedImpact, noteRisk),
    confidence: stated.confidence,
    confidenceLabel: stated.label,
    estimatedImpact,
    penalty,
    recommendedAction: recommendedAction(finding),
    sentiment,
    corroboratedBy: [...corroboratedBy]
  };
}

/** Severity first, then impact, then key (so equal cases keep a stable order). */
export function rankFindings<T extends ScoredFinding>(cases: readonly T[]): T[] {
  return [...cases].sort(
    (a, b) =>
      severityRank(b.severity) - severityRank(a.severity) ||
      b.estimatedImpact - a.estimatedImpact ||
      a.key.localeCompare(b.key)
  );
}
