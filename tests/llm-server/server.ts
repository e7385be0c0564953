/**
 * A local OpenAI-compatible server for tests (no network): `/v1/models` and
 * `/v1/chat/completions` with `response_format` json_schema (strict) and json_object, CORS like
 * strict real servers (a preflight is answered only for `authorization` and `content-type`;
 * anything else, e.g. the SDK's `x-stainless-*` headers, is refused), and per-test scripted
 * replies and faults. Under `/nocors/v1` the same API sends no CORS headers at all (a server
 * that does not allow this page, like Ollama without `OLLAMA_ORIGINS`).
 *
 * Replies are scripted per schema name (the `json_schema` name, or the `Schema name:` line
 * the app puts in its prompt in json_object mode); `*` matches any. Without a script the
 * server answers a minimal valid instance of the requested schema.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ScriptedReply {
  /** HTTP status; default 200. */
  status?: number;
  headers?: Record<string, string>;
  /** Raw body (string) or JSON body (object); replaces the whole completion. */
  body?: string | object;
  /** The message content: an object is sent as JSON text. */
  content?: string | object;
  /** Wait this long before answering. */
  delayMs?: number;
  refusal?: string;
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

export interface LlmServerOptions {
  port?: number;
  keys?: string[];
  /** Models; those in `jsonObjectOnly` refuse json_schema like a provider without strict mode. */
  models?: string[];
  jsonObjectOnly?: string[];
}

