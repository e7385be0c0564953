/** LLM failures, classified, each with plain words for the user. */
import type { LlmErrorClass } from './port';

export class LlmError extends Error {
  readonly kind: LlmErrorClass;
  readonly status: number | undefined;
  /** Seconds the server asked to wait (429 `retry-after`). */
  readonly retryAfterS: number | undefined;

  constructor(
    kind: LlmErrorClass,
    message: string,
    options: { status?: number; retryAfterS?: number } = {}
  ) {
    super(message);
    this.name = 'LlmError';
    this.kind = kind;
    this.status = options.status;
    this.retryAfterS = options.retryAfterS;
  }
}

export const llmErrorWords: Record<LlmErrorClass, string> = {
  auth: 'The server refused the API key (wrong or expired key).',
  unknown_model: 'The server does not know this model.',
  rate_limit: 'The provider is rate limiting this key; try again later.',
  timeout: 'The model did not answer in time.',
  network: 'The server could not be reached (offline, wrong URL, or the server is down).',
  cors: 'The browser blocked the call: the server does not allow this page (CORS).',
  provider_error: 'The provider answered with an error page instead of a reply.',
  non_json: 'The reply was not JSON from an OpenAI-compatible server.',
  invalid_output: "The model's answer did not fit the step's schema.",
  refused: 'The model refused to answer.',
  cancelled: 'The call was cancelled (Stop, or a newer run).',
  call_cap: "This run reached its cap on model calls; the rest use OpsIQ's rules."
};

/** Which classes are worth another attempt. */
export function retryable(kind: LlmErrorClass): boolean {
  return kind === 'rate_limit' || kind === 'timeout' || kind === 'provider_error';
}

/** Removes anything that looks like a bearer key from a message (errors may echo headers). */
export function scrubSecrets(text: string, apiKey: string): string {
  let out = text;
  if (apiKey.length >= 4) out = out.split(apiKey).join('[key]');
  return out.replace(/\b(sk|gsk|or|key)-[A-Za-z0-9_-]{8,}/g, '[key]');
}
