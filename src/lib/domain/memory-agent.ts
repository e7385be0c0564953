/**
 * The memory agent's deterministic rules: a person's verdict on a case becomes bounded changes
 * to memory, per anomaly type (the original OpsIQ raised one global penalty).
 *
 *   false positive → that type's penalty +0.15 (at most 0.5), its threshold one step less
 *                    sensitive, and the finding dismissed while its evidence stays the same
 *   reject         → that type's penalty +0.05 (at most 0.5)
 *   approve        → that type's penalty −0.05 (not below 0)
 *
 * Every change passes the setting's guardrails (bounds and largest step, `guardrailViolation`)
 * and the rules' own limits, which stop short of values that would silence a detector: past
 * them only a person can go (QA Lab → Memory). An LLM proposal goes through `applyChanges` with
 * the same checks. Pure: the same memory and feedback give the same version.
 */
import { stableHash } from './keys';
import {
  defaultMemoryValues,
  guardrailViolation,
  MEMORY_SETTINGS,
  memorySchema,
  type Memory,
  type MemoryKey,
  type MemoryValues
} from './memory';
import type { AnomalyType, Finding } from './schemas/finding';

export type Verdict = 'approve' | 'reject' | 'false_positive';
export type ChangeSource = 'rule' | 'llm' | 'person';
type Value = number | boolean | string | null;
/** The settings that hold numbers. */
type NumberKey = { [K in MemoryKey]: MemoryValues[K] extends number ? K : never }[MemoryKey];

export interface ProposedChange {
  /** A setting, or `dismissed:<finding key>` for a dismissal. */
  key: string;
  old: Value;
  new: Value;
  reason: string;
  source: ChangeSource;
  feedbackId: string | null;
}

export interface MemoryUpdate {
  memory: Memory;
  changes: ProposedChange[];
  /** Proposals the guardrails refused or the rules' limits stopped, with why. */
  refused: { key: string; reason: string }[];
}

export const PENALTY_STEP = { false_positive: 0.15, reject: 0.05, approve: -0.05 } as const;
/** The rules never push a penalty above this: a person decides beyond it. */
export const RULE_MAX_PENALTY = 0.5;

/** Each type's sensitivity threshold, one false positive's step, and the rules' limit for it. */
export const THRESHOLD_STEPS: Readonly<
  Partial<Record<AnomalyType, { key: NumberKey; step: number; limit: number; unit: string }>>
> = {
  duplicate_refund: { key: 'duplicate_window_hours', step: -0.5, limit: 1, unit: 'h' },
  underbilling: { key: 'underbilling_min_gap', step: 25, limit: 500, unit: '$' },
  refund_spike: { key: 'spike_ratio', step: 0.5, limit: 6, unit: '×' },
  manual_credit: { key: 'manual_credit_bar', step: 100, limit: 5000, unit: '$' }
  // tier_mismatch has no threshold: the tier in force is a fact, only its penalty learns.
};

export const penaltyKey = (type: AnomalyType) => `fp_penalty_${type}` as const;
export const dismissalKey = (findingKey: string) => `dismissed:${findingKey}`;

/** The evidence a dismissal is tied to: the finding's data facts and entities, not thresholds. */
export function evidenceFingerprint(f: Pick<Finding, 'facts' | 'entities' | 'rawImpact'>): string {
  const sorted = (o: Record<string, unknown>) =>
    Object.keys(o)
      .sort()
      .map((k) => [k, o[k]]);
  return stableHash(
    JSON.stringify([sorted(f.facts), sorted(f.entities as Record<string, unknown>), f.rawImpact])
  );
}

export interface FeedbackEvent {
  verdict: Verdict;
  feedbackId: string;
  finding: Pick<Finding, 'type' | 'key' | 'facts' | 'entities' | 'rawImpact'> & {
    /** The finding's rule evidence, from which the narrowest lesson is chosen (when known). */
    rules?: Finding['rules'];
  };
  /**
   * The memory the finding's run used. A threshold moves at most one step per run: once it has
   * moved since then, further false positives from the same run only dismiss their findings
   * (and raise the penalty) until a rerun shows what the step did. Undefined = no such limit.
   */
  runMemory?: Memory;
}

const round = (x: number) => Math.round(x * 1e6) / 1e6;
const show = (key: MemoryKey, v: number) =>
  key.startsWith('fp_penalty_')
    ? String(v)
    : key === 'duplicate_window_hours'
      ? `${v} h`
      : key === 'spike_ratio'
        ? `${v}×`
        : `$${v}`;
const verdictWords: Record<Verdict, string> = {
  approve: 'approved',
  reject: 'rejected',
  false_positive: 'marked false positive'
};

