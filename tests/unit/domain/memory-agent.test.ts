import { describe, expect, it } from 'vitest';
import {
  applyChanges,
  diffMemory,
  evidenceFingerprint,
  learnFromAnswerFeedback,
  learnFromFeedback,
  restoreMemory,
  standingVerdicts,
  RULE_MAX_PENALTY,
  THRESHOLD_STEPS,
  type FeedbackEvent,
  type Verdict
} from '../../../src/lib/domain/memory-agent';
import {
  defaultMemory,
  MEMORY_SETTINGS,
  type Memory,
  type MemoryKey
} from '../../../src/lib/domain/memory';
import { anomalyTypes, type AnomalyType } from '../../../src/lib/domain/schemas/finding';

const finding = (type: AnomalyType, key = `${type}:X1`, gap = 100): FeedbackEvent['finding'] => ({
  type,
  key,
  facts: { gap },
  entities: { invoice_id: 'X1' },
  rawImpact: gap
});
const event = (verdict: Verdict, type: AnomalyType = 'underbilling', id = 'f1'): FeedbackEvent => ({
  verdict,
  feedbackId: id,
  finding: finding(type)
});

describe('the memory agent rules', () => {
  it('a false positive on underbilling: gap $10 → $35, penalty 0 → 0.15, the finding dismissed', () => {
    const { memory, changes, refused } = learnFromFeedback(
      defaultMemory(),
      event('false_positive')
    );
    expect(memory.version).toBe(1);
    expect(memory.values.underbilling_min_gap).toBe(35);
    expect(memory.values.fp_penalty_underbilling).toBe(0.15);
    expect(memory.dismissed).toEqual([
      { key: 'underbilling:X1', fingerprint: evidenceFingerprint(finding('underbilling')) }
    ]);
    expect(changes.map((c) => [c.key, c.old, c.new, c.source, c.feedbackId])).toEqual([
      ['fp_penalty_underbilling', 0, 0.15, 'rule', 'f1'],
      ['underbilling_min_gap', 10, 35, 'rule', 'f1'],
      ['dismissed:underbilling:X1', null, memory.dismissed[0]?.fingerprint, 'rule', 'f1']
    ]);
    expect(changes[1]?.reason).toMatch(/underbilling:X1 was marked false positive.*\$10 → \$35/);
    expect(refused).toEqual([]);
    // Other types are untouched: the penalty is per type, not global.
    expect(memory.values.fp_penalty_refund_spike).toBe(0);
  });

  it.each([
    ['duplicate_refund', 'duplicate_window_hours', 2, 1.5],
    ['refund_spike', 'spike_ratio', 2, 2.5],
    ['manual_credit', 'manual_credit_bar', 200, 300]
  ] as const)('a false positive on %s moves %s one step: %d → %d', (type, key, from, to) => {
    const { memory } = learnFromFeedback(defaultMemory(), event('false_positive', type));
    expect(defaultMemory().values[key]).toBe(from);
    expect(memory.values[key]).toBe(to);
    expect(memory.values[`fp_penalty_${type}`]).toBe(0.15);
  });

  it('a tier mismatch has no threshold: only its penalty learns', () => {
    const { changes } = learnFromFeedback(
      defaultMemory(),
      event('false_positive', 'tier_mismatch')
    );
    expect(changes.map((c) => c.key)).toEqual([
      'fp_penalty_tier_mismatch',
      'dismissed:tier_mismatch:X1'
    ]);
  });

  it('reject +0.05, approve −0.05 and never below 0', () => {
    const rejected = learnFromFeedback(defaultMemory(), event('reject')).memory;
    expect(rejected.values.fp_penalty_underbilling).toBe(0.05);
    expect(rejected.values.underbilling_min_gap).toBe(10);
    expect(rejected.dismissed).toEqual([]);
    const approved = learnFromFeedback(rejected, event('approve')).memory;
    expect(approved.values.fp_penalty_underbilling).toBe(0);
    const again = learnFromFeedback(approved, event('approve'));
    expect(again.changes).toEqual([]);
    expect(again.memory.version).toBe(approved.version);
  });

  it.each(anomalyTypes)(
    'repeated false positives on %s stop at the rules’ limits and say so; no detector goes quiet',
    (type) => {
      let memory: Memory = defaultMemory();
      let refusedAtEnd: string[] = [];
      for (let i = 0; i < 60; i++) {
        const update = learnFromFeedback(memory, event('false_positive', type, `f${i}`));
        memory = update.memory;
        refusedAtEnd = update.refused.map((r) => r.key);
      }
      expect(memory.values[`fp_penalty_${type}`]).toBe(RULE_MAX_PENALTY);
      const t = THRESHOLD_STEPS[type];
      if (t) {
        expect(memory.values[t.key]).toBe(t.limit);
        expect(refusedAtEnd).toContain(t.key);
      }
      expect(refusedAtEnd).toContain(`fp_penalty_${type}`);
    }
  );
});

