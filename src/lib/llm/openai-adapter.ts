/**
 * The one `Llm` adapter, over the `openai` SDK (loaded lazily: it is not in the initial
 * JavaScript). The SDK's own retries are off; `retry.ts` retries with backoff and jitter,
 * honouring `retry-after`. Each attempt has its own timeout; the caller's signal cancels.
 * Every failure becomes an `LlmError` with a class (see `errors.ts`), with the key scrubbed.
 */
import { LlmError, llmErrorWords, scrubSecrets } from './errors';
import type { Llm, LlmConfig, LlmRequest, LlmResponse } from './port';
import { withRetry } from './retry';
import { strictHeadersFetch } from './strip-fetch';

type OpenAIClient = import('openai').OpenAI;
type OpenAIModule = typeof import('openai');

export interface AdapterDeps {
  fetch?: typeof fetch;
  random?: () => number;
  /** Retry backoff base, ms (tests make it small). */
  backoffBaseMs?: number;
}

export function createOpenAiLlm(config: LlmConfig, deps: AdapterDeps = {}): Llm {
  const baseFetch = deps.fetch ?? globalThis.fetch.bind(globalThis);
  let client: Promise<OpenAIClient> | undefined;
  let mod: OpenAIModule | undefined;
  const sdk = () =>
    (client ??= import('openai').then(
      (m) =>
        (mod = m) &&
        new m.default({
          apiKey: config.apiKey || 'none',
          baseURL: config.baseUrl.replace(/\/+$/, ''),
          dangerouslyAllowBrowser: true,
          maxRetries: 0,
          timeout: config.timeoutMs + 1000,
          fetch: strictHeadersFetch(baseFetch)
        })
    ));

  /** One attempt, with its own timeout, aborted by the caller's signal too. */
  async function attempt<T>(
    signal: AbortSignal | undefined,
    run: (c: OpenAIClient, s: AbortSignal) => Promise<T>
  ): Promise<T> {
    if (signal?.aborted) throw new LlmError('cancelled', llmErrorWords.cancelled);
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, config.timeoutMs);
    const onAbort = () => controller.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      return await run(await sdk(), controller.signal);
    } catch (error) {
      if (timedOut)
        throw new LlmError(
          'timeout',
          `${llmErrorWords.timeout} (no answer within ${(config.timeoutMs / 1000).toFixed(1)} s)`
        );
      if (signal?.aborted) throw new LlmError('cancelled', llmErrorWords.cancelled);
      throw await classify(error, config, baseFetch, mod);
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  const retryOptions = (signal: AbortSignal | undefined) => ({
    maxRetries: config.maxRetries,
    baseMs: deps.backoffBaseMs ?? 500,
    maxWaitMs: 20_000,
    random: deps.random ?? Math.random,
    signal
  });

  return {
    info: { provider: config.provider, baseUrl: config.baseUrl, model: config.model },

    async complete(request: LlmRequest): Promise<LlmResponse> {
      const t0 = performance.now();
      const { value, attempts } = await withRetry(
        () =>
          attempt(request.signal, async (c, signal) => {
            const response_format =
              request.mode === 'json_schema' && request.schema
                ? {
                    type: 'json_schema' as const,
                    json_schema: {
                      name: request.schema.name,
                      strict: true,
                      schema: request.schema.jsonSchema
                    }
                  }
                : request.mode === 'json_object'
                  ? { type: 'json_object' as const }
                  : undefined;
            const completion: unknown = await c.chat.completions.create(
              {
                model: config.model,
                messages: request.messages,
                ...(response_format ? { response_format } : {}),
                ...(request.maxTokens ? { max_tokens: request.maxTokens } : {}),
                temperature: 0
              },
              { signal }
            );
            return readCompletion(completion);
          }),
        retryOptions(request.signal)
      );
      return { ...value, latencyMs: Math.round(performance.now() - t0), attempts };
    },

    async listModels(signal?: AbortSignal): Promise<string[]> {
      const { value } = await withRetry(
        () =>
          attempt(signal, async (c, s) => {
            const page: unknown = await c.models.list({ signal: s });
            const data = (page as { data?: unknown }).data;
            if (!Array.isArray(data))
              throw new LlmError('non_json', 'GET /models did not return a list of models.');
            return data
              .map((m: unknown) => (m as { id?: unknown }).id)
              .filter((id): id is string => typeof id === 'string')
              .sort();
          }),
        retryOptions(signal)
      );
      return value;
    }
  };
}

