import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** Sub-path hosting (GitHub Pages project sites): BASE_PATH=/opsiq npm run build. */
const base = process.env.BASE_PATH ?? '';
if (base !== '' && (!base.startsWith('/') || base.endsWith('/'))) {
  throw new Error(`BASE_PATH must start with "/" and not end with one (got "${base}")`);
}

/**
 * The hashes of app.html's own inline scripts (the pre-paint theme script): SvelteKit hashes the
 * scripts it writes, not the template's, and the CSP allows no other inline script.
 */
const templateScriptHashes = [
  ...readFileSync(new URL('./src/app.html', import.meta.url), 'utf8').matchAll(
    /<script>([\s\S]*?)<\/script>/g
  )
].map(
  (m) =>
    /** @type {`sha256-${string}`} */ (
      `sha256-${createHash('sha256').update(m[1]).digest('base64')}`
    )
);

/**
 * SvelteKit's route announcer (a live region it writes into every page) carries a style
 * attribute; 'unsafe-hashes' with its hash allows exactly that attribute and no other.
 */
const announcerStyleHash = (() => {
  const root = readFileSync(
    new URL('./node_modules/@sveltejs/kit/src/core/sync/write_root.js', import.meta.url),
    'utf8'
  );
  const style = /id="svelte-announcer"[^>]*?style="([^"]*)"/.exec(root)?.[1];
  if (!style) throw new Error("SvelteKit's announcer style was not found: update the CSP");
  return /** @type {`sha256-${string}`} */ (
    `sha256-${createHash('sha256').update(style).digest('base64')}`
  );
})();

/**
 * Content Security Policy, written by SvelteKit as a <meta> tag into every prerendered page
 * (static hosts set no headers). Scripts: the app's own files and the hashes of its inline boot
 * scripts only; 'wasm-unsafe-eval' lets DuckDB and SQLite compile their wasm. Styles: the app's
 * stylesheets only (Svelte sets dynamic styles through CSSOM, which CSP does not restrict), so
 * no style attribute or <style> element from data applies. Connections: the app itself, https
 * model endpoints and model servers on this machine. No remote images, frames or plugins.
 * @type {import('@sveltejs/kit').Config['kit']['csp']}
 */
export const csp = {
  mode: 'hash',
  directives: {
    'default-src': ['self'],
    'script-src': ['self', 'wasm-unsafe-eval', ...templateScriptHashes],
    'style-src': ['self'],
    'style-src-attr': ['unsafe-hashes', announcerStyleHash],
    'worker-src': ['self'],
    'connect-src': ['self', 'https:', 'http://localhost:*', 'http://127.0.0.1:*'],
    'img-src': ['self', 'data:'],
    'font-src': ['self'],
    'manifest-src': ['self'],
    'media-src': ['none'],
    'frame-src': ['none'],
    'object-src': ['none'],
    'base-uri': ['self'],
    'form-action': ['self']
  }
};

/** @type {import('@sveltejs/kit').Config} */
const config = {
  preprocess: vitePreprocess(),
  compilerOptions: { runes: true },
  kit: {
    adapter: adapter({
      pages: process.env.BUILD_DIR ?? 'build',
      assets: process.env.BUILD_DIR ?? 'build',
      fallback: '404.html',
      strict: true
    }),
    paths: { base, relative: false },
    alias: { $workers: 'workers' },
    serviceWorker: { register: false },
    version: { pollInterval: 0 },
    csp
  }
};

export default config;
