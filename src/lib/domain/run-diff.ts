/**
 * What a rerun changed, case by case, against the run before it: cases that are new, cases that
 * are gone (and which memory change most likely removed them), and cases whose status,
 * severity, confidence or impact moved. Pure; keys are the stable finding keys.
 */
import type { ProposedChange } from './memory-agent';
import type { TriageCase } from './schemas/case';
import type { AnomalyType } from './schemas/finding';

export interface CaseSnapshot {
  key: string;
  title: string;
  type: AnomalyType;
  status: string;
  severity: string;
  confidence: number;
  confidenceLabel: string;
  estimatedImpact: number;
}

export interface RunDiff {
  added: CaseSnapshot[];
  removed: (CaseSnapshot & { removedBy: string | null })[];
  changed: {
    key: string;
    title: string;
    before: CaseSnapshot;
    after: CaseSnapshot;
    what: string[];
  }[];
  unchanged: number;
}

/** The settings that can make a finding of each type appear or disappear. */
const SETTING_PREFIX: Record<AnomalyType, readonly string[]> = {
  duplicate_refund: ['duplicate_'],
  underbilling: ['underbilling_'],
  tier_mismatch: [],
  refund_spike: ['spike_'],
  manual_credit: ['manual_credit_']
};

const snapshot = (c: TriageCase): CaseSnapshot => ({
  key: c.key,
  title: c.title,
  type: c.type,
  status: c.status,
  severity: c.severity,
  confidence: c.confidence,
  confidenceLabel: c.confidenceLabel,
  estimatedImpact: c.estimatedImpact
});

export function diffRuns(
  before: readonly TriageCase[],
  after: readonly TriageCase[],
  /** Memory changes between the two runs' versions, in order. */
  memoryChanges: readonly ProposedChange[]
): RunDiff {
  const old = new Map(before.map((c) => [c.key, c]));
  const now = new Map(after.map((c) => [c.key, c]));
  const added = after.filter((c) => !old.has(c.key)).map(snapshot);
  const removed = before
    .filter((c) => !now.has(c.key))
    .map((c) => ({ ...snapshot(c), removedBy: removedBy(c, memoryChanges) }));
  const changed: RunDiff['changed'] = [];
  let unchanged = 0;
  for (const c of after) {
    const prev = old.get(c.key);
    if (!prev) continue;
    const a = snapshot(prev);
    const b = snapshot(c);
    const what: string[] = [];
    if (a.status !== b.status) what.push('status');
    if (a.severity !== b.severity) what.push('severity');
    if (a.confidenceLabel !== b.confidenceLabel || a.confidence !== b.confidence)
      what.push('confidence');
    if (a.estimatedImpact !== b.estimatedImpact) what.push('impact');
    if (what.length > 0) changed.push({ key: c.key, title: c.title, before: a, after: b, what });
    else unchanged += 1;
  }
  return { added, removed, changed, unchanged };
}

/** The last change to a setting of the case's type, in words, or null when none explains it. */
function removedBy(c: TriageCase, changes: readonly ProposedChange[]): string | null {
  const prefixes = SETTING_PREFIX[c.type];
  const hit = [...changes]
    .reverse()
    .find((x) => prefixes.some((p) => x.key.startsWith(p)) || x.key === `suppressed:${c.key}`);
  return hit ? `${hit.key} ${String(hit.old)} → ${String(hit.new)}` : null;
}