describe('guardrails: no change passes a setting’s bounds or largest step', () => {
  const numberKeys = (Object.keys(MEMORY_SETTINGS) as MemoryKey[]).filter(
    (k) => MEMORY_SETTINGS[k].kind === 'number'
  );

  it.each(numberKeys)('%s: past max, below min, and a step too large are refused', (key) => {
    const s = MEMORY_SETTINGS[key];
    if (s.kind !== 'number') throw new Error('number setting expected');
    const base = defaultMemory();
    const current = base.values[key] as number;
    const propose = (value: number) =>
      applyChanges(base, [
        { key, old: current, new: value, reason: 'test', source: 'llm', feedbackId: null }
      ]);
    for (const value of [s.max + s.maxStep, s.min - s.maxStep, current + s.maxStep * 1.5, NaN]) {
      const { memory, changes, refused } = propose(value);
      expect(changes).toEqual([]);
      expect(refused.map((r) => r.key)).toEqual([key]);
      expect(memory.values[key]).toBe(current);
      expect(memory.version).toBe(base.version);
    }
    // One allowed step in bounds does apply.
    const up = Math.min(s.max, current + s.maxStep);
    const down = Math.max(s.min, current - s.maxStep);
    const target = up !== current ? up : down;
    const ok = propose(s.integer ? Math.round(target) : target);
    expect(ok.refused).toEqual([]);
    expect(ok.memory.values[key]).toBe(s.integer ? Math.round(target) : target);
  });

  it('an unknown key and a wrong type are refused', () => {
    const base = defaultMemory();
    const { changes, refused } = applyChanges(base, [
      { key: 'no_such_key', old: 1, new: 2, reason: 't', source: 'llm', feedbackId: null },
      {
        key: 'manual_credit_flag_unapproved',
        old: true,
        new: 3,
        reason: 't',
        source: 'llm',
        feedbackId: null
      },
      { key: 'spike_ratio', old: 2, new: 'high', reason: 't', source: 'llm', feedbackId: null }
    ]);
    expect(changes).toEqual([]);
    expect(refused.map((r) => r.key)).toEqual([
      'no_such_key',
      'manual_credit_flag_unapproved',
      'spike_ratio'
    ]);
  });
});

describe('roll back, reset, compare', () => {
  it('restoring an earlier version makes a new version whose changes undo the later ones', () => {
    const v0 = defaultMemory();
    const v1 = learnFromFeedback(v0, event('false_positive')).memory;
    const back = restoreMemory(v1, v0, 'roll back to 0');
    expect(back.memory.version).toBe(2);
    expect(back.memory.values).toEqual(v0.values);
    expect(back.memory.dismissed).toEqual([]);
    expect(back.changes.map((c) => [c.key, c.old, c.new, c.source])).toEqual([
      ['underbilling_min_gap', 35, 10, 'person'],
      ['fp_penalty_underbilling', 0.15, 0, 'person'],
      ['dismissed:underbilling:X1', v1.dismissed[0]?.fingerprint, null, 'person']
    ]);
    expect(diffMemory(v0, v0, 'same')).toEqual([]);
    const suppressed = { ...v0, suppressedKeys: ['manual_credit:REF9'] };
    expect(diffMemory(v0, suppressed, 'r').map((c) => [c.key, c.old, c.new])).toEqual([
      ['suppressed:manual_credit:REF9', null, 'suppressed']
    ]);
  });

  it('a dismissal is tied to the evidence: other facts give another fingerprint', () => {
    expect(evidenceFingerprint(finding('underbilling', 'k', 100))).toBe(
      evidenceFingerprint(finding('underbilling', 'k', 100))
    );
    expect(evidenceFingerprint(finding('underbilling', 'k', 100))).not.toBe(
      evidenceFingerprint(finding('underbilling', 'k', 120))
    );
  });

  it('"not useful" switches the explanation style; "useful" keeps it', () => {
    const base = defaultMemory();
    expect(learnFromAnswerFeedback(base, true, 'a').changes).toEqual([]);
    const concise = learnFromAnswerFeedback(base, false, 'a').memory;
    expect(concise.values.explanation_concise).toBe(true);
    expect(learnFromAnswerFeedback(concise, false, 'b').memory.values.explanation_concise).toBe(
      false
    );
  });
});

describe('standing verdicts', () => {
  it('the latest verdict per key wins; a false positive gives no standing status', () => {
    const verdicts = standingVerdicts([
      { caseKey: 'a', verdict: 'approve' },
      { caseKey: 'b', verdict: 'false_positive' },
      { caseKey: 'a', verdict: 'reject' },
      { caseKey: 'b', verdict: 'approve' },
      { caseKey: 'c', verdict: 'reject' }
    ]);
    expect([...verdicts]).toEqual([
      ['a', 'approved'],
      ['c', 'rejected']
    ]);
  });
});

describe('a threshold moves at most one step per run', () => {
  it('a second false positive from the same run dismisses and penalises, but leaves the threshold', () => {
    const runMemory = defaultMemory();
    const first = learnFromFeedback(runMemory, { ...event('false_positive'), runMemory });
    expect(first.memory.values.underbilling_min_gap).toBe(35);
    const second = learnFromFeedback(first.memory, {
      verdict: 'false_positive',
      feedbackId: 'f2',
      finding: finding('underbilling', 'underbilling:X2', 60),
      runMemory
    });
    expect(second.memory.values.underbilling_min_gap).toBe(35);
    expect(second.memory.values.fp_penalty_underbilling).toBe(0.3);
    expect(second.memory.dismissed.map((d) => d.key)).toEqual([
      'underbilling:X1',
      'underbilling:X2'
    ]);
    expect(second.refused).toMatchObject([
      { key: 'underbilling_min_gap', reason: expect.stringMatching(/already moved a step/) }
    ]);
    // After a rerun (whose memory is the new one), the next false positive moves it again.
    const third = learnFromFeedback(second.memory, {
      ...event('false_positive', 'underbilling', 'f3'),
      runMemory: second.memory
    });
    expect(third.memory.values.underbilling_min_gap).toBe(60);
  });
});
