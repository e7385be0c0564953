/**
 * The executive summary of a run, written from the ranked cases by rule (an LLM may rewrite it
 * later behind the same call). Deterministic: same cases, same words.
 */
import type { TriageCase } from './schemas/case';
import type { AnomalyType } from './schemas/finding';
import type { Signal } from './schemas/signal';

const TYPE_NAMES: Readonly<Record<AnomalyType, string>> = {
  duplicate_refund: 'duplicate refund',
  underbilling: 'underbilled invoice',
  tier_mismatch: 'tier mismatch',
  refund_spike: 'refund spike',
  manual_credit: 'manual credit'
};

const money = (n: number) =>
  `$${n.toLocaleString('en-US', { minimumFractionDigits: 0, maximumFractionDigits: 2 })}`;

export function executiveSummary(input: {
  trigger: Signal | null;
  cases: readonly TriageCase[];
  skipped: readonly { detector: string; reason: string }[];
  asOf: string | null;
}): string {
  const { trigger, cases, skipped } = input;
  const parts: string[] = [];
  parts.push(
    trigger
      ? `Triggered by ${trigger.severity} signal ${trigger.id}: ${trigger.message}.`
      : 'Scheduled investigation (no signal).'
  );
  if (cases.length === 0) {
    parts.push(`No revenue leaks found in data up to ${input.asOf ?? 'the latest day'}.`);
  } else {
    const total = cases.reduce((s, c) => s + c.estimatedImpact, 0);
    const byType = new Map<AnomalyType, number>();
    for (const c of cases) byType.set(c.type, (byType.get(c.type) ?? 0) + 1);
    const kinds = [...byType]
      .map(([t, n]) => `${n} ${TYPE_NAMES[t]}${n === 1 ? '' : 's'}`)
      .join(', ');
    const urgent = cases.filter((c) => c.severity === 'high' || c.severity === 'critical').length;
    parts.push(
      `${cases.length} case${cases.length === 1 ? '' : 's'} worth ${money(total)} (${kinds}); ${urgent} high or critical.`
    );
    const top = cases[0] as TriageCase;
    parts.push(`Top: ${top.title} (${top.severity}, ${money(top.estimatedImpact)}).`);
    const risky = cases.filter((c) => c.sentiment.risk === 'high').length;
    if (risky > 0) parts.push(`${risky} case(s) carry high-risk notes (chargeback, dispute, ...).`);
  }
  if (skipped.length > 0)
    parts.push(`Skipped: ${skipped.map((s) => `${s.detector} (${s.reason})`).join('; ')}.`);
  return parts.join(' ');
}
