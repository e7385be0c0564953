/** Records each step of a run (input, output, duration, status) as it happens. */
import type { JsonValue } from '../../../workers/contracts/state';
import type { Clock, TraceStep } from './ports';

export type StepStatus = 'ok' | 'error' | 'skipped';

export class TraceRecorder {
  readonly steps: TraceStep[] = [];
  readonly #runId: string;
  readonly #clock: Clock;

  constructor(runId: string, clock: Clock) {
    this.#runId = runId;
    this.#clock = clock;
  }

  /** Runs `work`, recording it; an error is recorded and rethrown. */
  async step<T>(
    name: string,
    input: JsonValue,
    work: () => Promise<T> | T,
    describe: (result: T) => { output: JsonValue; status?: StepStatus }
  ): Promise<T> {
    const startedAt = this.#clock.now();
    const t0 = this.#clock.elapsedMs();
    try {
      const result = await work();
      const { output, status } = describe(result);
      this.#push(name, startedAt, t0, input, output, status ?? 'ok');
      return result;
    } catch (error) {
      this.#push(name, startedAt, t0, input, { error: errorMessage(error) }, 'error');
      throw error;
    }
  }

  /** A step that did not run, with the reason. */
  skip(name: string, input: JsonValue, reason: string): void {
    const now = this.#clock.now();
    this.#push(name, now, this.#clock.elapsedMs(), input, { reason }, 'skipped');
  }

  /** A step that only reports (e.g. what the model decided in the run). */
  note(name: string, output: JsonValue): void {
    this.#push(name, this.#clock.now(), this.#clock.elapsedMs(), null, output, 'ok');
  }

  #push(
    step: string,
    startedAt: string,
    t0: number,
    input: JsonValue,
    output: JsonValue,
    status: StepStatus
  ): void {
    const seq = this.steps.length;
    this.steps.push({
      traceId: `${this.#runId}:${String(seq).padStart(3, '0')}`,
      runId: this.#runId,
      step,
      seq,
      startedAt,
      durationMs: Math.max(0, Math.round((this.#clock.elapsedMs() - t0) * 100) / 100),
      input,
      output,
      status
    });
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
