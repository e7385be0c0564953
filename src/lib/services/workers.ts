import { base } from '$app/paths';
import { Comlink } from '$workers/contracts/wire';
import type { AnalyticsApi } from '$workers/contracts/analytics';
import type { GeneratorApi } from '$workers/contracts/generator';
import type { StateApi } from '$workers/contracts/state';

/**
 * Main-thread clients of the two workers. Each worker starts once, lazily, on first use;
 * `wire` is imported so that errors thrown in a worker come back as typed `OpsiqError`s.
 */
let analytics: Comlink.Remote<AnalyticsApi> | undefined;
let state: Comlink.Remote<StateApi> | undefined;
let generator: Comlink.Remote<GeneratorApi> | undefined;

/** Absolute URL of a file under the site's base path (workers resolve URLs against their own). */
export function assetUrl(path: string): string {
  return new URL(`${base}/${path}`, location.href).href;
}

export function analyticsWorker(): Comlink.Remote<AnalyticsApi> {
  analytics ??= Comlink.wrap<AnalyticsApi>(
    new Worker(new URL('../../../workers/analytics.worker.ts', import.meta.url), {
      type: 'module',
      name: 'opsiq-analytics'
    })
  );
  return analytics;
}

export function stateWorker(): Comlink.Remote<StateApi> {
  state ??= Comlink.wrap<StateApi>(
    new Worker(new URL('../../../workers/state.worker.ts', import.meta.url), {
      type: 'module',
      name: 'opsiq-state'
    })
  );
  return state;
}

export function generatorWorker(): Comlink.Remote<GeneratorApi> {
  generator ??= Comlink.wrap<GeneratorApi>(
    new Worker(new URL('../../../workers/generator.worker.ts', import.meta.url), {
      type: 'module',
      name: 'opsiq-generator'
    })
  );
  return generator;
}

export { Comlink };
