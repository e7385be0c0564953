/**
 * The executive summary of a run, written from the ranked cases by rule (an LLM may rewrite it
 * later behind the same call). Deterministic: same cases, same words.
 */
import type { TriageCase } from './schemas/case';
import type { AnomalyType } from './schemas/finding';
import { plural } from './plural';
import { quoteFromData, signalAttribution } from './display-text';
import type { Signal } from './schemas/signal';

const TYPE_NAMES: Readonly<Record<AnomalyType, readonly [one: string, many: string]>> = {
  duplicate_refund: ['duplicate refund', 'duplicate refunds'],
  underbilling: ['underbilled invoice', 'underbilled invoices'],
  tier_mismatch: ['tier mismatch', 'tier mismatches'],
  refund_spike: ['refund spike', 'refund spikes'],
  manual_credit: ['manual credit', 'manual credits']
};

const money = (n: number) =>
  `$${n.toLocaleString('en-US', { minimumFractionDigits: 0, maximumFractionDigits: 2 })}`;

/**
 * The trigger in OpsIQ's words. A signal from the `signal_events` table carries a message
 * written by whoever sent it: it is quoted and attributed, never repeated as OpsIQ's own.
 */
export function triggerSentence(trigger: Signal): string {
  if (trigger.origin === 'computed') {
    return `Triggered by a ${trigger.severity} signal OpsIQ computed from the data: ${trigger.message}.`;
  }
  return `Triggered by ${trigger.severity} ${signalAttribution(trigger)}, whose message reads ${quoteFromData(trigger.message)}.`;
}

/** The plan's objective, in OpsIQ's words: the signal named, its message left to the trigger. */
export function planObjective(trigger: Signal | null): string {
  if (!trigger) return 'Scheduled sweep for revenue leaks.';
  if (trigger.origin === 'computed') {
    return `Explain the signal OpsIQ computed from the data (${trigger.message}) and sweep for other revenue leaks.`;
  }
  return `Explain ${signalAttribution(trigger)} and sweep for other revenue leaks.`;
}

export function executiveSummary(input: {
  trigger: Signal | null;
  cases: readonly TriageCase[];
  skipped: readonly { detector: string; reason: string }[];
  asOf: string | null;
}): string {
  const { trigger, cases, skipped } = input;
  const parts: string[] = [];
  parts.push(trigger ? triggerSentence(trigger) : 'Scheduled investigation (no signal).');
  if (cases.length === 0) {
    parts.push(`No revenue leaks found in data up to ${input.asOf ?? 'the latest day'}.`);
  } else {
    const total = cases.reduce((s, c) => s + c.estimatedImpact, 0);
    const byType = new Map<AnomalyType, number>();
    for (const c of cases) byType.set(c.type, (byType.get(c.type) ?? 0) + 1);
    const kinds = [...byType].map(([t, n]) => plural(n, ...TYPE_NAMES[t])).join(', ');
    const urgent = cases.filter((c) => c.severity === 'high' || c.severity === 'critical').length;
    parts.push(
      `${plural(cases.length, 'case')} worth ${money(total)} (${kinds}); ${urgent} high or critical.`
    );
    const top = cases[0] as TriageCase;
    parts.push(`Top: ${top.title} (${top.severity}, ${money(top.estimatedImpact)}).`);
    const risky = cases.filter((c) => c.sentiment.risk === 'high').length;
    if (risky > 0)
      parts.push(
        `${risky} ${risky === 1 ? 'case carries' : 'cases carry'} high-risk notes (chargeback, dispute, ...).`
      );
  }
  if (skipped.length > 0)
    parts.push(`Skipped: ${skipped.map((s) => `${s.detector} (${s.reason})`).join('; ')}.`);
  return parts.join(' ');
}
