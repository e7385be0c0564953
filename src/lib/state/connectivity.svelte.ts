import { base } from '$app/paths';
import { dev } from '$app/environment';

/**
 * Online/offline and service-worker update status. A new version installs in the background
 * and waits; the person chooses when to reload into it, so no open work is interrupted.
 */
export class ConnectivityState {
  online = $state(true);
  updateWaiting = $state(false);
  /** True once a service worker controls the page: the app then starts offline too. */
  offlineReady = $state(false);

  #registration: ServiceWorkerRegistration | undefined;

  start(): () => void {
    this.online = navigator.onLine;
    const setOnline = () => (this.online = true);
    const setOffline = () => (this.online = false);
    addEventListener('online', setOnline);
    addEventListener('offline', setOffline);
    void this.#register();
    return () => {
      removeEventListener('online', setOnline);
      removeEventListener('offline', setOffline);
    };
  }

  /** Activates the waiting version; the page reloads when it takes control. */
  applyUpdate(): void {
    const waiting = this.#registration?.waiting;
    if (!waiting) return;
    navigator.serviceWorker.addEventListener('controllerchange', () => location.reload(), {
      once: true
    });
    waiting.postMessage({ type: 'SKIP_WAITING' });
  }

  async #register(): Promise<void> {
    if (!('serviceWorker' in navigator)) return;
    try {
      const registration = await navigator.serviceWorker.register(`${base}/service-worker.js`, {
        type: dev ? 'module' : 'classic',
        scope: `${base}/`
      });
      this.#registration = registration;
      const track = (worker: ServiceWorker | null) => {
        worker?.addEventListener('statechange', () => {
          if (worker.state === 'installed' && navigator.serviceWorker.controller) {
            this.updateWaiting = true;
          }
          if (worker.state === 'activated') this.offlineReady = true;
        });
      };
      if (registration.waiting && navigator.serviceWorker.controller) this.updateWaiting = true;
      track(registration.installing);
      registration.addEventListener('updatefound', () => track(registration.installing));
      await navigator.serviceWorker.ready;
      this.offlineReady = true;
    } catch (error) {
      // Without a service worker the app still works online; say why offline will not.
      console.warn('OpsIQ: offline support unavailable', error);
    }
  }
}
