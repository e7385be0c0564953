import type { StateChange } from '$workers/contracts/state';

interface Subscriber {
  tables: ReadonlySet<string>;
  origins: ReadonlySet<StateChange['origin']>;
  refresh: (tables: readonly string[]) => Promise<void>;
  /** Tables changed while a refresh was running: one more refresh follows with them. */
  queued: Set<string> | null;
  running: boolean;
}

/**
 * The change feed as the views use it: the state worker reports every write (this tab's, and
 * other tabs' as soon as it applied their log record) with the tables it touched; each
 * subscriber refreshes only when one of its tables changed, with those tables. A subscriber's
 * refreshes never overlap: changes arriving during one are folded into the next.
 */
export class ChangeFeed {
  readonly #subscribers = new Set<Subscriber>();

  /** Returns the unsubscribe function. */
  subscribe(
    tables: readonly string[],
    refresh: (tables: readonly string[]) => Promise<void>,
    origins: readonly StateChange['origin'][] = ['remote']
  ): () => void {
    const subscriber: Subscriber = {
      tables: new Set(tables),
      origins: new Set(origins),
      refresh,
      queued: null,
      running: false
    };
    this.#subscribers.add(subscriber);
    return () => this.#subscribers.delete(subscriber);
  }

  /** Every table some subscriber watches (a restarted worker means all of them changed). */
  watchedTables(): string[] {
    const tables = new Set<string>();
    for (const s of this.#subscribers) for (const t of s.tables) tables.add(t);
    return [...tables];
  }

  /** Routes one change; resolves when the refreshes it started (or queued) are done. */
  async dispatch(change: StateChange): Promise<void> {
    const runs: Promise<void>[] = [];
    for (const s of this.#subscribers) {
      if (!s.origins.has(change.origin)) continue;
      const hit = change.tables.filter((t) => s.tables.has(t));
      if (hit.length > 0) runs.push(this.#run(s, hit));
    }
    await Promise.all(runs);
  }

  async #run(s: Subscriber, tables: readonly string[]): Promise<void> {
    if (s.running) {
      s.queued = new Set([...(s.queued ?? []), ...tables]);
      return;
    }
    s.running = true;
    try {
      let next: readonly string[] | null = tables;
      while (next !== null) {
        s.queued = null;
        try {
          await s.refresh(next);
        } catch (error) {
          console.warn('OpsIQ could not refresh after a change', error);
        }
        next = s.queued === null ? null : [...s.queued];
      }
    } finally {
      s.running = false;
    }
  }
}