/** The rules' changes for one verdict, applied to `memory` as the next version. */
export function learnFromFeedback(memory: Memory, event: FeedbackEvent): MemoryUpdate {
  const { verdict, finding, feedbackId } = event;
  const proposals: ProposedChange[] = [];
  const refused: MemoryUpdate['refused'] = [];
  const v = memory.values;
  const because = `${finding.key} was ${verdictWords[verdict]}`;

  const pKey = penaltyKey(finding.type);
  const pOld = v[pKey];
  const pWanted = round(pOld + PENALTY_STEP[verdict]);
  const pNew = Math.min(RULE_MAX_PENALTY, Math.max(0, pWanted));
  if (pNew !== pOld) {
    proposals.push({
      key: pKey,
      old: pOld,
      new: pNew,
      reason: `${because}: ${finding.type} penalty ${pOld} → ${pNew} (impact × ${round(1 - pNew)}, confidence one level lower while above 0).`,
      source: 'rule',
      feedbackId
    });
  } else if (pWanted > RULE_MAX_PENALTY) {
    refused.push({
      key: pKey,
      reason: `${because}, but the ${finding.type} penalty is at the rules' limit ${RULE_MAX_PENALTY}: only a person can raise it further.`
    });
  }

  if (verdict === 'false_positive') {
    // Explained under the memory the finding was judged with: a lesson another verdict of the
    // same run already taught is not taught again, nor replaced by a global step.
    const judged = event.runMemory?.values ?? v;
    const narrow = narrowLessons(finding, judged);
    const fresh = narrow.find((l) => judged[l.key] === v[l.key]);
    if (narrow.length > 0 && fresh) {
      proposals.push({
        key: fresh.key,
        old: v[fresh.key],
        new: fresh.value,
        reason: `${because}: lesson scope: ${fresh.scope}. ${fresh.key} ${String(v[fresh.key])} → ${String(fresh.value)} (only findings of this pattern change; no global threshold step).`,
        source: 'rule',
        feedbackId
      });
    } else if (narrow.length > 0) {
      refused.push({
        key: narrow[0]!.key,
        reason: `${because}, but ${narrow.map((l) => l.key).join(', ')} already moved a step since that run: rerun to see its effect before moving it again.`
      });
    }
    const t = narrow.length > 0 ? undefined : THRESHOLD_STEPS[finding.type];
    const movedSinceRun =
      t !== undefined &&
      event.runMemory !== undefined &&
      event.runMemory.values[t.key] !== v[t.key];
    if (t && movedSinceRun) {
      refused.push({
        key: t.key,
        reason: `${because}, but ${t.key} already moved a step since that run (${show(t.key, event.runMemory?.values[t.key] ?? v[t.key])} → ${show(t.key, v[t.key])}): rerun to see its effect before moving it again.`
      });
    } else if (t) {
      const old = v[t.key];
      const wanted = round(old + t.step);
      const capped = t.step > 0 ? Math.min(wanted, t.limit) : Math.max(wanted, t.limit);
      if (capped !== old) {
        proposals.push({
          key: t.key,
          old,
          new: capped,
          reason: `${because}: ${t.key} one step less sensitive, ${show(t.key, old)} → ${show(t.key, capped)} (lesson scope: every ${finding.type.replace('_', ' ')} finding, a global threshold: nothing narrower in its evidence explains it).`,
          source: 'rule',
          feedbackId
        });
      } else {
        refused.push({
          key: t.key,
          reason: `${because}, but ${t.key} is at the rules' limit ${show(t.key, t.limit)}, past which the detector would go quiet: only a person can change it further.`
        });
      }
    }
    const fingerprint = evidenceFingerprint(finding);
    const existing = memory.dismissed.find((d) => d.key === finding.key);
    if (existing?.fingerprint !== fingerprint) {
      proposals.push({
        key: dismissalKey(finding.key),
        old: existing?.fingerprint ?? null,
        new: fingerprint,
        reason: `${because}: its case stays dismissed on reruns while its evidence is unchanged.`,
        source: 'rule',
        feedbackId
      });
    }
  }

  const applied = applyChanges(memory, proposals);
  return { ...applied, refused: [...refused, ...applied.refused] };
}

/** A narrow lesson: one evidence rule moved toward its default, and the pattern it covers. */
export interface NarrowLesson {
  key: MemoryKey;
  value: number | boolean;
  /** In plain words: which findings the lesson changes. */
  scope: string;
}

/**
 * The lessons that would have avoided a false positive, narrowest first, chosen from the
 * finding's evidence: an evidence rule that is looser than its default (switched off or
 * relaxed) and that this finding would not have passed at the default. Each moves one step
 * toward the default, never past it. Empty when nothing narrower than the detector's global
 * threshold explains the finding.
 */
