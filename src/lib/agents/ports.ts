/**
 * What the agents need from the outside world, as interfaces. In the browser these are Comlink
 * proxies of the workers; in Node (tests, the headless CLI) the same services run in-process.
 * Agents import these, never a worker file.
 */
import type { AnalyticsApi } from '../../../workers/contracts/analytics';
import type { StateApi } from '../../../workers/contracts/state';

/** The part of the analytics worker a run uses. */
export type AnalyticsPort = Pick<AnalyticsApi, 'status' | 'queryWithParams'>;

/** The part of the state worker a run uses. */
export type StatePort = Pick<StateApi, 'startRun' | 'saveRun' | 'finishRun'> &
  Partial<Pick<StateApi, 'saveLlmCalls'>>;

/** Wall time for run timestamps, and a monotonic timer for step durations; injected for tests. */
export interface Clock {
  /** ISO 8601 instant. */
  now(): string;
  /** Milliseconds from an arbitrary origin, never going backwards. */
  elapsedMs(): number;
}

export const systemClock: Clock = {
  now: () => new Date().toISOString(),
  elapsedMs: () => performance.now()
};

export type { DatasetStatus, QueryParam } from '../../../workers/contracts/analytics';
export type {
  ActionInput,
  CaseInput,
  RunRecord,
  TraceStep
} from '../../../workers/contracts/state';
