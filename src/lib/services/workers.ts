import { base } from '$app/paths';
import { Comlink } from '$workers/contracts/wire';
import type { AnalyticsApi } from '$workers/contracts/analytics';
import type { GeneratorApi } from '$workers/contracts/generator';
import type { StateApi } from '$workers/contracts/state';
import { WorkerClient, type WorkerIncident } from './worker-client';

/**
 * Main-thread clients of the three workers, each through the one `WorkerClient` wrapper (a
 * crashed worker rejects its pending calls with `worker_crashed` and is restarted). Each worker
 * starts once, lazily, on first use; `wire` is imported so that errors thrown in a worker come
 * back as typed `OpsiqError`s.
 */
let analytics: WorkerClient<AnalyticsApi> | undefined;
let state: WorkerClient<StateApi> | undefined;
let generator: WorkerClient<GeneratorApi> | undefined;
const incidentListeners: Array<(incident: WorkerIncident) => void> = [];

/** Absolute URL of a file under the site's base path (workers resolve URLs against their own). */
export function assetUrl(path: string): string {
  return new URL(`${base}/${path}`, location.href).href;
}

function client<T>(name: string, create: () => Worker): WorkerClient<T> {
  const c = new WorkerClient<T>(name, create);
  c.onIncident((incident) => incidentListeners.forEach((listener) => listener(incident)));
  return c;
}

export function analyticsClient(): WorkerClient<AnalyticsApi> {
  analytics ??= client('analytics', () => {
    performance.mark('opsiq:worker:spawn');
    return new Worker(new URL('../../../workers/analytics.worker.ts', import.meta.url), {
      type: 'module',
      name: 'opsiq-analytics'
    });
  });
  return analytics;
}

export function stateClient(): WorkerClient<StateApi> {
  state ??= client(
    'state',
    () =>
      new Worker(new URL('../../../workers/state.worker.ts', import.meta.url), {
        type: 'module',
        name: 'opsiq-state'
      })
  );
  return state;
}

export function generatorClient(): WorkerClient<GeneratorApi> {
  generator ??= client(
    'generator',
    () =>
      new Worker(new URL('../../../workers/generator.worker.ts', import.meta.url), {
        type: 'module',
        name: 'opsiq-generator'
      })
  );
  return generator;
}

export const analyticsWorker = (): Comlink.Remote<AnalyticsApi> => analyticsClient().api;
export const stateWorker = (): Comlink.Remote<StateApi> => stateClient().api;
export const generatorWorker = (): Comlink.Remote<GeneratorApi> => generatorClient().api;

/** Every worker incident (crash + restart), for the page to tell the user. */
export function onWorkerIncident(listener: (incident: WorkerIncident) => void): void {
  incidentListeners.push(listener);
}

/** Started clients by name (a test hook terminates one mid-call through this). */
export function startedClients(): Record<string, WorkerClient<unknown> | undefined> {
  return {
    analytics: analytics as WorkerClient<unknown> | undefined,
    state: state as WorkerClient<unknown> | undefined,
    generator: generator as WorkerClient<unknown> | undefined
  };
}

export type { WorkerIncident };
export { Comlink };
