/**
 * The `fetch` handed to the SDK: sends only the headers a strict OpenAI-compatible server
 * allows in a CORS preflight (`authorization`, `content-type`, plus the safelisted `accept`).
 * The SDK adds `x-stainless-*` telemetry headers that Ollama and others refuse in preflight;
 * nulling them through `defaultHeaders` has been unreliable across SDK versions (openai-node
 * #1124, #1499), so they are dropped here, on the wire.
 */
const ALLOWED = new Set(['authorization', 'content-type', 'accept']);

export function allowedHeaders(headers: HeadersInit | undefined): Headers {
  const out = new Headers();
  new Headers(headers).forEach((value, name) => {
    if (ALLOWED.has(name.toLowerCase())) out.set(name, value);
  });
  return out;
}

export function strictHeadersFetch(base: typeof fetch): typeof fetch {
  return (input, init) => {
    const from = init?.headers ?? (input instanceof Request ? input.headers : undefined);
    return base(input, { ...init, headers: allowedHeaders(from) });
  };
}