export function narrowLessons(finding: FeedbackEvent['finding'], v: MemoryValues): NarrowLesson[] {
  const d = defaultMemoryValues();
  const observed = (rule: string) => finding.rules?.find((r) => r.rule === rule)?.observed;
  const num = (x: unknown) => (typeof x === 'number' && Number.isFinite(x) ? x : undefined);
  const toward = (key: NumberKey): number => {
    const s = MEMORY_SETTINGS[key];
    const step = s.kind === 'number' ? s.maxStep : 0;
    const cur = v[key];
    return round(cur < d[key] ? Math.min(d[key], cur + step) : Math.max(d[key], cur - step));
  };
  const out: NarrowLesson[] = [];
  if (finding.type === 'underbilling') {
    const ratio = num(observed('underbilling_min_gap_ratio'));
    if (
      ratio !== undefined &&
      v.underbilling_min_gap_ratio < d.underbilling_min_gap_ratio &&
      ratio < d.underbilling_min_gap_ratio
    )
      out.push({
        key: 'underbilling_min_gap_ratio',
        value: toward('underbilling_min_gap_ratio'),
        scope: `underbilling gaps under ${(d.underbilling_min_gap_ratio * 100).toFixed(0)}% of the expected amount (the materiality bar)`
      });
    if (
      observed('underbilling_prorate_tolerance') === 'first invoice' &&
      v.underbilling_prorate_tolerance < d.underbilling_prorate_tolerance
    )
      out.push({
        key: 'underbilling_prorate_tolerance',
        value: toward('underbilling_prorate_tolerance'),
        scope: 'first invoices within a few dollars of the prorated price'
      });
  } else if (finding.type === 'manual_credit') {
    const amount = num(finding.facts['amount']);
    const price = num(finding.facts['monthly_price']);
    const unapproved =
      finding.rules?.some((r) => r.rule === 'manual_credit_flag_unapproved') ?? false;
    if (
      !unapproved &&
      !v.manual_credit_price_is_routine &&
      amount !== undefined &&
      price !== undefined &&
      amount <= price
    )
      out.push({
        key: 'manual_credit_price_is_routine',
        value: true,
        scope: "approved manual credits within the customer's monthly price (routine goodwill)"
      });
    if (
      unapproved &&
      amount !== undefined &&
      v.manual_credit_bar < d.manual_credit_bar &&
      amount <= d.manual_credit_bar
    )
      out.push({
        key: 'manual_credit_bar',
        value: toward('manual_credit_bar'),
        scope: `unapproved manual credits of $${d.manual_credit_bar} or less (the unapproved-credit bar)`
      });
  } else if (finding.type === 'refund_spike') {
    const z = num(observed('spike_min_robust_z'));
    const p = num(observed('spike_max_p'));
    if (z !== undefined && v.spike_min_robust_z < d.spike_min_robust_z && z < d.spike_min_robust_z)
      out.push({
        key: 'spike_min_robust_z',
        value: toward('spike_min_robust_z'),
        scope: `region-days less than ${d.spike_min_robust_z} standard deviations above the region's own expected day (its baseline)`
      });
    if (p !== undefined && v.spike_max_p > d.spike_max_p && p > d.spike_max_p)
      out.push({
        key: 'spike_max_p',
        value: toward('spike_max_p'),
        scope: `region-days not rarer than ${d.spike_max_p} under the region's own count model (its baseline)`
      });
    if (out.length === 0 && v.spike_recurring_min_other_months > d.spike_recurring_min_other_months)
      out.push({
        key: 'spike_recurring_min_other_months',
        value: toward('spike_recurring_min_other_months'),
        scope:
          'peaks that recur on the same calendar day (month end, business day, weekday of the month) in other months'
      });
  }
  return out;
}

/**
 * Applies proposed changes (from rules, an LLM or a person) as the next memory version. Each
 * setting change is checked against its guardrails and refused, not clamped, when it breaks
 * them; dismissal changes (`dismissed:<key>` → fingerprint or null) always apply.
 */
