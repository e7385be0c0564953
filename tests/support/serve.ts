/**
 * A static file server for the built site, like GitHub Pages: `build/` at `/`, or a sub-path
 * build (`build-opsiq/opsiq`) served from its parent so the site lives at `/opsiq/`.
 * Used by Playwright's webServer and by tests that must stop the server (offline).
 */
import { createServer, type Server } from 'node:http';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import sirv from 'sirv';

export interface StaticServer {
  url: string;
  close(): Promise<void>;
}

export async function serveStatic(dir: string, port = 0): Promise<StaticServer> {
  const handler = sirv(resolve(dir), { dev: false, etag: true, extensions: ['html'] });
  const server: Server = createServer((req, res) =>
    handler(req, res, () => {
      res.statusCode = 404;
      res.end('Not found');
    })
  );
  const sockets = new Set<import('node:net').Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((ok) => server.listen(port, '127.0.0.1', ok));
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('server has no address');
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: () =>
      new Promise<void>((ok) => {
        for (const s of sockets) s.destroy();
        server.close(() => ok());
      })
  };
}

/**
 * `tsx tests/support/serve.ts [DIR] [PORT] [--port N]`; `PORT=N` works too (`npm start -- --port N`).
 * A positional port wins over `--port`, which wins over `PORT`; the default is 4173.
 */
export function parseServeArgs(
  argv: readonly string[],
  env: Record<string, string | undefined>
): { dir: string; port: number } {
  const positional: string[] = [];
  let flagPort: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--port' || a === '-p') flagPort = argv[++i];
    else if (a.startsWith('--port=')) flagPort = a.slice('--port='.length);
    else positional.push(a);
  }
  const raw = positional[1] ?? flagPort ?? env.PORT ?? '4173';
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`Not a port number: "${raw}" (use --port N or PORT=N, 0-65535)`);
  }
  return { dir: positional[0] ?? 'build', port };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { dir, port } = parseServeArgs(process.argv.slice(2), process.env);
  const { url } = await serveStatic(dir, port);
  console.log(`Serving ${dir} at ${url}`);
}
