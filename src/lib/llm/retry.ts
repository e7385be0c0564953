/** One retry layer: exponential backoff with full jitter, honouring `retry-after`. */
import { LlmError, retryable } from './errors';

export interface RetryOptions {
  maxRetries: number;
  /** First backoff, ms. */
  baseMs: number;
  /** Longest wait between attempts, ms (a longer `retry-after` gives up instead). */
  maxWaitMs: number;
  random: () => number;
  signal: AbortSignal | undefined;
}

export function backoffMs(attempt: number, error: LlmError, o: RetryOptions): number {
  if (error.retryAfterS !== undefined) return error.retryAfterS * 1000;
  const cap = Math.min(o.maxWaitMs, o.baseMs * 2 ** attempt);
  return Math.round(cap / 2 + (o.random() * cap) / 2);
}

export function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new LlmError('cancelled', 'Cancelled'));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new LlmError('cancelled', 'Cancelled'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Runs `attempt` until it succeeds, fails for good, or the retries are spent. */
export async function withRetry<T>(
  attempt: (n: number) => Promise<T>,
  o: RetryOptions
): Promise<{ value: T; attempts: number }> {
  for (let n = 0; ; n++) {
    try {
      return { value: await attempt(n), attempts: n + 1 };
    } catch (error) {
      if (!(error instanceof LlmError) || !retryable(error.kind) || n >= o.maxRetries) throw error;
      const wait = backoffMs(n, error, o);
      if (wait > o.maxWaitMs) throw error;
      await sleep(wait, o.signal);
    }
  }
}
