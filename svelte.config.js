import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** Sub-path hosting (GitHub Pages project sites): BASE_PATH=/opsiq npm run build. */
const base = process.env.BASE_PATH ?? '';
if (base !== '' && (!base.startsWith('/') || base.endsWith('/'))) {
  throw new Error(`BASE_PATH must start with "/" and not end with one (got "${base}")`);
}

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
    version: { pollInterval: 0 }
  }
};

export default config;
