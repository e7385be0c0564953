/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />
import { base, build, files, prerendered, version } from '$service-worker';

/**
 * Offline-first precache. `files` includes `static/vendor` (the engines' wasm and the demo
 * CSVs, copied there at build time because Vite's worker assets are missing from `build`).
 * Worker chunks that `build` misses are cached the first time they are fetched.
 */
const sw = self as unknown as ServiceWorkerGlobalScope;
const CACHE = `opsiq-${version}`;
// A Set: cache.addAll() rejects a list with duplicate requests, failing the whole install.
const PRECACHE = [...new Set([...build, ...files, ...prerendered])];

sw.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(PRECACHE)));
});

sw.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys()) if (key !== CACHE) await caches.delete(key);
      await sw.clients.claim();
    })()
  );
});

sw.addEventListener('message', (event) => {
  if ((event.data as { type?: string } | null)?.type === 'SKIP_WAITING') void sw.skipWaiting();
});

sw.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== location.origin || !url.pathname.startsWith(`${base}/`)) return;
  event.respondWith(request.mode === 'navigate' ? navigate(request) : cacheFirst(request));
});

/** Pages: the network when it answers (fresh HTML), else the precached page, else the shell. */
async function navigate(request: Request): Promise<Response> {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok) return response;
    throw new Error(`HTTP ${response.status}`);
  } catch {
    const url = new URL(request.url);
    const path = url.pathname.replace(/\/$/, '');
    return (
      (await cache.match(url.pathname)) ??
      (await cache.match(`${path}.html`)) ??
      (await cache.match(`${base}/`)) ??
      Response.error()
    );
  }
}

/** Assets are immutable per version: the cache first, the network once (then cached). */
async function cacheFirst(request: Request): Promise<Response> {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(request, { ignoreSearch: true });
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok && response.type === 'basic') await cache.put(request, response.clone());
  return response;
}
