/**
 * The model for headless triage: `--llm-base-url` and `--llm-model`, the key from
 * `OPSIQ_LLM_API_KEY` (never an argument: it would show in the process list and shell history).
 * Without them the run is deterministic. A failing model never fails the run.
 */
import { createOpenAiLlm } from '../src/lib/llm/openai-adapter';
import type { LlmConfig } from '../src/lib/llm/port';
import { LlmSession } from '../src/lib/llm/session';

export function headlessLlmSession(
  baseUrl: string | undefined,
  model: string | undefined,
  log: (line: string) => void
): LlmSession | undefined {
  if (!baseUrl || !model) return undefined;
  const config: LlmConfig = {
    provider: 'custom',
    baseUrl,
    model,
    apiKey: process.env['OPSIQ_LLM_API_KEY'] ?? '',
    structuredOutput: 'auto',
    timeoutMs: Number(process.env['OPSIQ_LLM_TIMEOUT_MS'] ?? 30_000),
    maxRetries: 2,
    maxCallsPerRun: 12
  };
  log(`model: ${model} at ${baseUrl}${config.apiKey ? '' : ' (no OPSIQ_LLM_API_KEY set)'}`);
  return new LlmSession(createOpenAiLlm(config), {
    config,
    runId: null,
    pseudonymise: process.env['OPSIQ_LLM_PSEUDONYMISE'] !== '0',
    signal: undefined,
    now: () => new Date().toISOString(),
    newId: () => crypto.randomUUID()
  });
}
