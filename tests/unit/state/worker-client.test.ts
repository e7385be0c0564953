import { afterEach, describe, expect, it } from 'vitest';
import { WorkerClient, type WorkerLike } from '../../../src/lib/services/worker-client';
import { Comlink } from '../../../workers/contracts/wire';
import type { StateApi } from '../../../workers/contracts/state';
import type { StateService } from '../../../workers/services/state-service';
import { createTab, freshIdb, sampleCase } from './harness';

/**
 * The one worker client, over a real StateService exposed with Comlink on a MessageChannel
 * (Node has no Web Worker): a "worker" that dies mid-call must not leave the call hanging.
 */
class ChannelWorker extends EventTarget implements WorkerLike {
  readonly #channel = new MessageChannel();
  terminated = false;
  constructor(service: object) {
    super();
    Comlink.expose(service, this.#channel.port2 as unknown as Comlink.Endpoint);
    this.#channel.port1.addEventListener('message', (event) =>
      this.dispatchEvent(new MessageEvent('message', { data: (event as MessageEvent).data }))
    );
    this.#channel.port1.start();
  }
  postMessage(message: unknown, transfer?: Transferable[]): void {
    if (this.terminated) return; // a dead worker swallows messages, as a terminated one does
    this.#channel.port1.postMessage(message, (transfer ?? []) as never);
  }
  terminate(): void {
    this.terminated = true;
    this.#channel.port1.close();
    this.#channel.port2.close();
  }
}

const services: StateService[] = [];
afterEach(async () => {
  await Promise.all(services.splice(0).map((s) => s.close()));
});

function setup() {
  const idb = freshIdb();
  const workers: ChannelWorker[] = [];
  const client = new WorkerClient<StateApi>('state', () => {
    const service = createTab({ idb });
    services.push(service);
    const worker = new ChannelWorker(service);
    workers.push(worker);
    return worker;
  });
  const opened: number[] = [];
  client.onRestart(async (api) => {
    await api.open();
    opened.push(workers.length);
  });
  return { client, workers, opened };
}

describe('WorkerClient', () => {
  it('an error event mid-call rejects the pending call with worker_crashed, restarts and reopens; nothing stored is lost', async () => {
    const { client, workers, opened } = setup();
    const incidents: unknown[] = [];
    client.onIncident((i) => incidents.push(i));
    await client.api.open();
    await client.api.putCases([sampleCase(1)]);

    // A call is on its way when the worker dies (as an out-of-memory kill does).
    const pending = client.api.putCases([sampleCase(2)]);
    const probe = client.api.countCases();
    pending.catch(() => undefined);
    probe.catch(() => undefined);
    for (let i = 0; i < 100 && client.pendingCalls < 2; i++) await Promise.resolve();
    expect(client.pendingCalls).toBe(2);
    workers[0]!.terminate();
    workers[0]!.dispatchEvent(Object.assign(new Event('error'), { message: 'out of memory' }));

    await expect(pending).rejects.toMatchObject({ code: 'worker_crashed' });
    await expect(probe).rejects.toMatchObject({
      code: 'worker_crashed',
      message: expect.stringMatching(/state engine stopped \(error: out of memory\)/)
    });
    await expect.poll(() => incidents.length).toBe(1);
    expect(incidents[0]).toMatchObject({
      worker: 'state',
      reason: 'error: out of memory',
      rejectedCalls: 2,
      recovered: true
    });
    expect(workers).toHaveLength(2);
    expect(opened).toEqual([2]);
    // The new worker works and sees what was stored before the crash.
    expect((await client.api.listCases()).map((c) => c.caseId)).toContain('case-1');
    await client.api.putCases([sampleCase(3)]);
    expect(await client.api.countCases()).toBeGreaterThanOrEqual(2);
  });

  it('messageerror counts as a crash too; calls made while it reopens wait for it', async () => {
    const { client, workers } = setup();
    await client.api.open();
    workers[0]!.dispatchEvent(new MessageEvent('messageerror'));
    const during = client.api.countCases(); // queued behind the reopen
    expect(await during).toBe(0);
    expect(workers).toHaveLength(2);
  });

  it('terminateAsCrash (the e2e hook) goes through the error listener', async () => {
    const { client, workers } = setup();
    await client.api.open();
    const call = client.api.counts().then(
      () => null,
      (error: { code: string }) => error.code
    );
    for (let i = 0; i < 100 && client.pendingCalls < 1; i++) await Promise.resolve();
    const incident = await client.terminateAsCrash('terminated by a test');
    expect(await call).toBe('worker_crashed');
    expect(incident).toMatchObject({ reason: 'error: terminated by a test', recovered: true });
    expect(workers[0]!.terminated).toBe(true);
  });

  it('a failed reopen is reported, and later calls are not blocked forever', async () => {
    let n = 0;
    const client = new WorkerClient<StateApi>('state', () => {
      const service = createTab({ idb: freshIdb() });
      services.push(service);
      n++;
      return new ChannelWorker(service);
    });
    client.onRestart(() => Promise.reject(new Error('sql.js failed to load')));
    const incident = await client.crash('test');
    expect(incident).toMatchObject({ recovered: false, reopenError: 'sql.js failed to load' });
    await client.api.open();
    expect(await client.api.countCases()).toBe(0);
    expect(n).toBe(2);
  });
});
