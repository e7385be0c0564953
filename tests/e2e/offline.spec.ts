import { appendFileSync, cpSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { serveStatic, type StaticServer } from '../support/serve';
import { demoCounts, expect, readCounts, test, waitForDataset } from './fixtures';

/**
 * `context.setOffline(true)` does not stop the requests of nested workers, so these tests run
 * their own server and stop it: after that, only the service worker's cache can answer.
 */
function listFiles(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix)).flatMap((name) => {
    const rel = prefix ? `${prefix}/${name}` : name;
    return statSync(join(dir, rel)).isDirectory() ? listFiles(dir, rel) : [rel];
  });
}

const sites = [
  { name: 'root', dir: 'build', path: '/' },
  { name: 'sub-path /opsiq/', dir: 'build-opsiq', path: '/opsiq/' }
];

for (const site of sites) {
  test.describe(`served at ${site.name}`, () => {
    let server: StaticServer;
    test.beforeEach(async () => {
      server = await serveStatic(site.dir);
    });
    test.afterEach(async () => {
      await server.close();
    });

    test('after one online visit the app starts and queries offline', async ({ page }) => {
      const origin = server.url;
      const foreign: string[] = [];
      page.on('request', (r) => {
        if (
          !r.url().startsWith(origin) &&
          !r.url().startsWith('data:') &&
          !r.url().startsWith('blob:')
        )
          foreign.push(r.url());
      });
      await page.goto(origin + site.path);
      await waitForDataset(page);
      expect(await readCounts(page)).toEqual(demoCounts);
      // The service worker is installed and controls the page once it has precached everything.
      await page.waitForFunction(async () => {
        const reg = await navigator.serviceWorker.ready;
        return reg.active?.state === 'activated' && navigator.serviceWorker.controller !== null;
      });
      const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
      expect(new URL(scope).pathname).toBe(site.path);
      // Every file the app may load is precached, not just those this visit happened to fetch.
      const cached = await page.evaluate(async () => {
        const cache = await caches.open((await caches.keys())[0]!);
        return (await cache.keys()).map((r) => new URL(r.url).pathname);
      });
      const root = join(site.dir, site.path);
      // version.json is only read online, to detect a new deployment.
      const files = listFiles(root).filter(
        (f) => !/(^|\/)(service-worker\.js|404\.html|version\.json)$/.test(f)
      );
      // Rolldown leaves an unreferenced copy of a dynamic-import chunk beside the (inlined)
      // worker; only chunks some shipped file imports can ever be requested.
      const text = files
        .filter((f) => f.endsWith('.js'))
        .map((f) => readFileSync(join(root, f), 'utf8'));
      const shipped = files
        .filter((f) => !f.includes('/chunks/') || text.some((t) => t.includes(basename(f))))
        .map((f) => site.path + f.replace(/\.html$/, '').replace(/^index$/, ''));
      expect(shipped.filter((f) => !cached.includes(f))).toEqual([]);

      await server.close();
      await page.reload();
      await waitForDataset(page);
      expect(await readCounts(page)).toEqual(demoCounts);
      await expect(page.getByTestId('as-of')).toHaveText('2026-02-21');
      // Navigation to another prerendered page works offline too.
      await page.getByRole('link', { name: 'Settings', exact: true }).click();
      await expect(page.getByRole('heading', { level: 1 })).toHaveText('Settings');
      await page.goto(origin + site.path.replace(/\/$/, '') + '/qa-lab');
      await expect(page.getByRole('heading', { level: 1 })).toHaveText('QA Lab');
      await page.context().setOffline(true);
      await expect(page.getByTestId('offline-banner')).toBeVisible();
      expect(foreign).toEqual([]);
      server = await serveStatic(site.dir); // afterEach closes it
    });
  });
}

test('a new version waits until the person reloads into it', async ({ page }) => {
  const dir = mkdtempSync(join(tmpdir(), 'opsiq-update-'));
  cpSync('build', dir, { recursive: true });
  let server = await serveStatic(dir);
  try {
    await page.goto(server.url + '/');
    await waitForDataset(page);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    await expect(page.getByTestId('update-banner')).toHaveCount(0);

    // A new deployment on the same origin: the service worker script changes byte-wise.
    // (A new server: sirv caches file sizes at start-up.)
    const port = Number(new URL(server.url).port);
    await server.close();
    appendFileSync(join(dir, 'service-worker.js'), '\n// next version\n');
    server = await serveStatic(dir, port);
    await page.reload();
    // The new worker installs (precaching 35 MB) before it waits: give a loaded machine time.
    await expect(page.getByTestId('update-banner')).toBeVisible({ timeout: 60_000 });
    await page.getByRole('button', { name: 'Reload to update' }).click();
    await page.waitForLoadState('load');
    await waitForDataset(page);
    await expect(page.getByTestId('update-banner')).toHaveCount(0);
  } finally {
    await server.close();
  }
});
