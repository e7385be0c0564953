import { onWorkerIncident, startedClients, type WorkerIncident } from '$lib/services/workers';

/**
 * Worker incidents as the page tells them: a worker that crashed (or was terminated) mid-call
 * was restarted and reopened by its client; the banner says which, why, and that nothing saved
 * was lost.
 */
export class WorkerHealthState {
  incidents = $state.raw<WorkerIncident[]>([]);
  #started = false;

  start(): void {
    if (this.#started) return;
    this.#started = true;
    onWorkerIncident((incident) => {
      this.incidents = [...this.incidents, incident];
    });
    // Test hook (Playwright): terminate a worker mid-call, as an out-of-memory kill would.
    (globalThis as { __opsiqCrashWorker?: unknown }).__opsiqCrashWorker = (name: string) =>
      this.crashForTest(name);
  }

  dismiss(): void {
    this.incidents = [];
  }

  /**
   * Starts a call on the named worker, then terminates it while the call is pending; resolves
   * with that call's error code and the incident (so a test can check nothing hung).
   */
  async crashForTest(name: string): Promise<{ code: string | null; incident: WorkerIncident }> {
    const client = startedClients()[name];
    if (!client) throw new Error(`No ${name} worker is running`);
    const api = client.api as unknown as Record<string, () => Promise<unknown>>;
    const probe = { state: 'counts', analytics: 'status', generator: 'cancel' }[name] ?? 'status';
    const pending = api[probe]!().then(
      () => null,
      (error: unknown) => String((error as { code?: unknown }).code ?? 'unknown')
    );
    // Terminate once the call is on its way: its answer needs a task on this thread, so it
    // cannot arrive before the worker dies.
    for (let i = 0; i < 1000 && client.pendingCalls === 0; i++) await Promise.resolve();
    const incident = await client.terminateAsCrash('terminated by a test');
    return { code: await pending, incident };
  }
}