function readCompletion(completion: unknown): Omit<LlmResponse, 'latencyMs' | 'attempts'> {
  if (typeof completion !== 'object' || completion === null || !('choices' in completion)) {
    const body = typeof completion === 'string' ? completion : JSON.stringify(completion);
    const html = /<\s*(!doctype|html|body)/i.test(body ?? '');
    throw new LlmError(
      html ? 'provider_error' : 'non_json',
      html
        ? 'The server answered with an HTML page instead of a completion.'
        : 'The reply is not an OpenAI-compatible completion.'
    );
  }
  const c = completion as {
    choices: { message?: { content?: unknown; refusal?: unknown }; finish_reason?: unknown }[];
    usage?: { prompt_tokens?: number; completion_tokens?: number };
    model?: unknown;
  };
  const choice = c.choices[0];
  const refusal = choice?.message?.refusal;
  if (typeof refusal === 'string' && refusal.length > 0)
    throw new LlmError('refused', `The model refused: ${refusal.slice(0, 200)}`);
  const content = choice?.message?.content;
  if (typeof content !== 'string')
    throw new LlmError('non_json', 'The completion has no message content.');
  return {
    text: content,
    usage: {
      promptTokens: c.usage?.prompt_tokens ?? 0,
      completionTokens: c.usage?.completion_tokens ?? 0
    },
    model: typeof c.model === 'string' ? c.model : ''
  };
}

/** Turns an SDK or fetch error into a classified `LlmError`, the key scrubbed from it. */
async function classify(
  error: unknown,
  config: LlmConfig,
  baseFetch: typeof fetch,
  sdk: OpenAIModule | undefined
): Promise<LlmError> {
  if (error instanceof LlmError) return error;
  // By class (names are minified in the built app).
  if (sdk && error instanceof sdk.APIConnectionTimeoutError)
    return new LlmError('timeout', llmErrorWords.timeout);
  if (sdk && error instanceof sdk.APIUserAbortError)
    return new LlmError('cancelled', llmErrorWords.cancelled);
  if (sdk && error instanceof sdk.APIConnectionError)
    return (await corsBlocked(config.baseUrl, baseFetch))
      ? new LlmError('cors', llmErrorWords.cors)
      : new LlmError('network', llmErrorWords.network);
  const scrub = (s: string) => scrubSecrets(s, config.apiKey).slice(0, 300);
  const e = error as {
    status?: number;
    headers?: Headers;
    message?: string;
    name?: string;
    constructor?: { name?: string };
  };
  const message = scrub(e.message ?? String(error));
  const status = typeof e.status === 'number' ? e.status : undefined;
  if (status !== undefined) {
    if (status === 401 || status === 403)
      return new LlmError('auth', `${llmErrorWords.auth} (HTTP ${status})`, { status });
    if (status === 404)
      return new LlmError(
        'unknown_model',
        `${llmErrorWords.unknown_model} (HTTP 404 for "${config.model}")`,
        { status }
      );
    if (status === 429) {
      const header = e.headers?.get?.('retry-after');
      const seconds = header ? Number(header) : NaN;
      return new LlmError(
        'rate_limit',
        `${llmErrorWords.rate_limit} (HTTP 429${header ? `, retry after ${header} s` : ''})`,
        { status, ...(Number.isFinite(seconds) ? { retryAfterS: seconds } : {}) }
      );
    }
    if (status >= 500 || /<\s*(!doctype|html)/i.test(message))
      return new LlmError('provider_error', `${llmErrorWords.provider_error} (HTTP ${status})`, {
        status
      });
    if (status === 400 && /response_format|json_schema|schema/i.test(message))
      return new LlmError('invalid_output', `The server refused the output format: ${message}`, {
        status
      });
    return new LlmError('provider_error', `HTTP ${status}: ${message}`, { status });
  }
  const kind = e.constructor?.name ?? e.name ?? '';
  if (/Timeout/i.test(kind)) return new LlmError('timeout', llmErrorWords.timeout);
  if (/Abort/i.test(kind)) return new LlmError('cancelled', llmErrorWords.cancelled);
  if (/Connection/i.test(kind) || error instanceof TypeError) {
    return (await corsBlocked(config.baseUrl, baseFetch))
      ? new LlmError('cors', llmErrorWords.cors)
      : new LlmError('network', llmErrorWords.network);
  }
  if (error instanceof SyntaxError || /JSON/i.test(message))
    return new LlmError('non_json', `${llmErrorWords.non_json} (${message})`);
  return new LlmError('provider_error', message);
}

/**
 * In a browser, a CORS refusal and an unreachable server fail alike. An opaque `no-cors` GET
 * tells them apart: it succeeds when the server answers at all.
 */
async function corsBlocked(baseUrl: string, baseFetch: typeof fetch): Promise<boolean> {
  if (typeof document === 'undefined') return false;
  try {
    await baseFetch(`${baseUrl.replace(/\/+$/, '')}/models`, {
      mode: 'no-cors',
      signal: AbortSignal.timeout(3000)
    });
    return true;
  } catch {
    return false;
  }
}
