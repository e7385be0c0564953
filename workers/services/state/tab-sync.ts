import { z } from 'zod';

/** What the service needs from `navigator.locks` (tests pass an in-process mutex). */
export interface LockManagerLike {
  request<T>(name: string, callback: () => Promise<T>): Promise<T>;
}

/** What the service needs from a `BroadcastChannel('opsiq-state')`. */
export interface StateChannel {
  post(message: unknown): void;
  onMessage(callback: (message: unknown) => void): void;
  close(): void;
}

/** The one lock every tab takes to write, catch up or checkpoint: it orders the log. */
export const WRITE_LOCK = 'opsiq-state-write';

const walMessageSchema = z.object({
  type: z.literal('wal'),
  seq: z.number().int().nonnegative(),
  /** The tables the record touched (older tabs send none). */
  tables: z.array(z.string()).optional()
});

/**
 * Wakes the service when another tab may have written: on a channel message (fast path) and on
 * a slow poll (fallback for a missed message, e.g. a channel that is not supported). The service
 * decides whether there is anything new; this class only says "look".
 */
export class TabSync {
  readonly #channel: StateChannel | undefined;
  readonly #timer: ReturnType<typeof setInterval>;

  constructor(channel: StateChannel | undefined, pollMs: number, onSignal: (seq: number) => void) {
    this.#channel = channel;
    channel?.onMessage((message) => {
      const parsed = walMessageSchema.safeParse(message);
      if (parsed.success) onSignal(parsed.data.seq);
    });
    this.#timer = setInterval(() => onSignal(0), pollMs);
    unref(this.#timer);
  }

  /** Tells the other tabs that the log now reaches `seq`, and which tables its record touched. */
  announce(seq: number, tables: readonly string[]): void {
    this.#channel?.post({ type: 'wal', seq, tables: [...tables] });
  }

  close(): void {
    clearInterval(this.#timer);
    this.#channel?.close();
  }
}

/** Node keeps the process alive for a pending timer; a browser timer has no `unref`. */
export function unref(timer: unknown): void {
  (timer as { unref?: () => void } | null)?.unref?.();
}

/**
 * Wraps `run` so that calls never overlap: a call during a run schedules exactly one more run
 * after it (wake-ups from the channel and the poll collapse into few catch-ups).
 */
export function coalesce(run: () => Promise<void>): () => void {
  let running = false;
  let again = false;
  const loop = async (): Promise<void> => {
    running = true;
    try {
      do {
        again = false;
        await run();
      } while (again);
    } catch (error) {
      // The next signal or poll retries; nothing is lost, the log is still in IndexedDB.
      console.warn('OpsIQ state sync failed', error);
    } finally {
      running = false;
    }
  };
  return () => {
    if (running) again = true;
    else void loop();
  };
}
