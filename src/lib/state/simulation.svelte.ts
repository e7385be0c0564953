import { simulateReviewer, type RoundResult } from '$lib/agents/learning-simulation';
import { systemClock } from '$lib/agents/ports';
import { labelsSchema, type Labels } from '$lib/domain/labels';
import type { Memory } from '$lib/domain/memory';
import { analyticsWorker } from '$lib/services/workers';

export type LabelsState =
  | { kind: 'waiting' }
  | { kind: 'none' }
  | { kind: 'invalid'; message: string }
  | { kind: 'ready'; labels: Labels };

/**
 * "Simulate reviewer" (QA Lab): the active dataset's labels, and an honest simulated reviewer
 * replaying verdicts round by round on a copy of the memory. Nothing is stored. The component
 * only shows this state; the simulation and the worker calls live here.
 */
export class SimulationState {
  labels = $state.raw<LabelsState>({ kind: 'waiting' });
  running = $state(false);
  planned = $state(0);
  results = $state.raw<RoundResult[]>([]);
  error = $state('');
  #asked = 0;

  /** Reads the labels of dataset `datasetId` (undefined: no dataset ready yet). */
  async loadLabels(datasetId: string | undefined): Promise<void> {
    if (datasetId === undefined) {
      this.labels = { kind: 'waiting' };
      return;
    }
    const ticket = ++this.#asked;
    try {
      const raw = await analyticsWorker().labels();
      if (ticket !== this.#asked) return;
      if (raw === null || raw === undefined) {
        this.labels = { kind: 'none' };
        return;
      }
      const parsed = labelsSchema.safeParse(raw);
      this.labels = parsed.success
        ? { kind: 'ready', labels: parsed.data }
        : { kind: 'invalid', message: parsed.error.issues[0]?.message ?? 'unknown problem' };
    } catch (e) {
      if (ticket === this.#asked) this.labels = { kind: 'invalid', message: (e as Error).message };
    }
  }

  /** Runs `rounds` rounds of `perRound` verdicts from `memory` (a copy; nothing is saved). */
  async run(rounds: number, perRound: number, memory: Memory): Promise<void> {
    const labels = this.labels;
    if (labels.kind !== 'ready' || this.running) return;
    this.running = true;
    this.planned = rounds;
    this.results = [];
    this.error = '';
    try {
      await simulateReviewer(
        { analytics: analyticsWorker(), clock: systemClock },
        {
          labels: labels.labels,
          rounds,
          perRound,
          memory,
          onRound: (r) => (this.results = [...this.results, r])
        }
      );
    } catch (e) {
      this.error = (e as Error).message;
    } finally {
      this.running = false;
    }
  }
}
