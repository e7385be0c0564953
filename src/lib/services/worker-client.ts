import { OpsiqError } from '$workers/contracts/errors';
import { Comlink } from '$workers/contracts/wire';

/** What the client needs of a `Worker` (tests pass a MessageChannel-backed stand-in). */
export interface WorkerLike extends Comlink.Endpoint {
  terminate(): void;
}

/** A worker stopped (crashed, ran out of memory, failed to read a message) and was restarted. */
export interface WorkerIncident {
  worker: string;
  reason: string;
  /** When it happened (wall clock, for the message only). */
  at: string;
  /** How many calls were waiting and were rejected with `worker_crashed`. */
  rejectedCalls: number;
  /** True once the new worker is open again (the reopen hooks all resolved). */
  recovered: boolean;
  /** Why reopening failed, when it did. */
  reopenError: string | null;
}

/**
 * The one client for every worker: a Comlink proxy whose calls never hang on a dead worker.
 * It listens for `error` and `messageerror`; on either (or `crash()` from a test), every call
 * still waiting is rejected with a typed `worker_crashed` error, the worker is terminated and
 * a fresh one started, each `onRestart` hook reopens it (state: open + change feed; analytics:
 * boot + restore from IndexedDB), and the incident is reported to `onIncident` listeners so
 * the page can tell the user. Nothing stored is lost: the stores are in IndexedDB, and a write
 * interrupted before its IndexedDB transaction committed never happened.
 */
export class WorkerClient<T> {
  readonly name: string;
  readonly #create: () => WorkerLike;
  #worker: WorkerLike;
  #remote: Comlink.Remote<T>;
  /** Rejects the calls of the current worker generation when it dies. */
  #dead!: Promise<never>;
  #kill: (error: OpsiqError) => void = () => undefined;
  #pending = 0;
  /** Calls made while the new worker reopens wait for it. */
  #ready: Promise<void> = Promise.resolve();
  readonly #restartHooks: Array<(api: Comlink.Remote<T>) => Promise<void>> = [];
  readonly #incidentListeners: Array<(incident: WorkerIncident) => void> = [];
  readonly api: Comlink.Remote<T>;

  constructor(name: string, create: () => WorkerLike) {
    this.name = name;
    this.#create = create;
    this.#worker = this.#start();
    this.#remote = Comlink.wrap<T>(this.#worker);
    this.api = new Proxy({} as Comlink.Remote<T>, {
      get: (_, prop) => {
        if (typeof prop !== 'string' || prop === 'then') return undefined;
        return (...args: unknown[]) => this.#call(prop, args);
      }
    });
  }

  /** Runs after every restart, before queued calls go through (e.g. `open`, `init`). */
  onRestart(hook: (api: Comlink.Remote<T>) => Promise<void>): void {
    this.#restartHooks.push(hook);
  }

  onIncident(listener: (incident: WorkerIncident) => void): void {
    this.#incidentListeners.push(listener);
  }

  /** Calls waiting for an answer now. */
  get pendingCalls(): number {
    return this.#pending;
  }

  /** Kills the worker as a crash would (a page that finds it unresponsive). */
  crash(reason = 'terminated'): Promise<WorkerIncident> {
    return this.#recover(reason);
  }

  /**
   * Test hook: terminates the worker (as an out-of-memory kill does) and raises the `error`
   * event a crashed worker raises, so recovery runs through the real listener.
   */
  terminateAsCrash(message: string): Promise<WorkerIncident> {
    const incident = new Promise<WorkerIncident>((resolve) => {
      const once = (i: WorkerIncident) => {
        this.#incidentListeners.splice(this.#incidentListeners.indexOf(once), 1);
        resolve(i);
      };
      this.#incidentListeners.push(once);
    });
    const worker = this.#worker;
    worker.terminate();
    const target = worker as unknown as Partial<EventTarget>;
    if (typeof target.dispatchEvent === 'function') {
      target.dispatchEvent(
        typeof ErrorEvent === 'function'
          ? new ErrorEvent('error', { message })
          : Object.assign(new Event('error'), { message })
      );
    } else {
      void this.#recover(`error: ${message}`);
    }
    return incident;
  }

  #start(): WorkerLike {
    const worker = this.#create();
    this.#dead = new Promise<never>((_, reject) => {
      this.#kill = reject;
    });
    this.#dead.catch(() => undefined);
    const onError = (event: Event) => {
      if (worker !== this.#worker) return;
      const message = (event as ErrorEvent).message;
      void this.#recover(message ? `error: ${message}` : 'the worker failed');
    };
    const onMessageError = () => {
      if (worker === this.#worker) void this.#recover('a message could not be read');
    };
    worker.addEventListener('error', onError);
    worker.addEventListener('messageerror', onMessageError);
    return worker;
  }

  async #call(method: string, args: unknown[]): Promise<unknown> {
    await this.#ready;
    const remote = this.#remote as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
    const dead = this.#dead;
    this.#pending++;
    try {
      return await Promise.race([remote[method]!(...args), dead]);
    } finally {
      this.#pending--;
    }
  }

  async #recover(reason: string): Promise<WorkerIncident> {
    const incident: WorkerIncident = {
      worker: this.name,
      reason,
      at: new Date().toISOString(),
      rejectedCalls: this.#pending,
      recovered: false,
      reopenError: null
    };
    const old = this.#worker;
    const kill = this.#kill;
    try {
      old.terminate();
    } catch {
      // Already gone.
    }
    this.#worker = this.#start();
    this.#remote = Comlink.wrap<T>(this.#worker);
    kill(
      new OpsiqError(
        'worker_crashed',
        `The ${this.name} engine stopped (${reason}) and was restarted. Nothing saved was lost; ` +
          'what was in progress did not finish: try it again.',
        { worker: this.name, reason }
      )
    );
    const remote = this.#remote;
    this.#ready = (async () => {
      for (const hook of this.#restartHooks) await hook(remote);
    })();
    try {
      await this.#ready;
      incident.recovered = true;
    } catch (error) {
      incident.reopenError = error instanceof Error ? error.message : String(error);
      this.#ready = Promise.resolve();
    }
    for (const listener of [...this.#incidentListeners]) listener({ ...incident });
    return incident;
  }
}