export function applyChanges(memory: Memory, proposals: readonly ProposedChange[]): MemoryUpdate {
  const values: MemoryValues = { ...memory.values };
  let dismissed = [...memory.dismissed];
  const changes: ProposedChange[] = [];
  const refused: MemoryUpdate['refused'] = [];
  for (const p of proposals) {
    if (p.key.startsWith('dismissed:')) {
      const key = p.key.slice('dismissed:'.length);
      dismissed = dismissed.filter((d) => d.key !== key);
      if (typeof p.new === 'string') dismissed.push({ key, fingerprint: p.new });
      changes.push(p);
      continue;
    }
    if (!(p.key in MEMORY_SETTINGS)) {
      refused.push({ key: p.key, reason: `${p.key} is not a memory setting` });
      continue;
    }
    const key = p.key as MemoryKey;
    const current = values[key];
    const violation =
      typeof p.new === 'number' || typeof p.new === 'boolean'
        ? guardrailViolation(key, current, p.new)
        : `${key} needs a ${typeof current}`;
    if (violation) {
      refused.push({ key, reason: violation });
      continue;
    }
    (values as Record<MemoryKey, number | boolean>)[key] = p.new as number | boolean;
    changes.push({ ...p, old: current });
  }
  dismissed.sort((a, b) => a.key.localeCompare(b.key));
  const next = memorySchema.parse({
    version: changes.length > 0 ? memory.version + 1 : memory.version,
    values,
    suppressedKeys: memory.suppressedKeys,
    dismissed
  });
  return { memory: next, changes, refused };
}

/**
 * The changes that take `from` to `to` (for roll back, reset and comparing two versions):
 * settings, suppressions (`suppressed:<key>`) and dismissals (`dismissed:<key>`).
 */
export function diffMemory(
  from: Memory,
  to: Memory,
  reason: string,
  source: ChangeSource = 'person'
): ProposedChange[] {
  const out: ProposedChange[] = [];
  for (const key of Object.keys(MEMORY_SETTINGS) as MemoryKey[]) {
    if (from.values[key] !== to.values[key])
      out.push({
        key,
        old: from.values[key],
        new: to.values[key],
        reason,
        source,
        feedbackId: null
      });
  }
  const wasSuppressed = new Set(from.suppressedKeys);
  const isSuppressed = new Set(to.suppressedKeys);
  for (const key of [...new Set([...wasSuppressed, ...isSuppressed])].sort()) {
    if (wasSuppressed.has(key) !== isSuppressed.has(key))
      out.push({
        key: `suppressed:${key}`,
        old: wasSuppressed.has(key) ? 'suppressed' : null,
        new: isSuppressed.has(key) ? 'suppressed' : null,
        reason,
        source,
        feedbackId: null
      });
  }
  const before = new Map(from.dismissed.map((d) => [d.key, d.fingerprint]));
  const after = new Map(to.dismissed.map((d) => [d.key, d.fingerprint]));
  for (const key of [...new Set([...before.keys(), ...after.keys()])].sort()) {
    if (before.get(key) !== after.get(key))
      out.push({
        key: dismissalKey(key),
        old: before.get(key) ?? null,
        new: after.get(key) ?? null,
        reason,
        source,
        feedbackId: null
      });
  }
  return out;
}

/**
 * A person sets memory to an earlier version's content (roll back) or to the defaults (reset):
 * a new version whose changes say what moved. Steps bigger than a setting's largest step are
 * allowed here (a person decided), bounds are still checked by the schema.
 */
export function restoreMemory(current: Memory, target: Memory, reason: string): MemoryUpdate {
  const changes = diffMemory(current, target, reason);
  const memory = memorySchema.parse({
    ...target,
    version: changes.length > 0 ? current.version + 1 : current.version,
    suppressedKeys: target.suppressedKeys
  });
  return { memory, changes, refused: [] };
}

/** Useful / Not useful on an analyst answer: "not useful" switches the explanation style. */
export function learnFromAnswerFeedback(
  memory: Memory,
  useful: boolean,
  feedbackId: string | null
): MemoryUpdate {
  if (useful) return { memory, changes: [], refused: [] };
  const old = memory.values.explanation_concise;
  return applyChanges(memory, [
    {
      key: 'explanation_concise',
      old,
      new: !old,
      reason: `An answer in the ${old ? 'concise' : 'detailed'} style was not useful: switching to ${old ? 'detailed' : 'concise'}.`,
      source: 'rule',
      feedbackId
    }
  ]);
}

/**
 * People's standing verdicts by finding key from feedback listed latest first: the first verdict
 * seen for a key wins. Approve and reject carry over to reruns as a status; a false positive is
 * memory's business (a dismissal a roll back can undo), so it gives no standing status.
 */
export function standingVerdicts(
  feedback: readonly { caseKey: string; verdict: Verdict }[]
): Map<string, 'approved' | 'rejected'> {
  const out = new Map<string, 'approved' | 'rejected'>();
  const seen = new Set<string>();
  for (const f of feedback) {
    if (seen.has(f.caseKey)) continue;
    seen.add(f.caseKey);
    if (f.verdict === 'approve') out.set(f.caseKey, 'approved');
    if (f.verdict === 'reject') out.set(f.caseKey, 'rejected');
  }
  return out;
}
