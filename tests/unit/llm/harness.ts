/** The real adapter (openai SDK) against the local OpenAI-compatible test server. */
import { createOpenAiLlm } from '../../../src/lib/llm/openai-adapter';
import type { LlmConfig } from '../../../src/lib/llm/port';
import { LlmSession } from '../../../src/lib/llm/session';
import type { LlmServer } from '../../llm-server/server';

export function testConfig(server: LlmServer, over: Partial<LlmConfig> = {}): LlmConfig {
  return {
    provider: 'custom',
    baseUrl: server.url,
    model: 'test-model',
    apiKey: 'sk-test',
    structuredOutput: 'auto',
    timeoutMs: 2000,
    maxRetries: 1,
    maxCallsPerRun: 12,
    ...over
  };
}

let ids = 0;
export function session(
  server: LlmServer | null,
  over: Partial<LlmConfig> = {},
  options: { signal?: AbortSignal; pseudonymise?: boolean } = {}
): LlmSession {
  const config = server
    ? testConfig(server, over)
    : ({ provider: 'none', model: '', structuredOutput: 'auto', maxCallsPerRun: 12 } as LlmConfig);
  return new LlmSession(server ? createOpenAiLlm(config, { backoffBaseMs: 5 }) : null, {
    config,
    runId: null,
    pseudonymise: options.pseudonymise ?? true,
    signal: options.signal,
    now: () => '2026-02-22T09:00:00.000Z',
    newId: () => `call-${++ids}`
  });
}
