/**
 * A simulated reviewer: measures whether the memory agent's learning helps. Round 0 is an
 * investigation with the starting memory; each later round reviews the previous run's top open
 * cases not yet reviewed (in ranked order) with the verdict the labels give (a true anomaly is
 * approved, anything else is a false positive), folds each verdict into memory through
 * `learnFromFeedback`, and reruns. Each round reports precision and recall of the cases still
 * flagged (not dismissed as false positive) against the labels.
 *
 * Deterministic: fixed run ids (`sim-<round>`), feedback ids (`sim-<round>-<i>`), no
 * persistence, and the caller's clock.
 */
import type { Labels } from '../domain/labels';
import { defaultMemory, memorySchema, type Memory } from '../domain/memory';
import { learnFromFeedback, type Verdict } from '../domain/memory-agent';
import type { TriageCase } from '../domain/schemas/case';
import { runInvestigation } from './investigation';
import type { AnalyticsPort, Clock } from './ports';

export interface RoundResult {
  /** 0 = before any feedback. */
  round: number;
  /** True anomalies among flagged cases / flagged cases; 1 when nothing is flagged. */
  precision: number;
  /** True anomalies flagged / all true anomalies; 1 when there are none. */
  recall: number;
  /** Cases neither false positive nor dismissed. */
  flagged: number;
  truePositives: number;
  /** Verdicts given so far, over all rounds. */
  feedbackGiven: number;
  memoryVersion: number;
  /** Memory keys (settings, `dismissed:<key>`) the feedback of this round changed, in order. */
  changes: string[];
}

/** The verdict on a case (by its finding key), given whether the labels call it a true anomaly. */
export type Reviewer = (caseKey: string, isTrue: boolean) => Verdict;

export interface SimulationDeps {
  analytics: AnalyticsPort;
  clock: Clock;
}

export interface SimulationOptions {
  labels: Labels;
  /** Feedback rounds after round 0. */
  rounds: number;
  /** Cases reviewed per round, at most. */
  perRound: number;
  /** Starting memory; defaults when undefined. */
  memory?: Memory;
  /** Defaults to the honest reviewer: true anomaly → approve, else false positive. */
  reviewer?: Reviewer;
  onRound?: (result: RoundResult) => void;
}

export const honestReviewer: Reviewer = (_key, isTrue) => (isTrue ? 'approve' : 'false_positive');

/** The label key of a case: labels name a duplicate refund pair by its later refund. */
export function labelKeyOf(c: Pick<TriageCase, 'type' | 'key' | 'entities'>): string {
  return c.type === 'duplicate_refund' ? `duplicate_refund:${c.entities.refund_ids?.[1]}` : c.key;
}

/** A case still counts as flagged unless it was dismissed or marked false positive. */
export const isFlagged = (c: Pick<TriageCase, 'status'>): boolean =>
  c.status !== 'false_positive' && c.status !== 'dismissed';

/** Precision and recall of a run's flagged cases against the labels' true anomalies. */
export function scoreCases(
  cases: readonly TriageCase[],
  truth: ReadonlySet<string>
): Pick<RoundResult, 'precision' | 'recall' | 'flagged' | 'truePositives'> {
  const flagged = cases.filter(isFlagged);
  const truePositives = flagged.filter((c) => truth.has(labelKeyOf(c))).length;
  const found = new Set(flagged.map(labelKeyOf).filter((k) => truth.has(k)));
  return {
    precision: flagged.length === 0 ? 1 : truePositives / flagged.length,
    recall: truth.size === 0 ? 1 : found.size / truth.size,
    flagged: flagged.length,
    truePositives
  };
}

export async function simulateReviewer(
  deps: SimulationDeps,
  options: SimulationOptions
): Promise<RoundResult[]> {
  const truth = new Set(options.labels.anomalies.map((a) => a.key));
  const reviewer = options.reviewer ?? honestReviewer;
  let memory = memorySchema.parse(options.memory ?? defaultMemory());
  const reviewed = new Set<string>();
  let feedbackGiven = 0;
  const results: RoundResult[] = [];

  const investigate = async (round: number) =>
    (
      await runInvestigation(
        {
          analytics: deps.analytics,
          state: undefined,
          clock: deps.clock,
          orchestrator: undefined
        },
        { memory, runId: `sim-${round}`, onProgress: undefined }
      )
    ).cases;
  const report = (round: number, cases: readonly TriageCase[], changes: string[]) => {
    const result: RoundResult = {
      round,
      ...scoreCases(cases, truth),
      feedbackGiven,
      memoryVersion: memory.version,
      changes
    };
    results.push(result);
    options.onRound?.(result);
  };

  let cases = await investigate(0);
  report(0, cases, []);
  for (let round = 1; round <= options.rounds; round++) {
    const picked = cases
      .filter((c) => c.status === 'open' && !reviewed.has(c.key))
      .slice(0, Math.max(0, options.perRound));
    const changes: string[] = [];
    const runMemory = memory;
    for (const [i, c] of picked.entries()) {
      const verdict = reviewer(c.key, truth.has(labelKeyOf(c)));
      const update = learnFromFeedback(memory, {
        verdict,
        feedbackId: `sim-${round}-${i}`,
        finding: c,
        runMemory
      });
      memory = update.memory;
      for (const change of update.changes)
        if (!changes.includes(change.key)) changes.push(change.key);
      reviewed.add(c.key);
      feedbackGiven += 1;
    }
    cases = await investigate(round);
    report(round, cases, changes);
  }
  return results;
}