export interface LlmServer {
  /** Base URL with CORS: `http://127.0.0.1:<port>/v1`. */
  url: string;
  /** Base URL without CORS headers. */
  blockedUrl: string;
  origin: string;
  script(name: string, replies: ScriptedReply[]): void;
  reset(): void;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

const ALLOWED_HEADERS = ['authorization', 'content-type'];

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** A minimal valid instance of a JSON Schema (the subset zod emits). */
export function instanceOf(schema: Record<string, unknown>, defs = schema): Json {
  if (typeof schema['$ref'] === 'string') {
    const name = schema['$ref'].split('/').pop() ?? '';
    const table = (defs['$defs'] ?? defs['definitions'] ?? {}) as Record<
      string,
      Record<string, unknown>
    >;
    return instanceOf(table[name] ?? {}, defs);
  }
  const anyOf = (schema['anyOf'] ?? schema['oneOf']) as Record<string, unknown>[] | undefined;
  if (anyOf) {
    const nullable = anyOf.find((s) => s['type'] === 'null');
    return nullable ? null : instanceOf(anyOf[0] ?? {}, defs);
  }
  if ('const' in schema) return schema['const'] as Json;
  if (Array.isArray(schema['enum'])) return schema['enum'][0] as Json;
  const type = Array.isArray(schema['type']) ? schema['type'][0] : schema['type'];
  switch (type) {
    case 'object': {
      const props = (schema['properties'] ?? {}) as Record<string, Record<string, unknown>>;
      return Object.fromEntries(Object.entries(props).map(([k, s]) => [k, instanceOf(s, defs)]));
    }
    case 'array': {
      const n = Number(schema['minItems'] ?? 0);
      const items = (schema['items'] ?? {}) as Record<string, unknown>;
      return Array.from({ length: n }, () => instanceOf(items, defs));
    }
    case 'string':
      return 'The model weighed the evidence given.';
    case 'number':
    case 'integer':
      return Number(schema['minimum'] ?? 0);
    case 'boolean':
      return false;
    case 'null':
      return null;
    default:
      return null;
  }
}

function schemaFromPrompt(messages: { content?: unknown }[]): {
  name: string | null;
  schema: Record<string, unknown> | null;
} {
  const text = messages.map((m) => (typeof m.content === 'string' ? m.content : '')).join('\n');
  const name = /Schema name: ([\w-]+)/.exec(text)?.[1] ?? null;
  const block = /JSON Schema:\n(\{[\s\S]*?\})\nEND SCHEMA/.exec(text)?.[1];
  let schema: Record<string, unknown> | null = null;
  try {
    schema = block ? (JSON.parse(block) as Record<string, unknown>) : null;
  } catch {
    schema = null;
  }
  return { name, schema };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startLlmServer(options: LlmServerOptions = {}): Promise<LlmServer> {
  const keys = options.keys ?? ['sk-test'];
  const models = options.models ?? ['test-model', 'test-json-object-model'];
  const jsonObjectOnly = new Set(options.jsonObjectOnly ?? ['test-json-object-model']);
  const scripts = new Map<string, ScriptedReply[]>();
  const requests: RecordedRequest[] = [];

  const send = (
    res: ServerResponse,
    status: number,
    body: string | object,
    headers: Record<string, string> = {}
  ) => {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(status, {
      'content-type': typeof body === 'string' ? 'text/html' : 'application/json',
      ...headers
    });
    res.end(text);
  };
  const error = (res: ServerResponse, status: number, message: string, cors: object) =>
    send(res, status, { error: { message, type: 'invalid_request_error' } }, { ...cors });

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const origin = req.headers.origin;
    const blocked = url.pathname.startsWith('/nocors/');
    const path = blocked ? url.pathname.slice('/nocors'.length) : url.pathname;
    const cors: Record<string, string> =
      origin && !blocked ? { 'access-control-allow-origin': origin, vary: 'Origin' } : {};

    // Test control (from Node, not the browser).
    if (path === '/__script' && req.method === 'POST') {
      const { name, replies } = JSON.parse(await readBody(req)) as {
        name: string;
        replies: ScriptedReply[];
      };
      scripts.set(name, [...(scripts.get(name) ?? []), ...replies]);
      return send(res, 200, { ok: true });
    }
    if (path === '/__reset' && req.method === 'POST') {
      scripts.clear();
      requests.length = 0;
      return send(res, 200, { ok: true });
    }
    if (path === '/__requests') return send(res, 200, requests);

    if (req.method === 'OPTIONS') {
      const asked = (req.headers['access-control-request-headers'] ?? '')
        .split(',')
        .map((h) => h.trim().toLowerCase())
        .filter(Boolean);
      const refused = asked.filter((h) => !ALLOWED_HEADERS.includes(h));
      requests.push({ method: 'OPTIONS', path, headers: req.headers, body: { refused } });
      if (blocked || refused.length > 0) {
        res.writeHead(403);
        return res.end();
      }
      res.writeHead(204, {
        ...cors,
        'access-control-allow-methods': 'GET, POST, OPTIONS',
        'access-control-allow-headers': ALLOWED_HEADERS.join(', '),
        'access-control-max-age': '0'
      });
      return res.end();
    }

    const raw = req.method === 'POST' ? await readBody(req) : '';
    let body: Record<string, unknown> = {};
    try {
      body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    } catch {
      return error(res, 400, 'Body is not JSON', cors);
    }
    requests.push({ method: req.method ?? 'GET', path, headers: req.headers, body });

    const auth = req.headers.authorization ?? '';
    if (!keys.some((k) => auth === `Bearer ${k}`)) return error(res, 401, 'Invalid API Key', cors);

    if (path === '/v1/models' && req.method === 'GET')
      return send(
        res,
        200,
        { object: 'list', data: models.map((id) => ({ id, object: 'model', owned_by: 'test' })) },
        cors
      );

    if (path !== '/v1/chat/completions' || req.method !== 'POST')
      return error(res, 404, `No route ${path}`, cors);

    const model = String(body['model'] ?? '');
    if (!models.includes(model)) return error(res, 404, `The model ${model} does not exist`, cors);
    const format = body['response_format'] as
      { type: string; json_schema?: { name: string; schema: Record<string, unknown> } } | undefined;
    if (format?.type === 'json_schema' && jsonObjectOnly.has(model))
      return error(res, 400, `response_format json_schema is not supported by ${model}`, cors);

    const messages = (body['messages'] ?? []) as { content?: unknown }[];
    const fromPrompt = schemaFromPrompt(messages);
    const name = format?.json_schema?.name ?? fromPrompt.name ?? 'text';
    const schema = format?.json_schema?.schema ?? fromPrompt.schema;
    const queue = scripts.get(name)?.length ? scripts.get(name) : scripts.get('*');
    const reply: ScriptedReply = queue?.shift() ?? {};
    if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
    if (res.destroyed) return;
    const status = reply.status ?? 200;
    if (reply.body !== undefined)
      return send(res, status, reply.body, { ...cors, ...reply.headers });
    if (status !== 200)
      return error(res, status, `Scripted HTTP ${status}`, { ...cors, ...reply.headers });
    const content =
      reply.content === undefined
        ? format || schema
          ? JSON.stringify(schema ? instanceOf(schema) : {})
          : 'The model weighed the evidence given.'
        : typeof reply.content === 'string'
          ? reply.content
          : JSON.stringify(reply.content);
    const promptTokens = Math.ceil(raw.length / 4);
    return send(
      res,
      200,
      {
        id: `chatcmpl-${requests.length}`,
        object: 'chat.completion',
        created: 0,
        model,
        choices: [
          {
            index: 0,
            finish_reason: 'stop',
            message: {
              role: 'assistant',
              content: reply.refusal ? null : content,
              ...(reply.refusal ? { refusal: reply.refusal } : {})
            }
          }
        ],
        usage: {
          prompt_tokens: promptTokens,
          completion_tokens: Math.ceil(content.length / 4),
          total_tokens: promptTokens + Math.ceil(content.length / 4)
        }
      },
      { ...cors, ...reply.headers }
    );
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) send(res, 500, { error: { message: String(e) } });
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    url: `${origin}/v1`,
    blockedUrl: `${origin}/nocors/v1`,
    origin,
    script: (name, replies) => scripts.set(name, [...(scripts.get(name) ?? []), ...replies]),
    reset: () => {
      scripts.clear();
      requests.length = 0;
    },
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      })
  };
}
