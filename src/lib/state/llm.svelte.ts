/**
 * The model settings and the LLM's visible state: provider presets, the key (in memory for
 * this tab unless remembered on this device), test connection, the call log, pending memory
 * changes. The key is never written to the state database, a log, an export or a URL.
 */
import { systemClock } from '$lib/agents/ports';
import {
  proposeMemoryChanges,
  confirmPending,
  type PendingChange,
  type ProposalOutcome
} from '$lib/agents/reasoning/memory';
import type { MemoryUpdate, Verdict } from '$lib/domain/memory-agent';
import type { TriageCase } from '$lib/domain/schemas/case';
import type { LearningState } from './learning.svelte';
import { llmExplain, type Explanation } from '$lib/agents/reasoning/steps';
import { evidenceFingerprint } from '$lib/domain/memory-agent';
import { llmErrorWords } from '$lib/llm/errors';
import type { LlmConfig, LlmErrorClass } from '$lib/llm/port';
import { LlmSession } from '$lib/llm/session';
import { forgetKey, readRememberedKey, rememberKey } from '$lib/services/secrets';
import { stateWorker } from '$lib/services/workers';
import type { ListLlmCallsInput, LlmCallRow } from '$workers/contracts/state';
import { z } from 'zod';

export interface Preset {
  id: string;
  label: string;
  baseUrl: string;
  model: string;
  structuredOutput: LlmConfig['structuredOutput'];
  note: string;
}

export const PRESETS: readonly Preset[] = [
  {
    id: 'groq',
    label: 'Groq',
    baseUrl: 'https://api.groq.com/openai/v1',
    model: 'llama-3.3-70b-versatile',
    structuredOutput: 'auto',
    note: 'Strict JSON schema on some models only; OpsIQ falls back to JSON mode on the others.'
  },
  {
    id: 'openai',
    label: 'OpenAI',
    baseUrl: 'https://api.openai.com/v1',
    model: 'gpt-4o-mini',
    structuredOutput: 'json_schema',
    note: 'Strict JSON schema on current models.'
  },
  {
    id: 'openrouter',
    label: 'OpenRouter',
    baseUrl: 'https://openrouter.ai/api/v1',
    model: 'openai/gpt-4o-mini',
    structuredOutput: 'auto',
    note: 'Depends on the routed model.'
  },
  {
    id: 'ollama',
    label: 'Ollama (local)',
    baseUrl: 'http://localhost:11434/v1',
    model: 'llama3.1',
    structuredOutput: 'json_schema',
    note: 'Enforces schemas. Start it with OLLAMA_ORIGINS set to this page’s origin.'
  },
  {
    id: 'lmstudio',
    label: 'LM Studio (local)',
    baseUrl: 'http://localhost:1234/v1',
    model: '',
    structuredOutput: 'json_schema',
    note: 'Enable CORS in LM Studio’s server settings.'
  },
  {
    id: 'custom',
    label: 'Custom (OpenAI-compatible)',
    baseUrl: '',
    model: '',
    structuredOutput: 'auto',
    note: 'Any OpenAI-compatible base URL.'
  }
];

/** What is stored in the state database: everything but the key. */
const storedSchema = z.object({
  provider: z.string(),
  baseUrl: z.string(),
  model: z.string(),
  structuredOutput: z.enum(['auto', 'json_schema', 'json_object']),
  pseudonymise: z.boolean(),
  remember: z.boolean(),
  timeoutMs: z.number().int().min(1000).max(300_000)
});
type Stored = z.infer<typeof storedSchema>;
const SETTING = 'llm.config';
const PENDING = 'llm.pending_memory';

export interface ConnectionVerdict {
  kind: 'ok' | LlmErrorClass;
  title: string;
  detail: string;
  latencyMs: number | null;
  jsonSchema: boolean | null;
}

export class LlmState {
  provider = $state('none');
  baseUrl = $state('');
  model = $state('');
  structuredOutput = $state<LlmConfig['structuredOutput']>('auto');
  pseudonymise = $state(true);
  remember = $state(false);
  timeoutMs = $state(30_000);
  /** In memory for this tab (and in IndexedDB only when `remember`). */
  apiKey = $state('');
  models = $state.raw<string[]>([]);
  testing = $state(false);
  verdict = $state.raw<ConnectionVerdict | null>(null);
  calls = $state.raw<LlmCallRow[]>([]);
  pending = $state.raw<PendingChange[]>([]);
  saved = $state(false);
  error = $state<string | null>(null);

  readonly configured = $derived(
    this.provider !== 'none' && this.baseUrl.trim() !== '' && this.model.trim() !== ''
  );
  readonly label = $derived(
    this.configured
      ? `${PRESETS.find((p) => p.id === this.provider)?.label ?? this.provider} · ${this.model}`
      : 'Deterministic'
  );

  async load(): Promise<void> {
    try {
      const settings = await stateWorker().getSettings();
      const parsed = storedSchema.safeParse(settings[SETTING]);
      if (parsed.success) Object.assign(this, parsed.data);
      const pending = z.array(z.custom<PendingChange>()).safeParse(settings[PENDING]);
      this.pending = pending.success ? pending.data : [];
      if (this.remember) this.apiKey = (await readRememberedKey()) ?? '';
    } catch (error) {
      this.error = error instanceof Error ? error.message : String(error);
    }
  }

  applyPreset(id: string): void {
    const p = PRESETS.find((x) => x.id === id);
    this.provider = id;
    if (!p) return;
    this.baseUrl = p.baseUrl;
    this.model = p.model;
    this.structuredOutput = p.structuredOutput;
    this.verdict = null;
    this.models = [];
  }

  async save(): Promise<void> {
    const stored: Stored = {
      provider: this.provider,
      baseUrl: this.baseUrl.trim(),
      model: this.model.trim(),
      structuredOutput: this.structuredOutput,
      pseudonymise: this.pseudonymise,
      remember: this.remember,
      timeoutMs: this.timeoutMs
    };
    await stateWorker().setSetting(SETTING, stored);
    if (this.remember && this.apiKey) await rememberKey(this.apiKey);
    else await forgetKey();
    this.saved = true;
  }

  /** Turns the model off: every step on rules; a remembered key is forgotten. */
  async disconnect(): Promise<void> {
    this.provider = 'none';
    this.apiKey = '';
    this.remember = false;
    this.verdict = null;
    await this.save();
  }

  config(): LlmConfig {
    return {
      provider: this.provider,
      baseUrl: this.baseUrl.trim(),
      model: this.model.trim(),
      apiKey: this.apiKey,
      structuredOutput: this.structuredOutput,
      timeoutMs: this.timeoutMs,
      maxRetries: 2,
      maxCallsPerRun: 12
    };
  }

  /** A session for one run or call; without a model, a session whose steps are all rules. */
  async session(signal: AbortSignal | undefined, runId: string | null = null): Promise<LlmSession> {
    const config = this.config();
    const llm = this.configured
      ? (await import('$lib/llm/openai-adapter')).createOpenAiLlm(config)
      : null;
    return new LlmSession(llm, {
      config,
      runId,
      pseudonymise: this.pseudonymise,
      signal,
      now: systemClock.now,
      newId: () => crypto.randomUUID()
    });
  }

  /** One clear verdict: ok (latency, JSON schema or not), or what is wrong and how to fix it. */
  async testConnection(): Promise<ConnectionVerdict> {
    this.testing = true;
    this.verdict = null;
    try {
      const session = await this.session(AbortSignal.timeout(this.timeoutMs + 5000));
      const t0 = performance.now();
      const d = await session.decide({
        step: 'test',
        schemaName: 'connection_test',
        schema: z.object({ ok: z.boolean() }),
        instructions: 'This is a connection test. Answer {"ok": true}.',
        data: { test: true },
        accept: (x) => x.ok,
        fallback: () => false
      });
      const call = session.calls[0];
      await this.#store(session);
      const verdict: ConnectionVerdict =
        d.by === 'model'
          ? {
              kind: 'ok',
              title: 'Connected',
              detail:
                call?.mode === 'json_schema'
                  ? 'JSON schema output works (strict mode).'
                  : 'JSON schema output is not supported here; OpsIQ uses JSON mode with the schema in the prompt.',
              latencyMs: Math.round(performance.now() - t0),
              jsonSchema: call?.mode === 'json_schema'
            }
          : this.#failure(d.errorClass ?? 'invalid_output', d.reason);
      if (verdict.kind === 'ok') void this.loadModels();
      this.verdict = verdict;
      return verdict;
    } finally {
      this.testing = false;
    }
  }

  async loadModels(): Promise<void> {
    try {
      const { createOpenAiLlm } = await import('$lib/llm/openai-adapter');
      this.models = await createOpenAiLlm({ ...this.config(), maxRetries: 0 }).listModels(
        AbortSignal.timeout(10_000)
      );
    } catch {
      this.models = [];
    }
  }

  #failure(kind: LlmErrorClass, reason: string): ConnectionVerdict {
    const titles: Partial<Record<LlmErrorClass, string>> = {
      auth: 'Wrong API key',
      unknown_model: 'Unknown model',
      rate_limit: 'Rate limited',
      cors: 'CORS blocked',
      network: 'Server unreachable',
      non_json: 'Not an OpenAI-compatible reply',
      provider_error: 'Not an OpenAI-compatible reply',
      timeout: 'No answer in time'
    };
    const origin = typeof location === 'undefined' ? '' : location.origin;
    const fix: Partial<Record<LlmErrorClass, string>> = {
      auth: 'Check the key for this provider (a key of another provider is refused).',
      unknown_model: 'Pick a model the server lists (Load models).',
      rate_limit: 'Wait a minute, or use another key or plan.',
      cors: `The server must allow this page's origin (${origin}). For Ollama: OLLAMA_ORIGINS="${origin}" ollama serve. For LM Studio: enable CORS in the server settings.`,
      network: 'Check the base URL, that the server runs, and that you are online.',
      non_json: 'Check that the base URL ends in /v1 (the API, not a web page).',
      provider_error: 'Check that the base URL ends in /v1 (the API, not a web page).'
    };
    return {
      kind,
      title: titles[kind] ?? llmErrorWords[kind],
      detail: `${reason} ${fix[kind] ?? ''}`.trim(),
      latencyMs: null,
      jsonSchema: null
    };
  }

  async #store(session: LlmSession): Promise<void> {
    if (session.calls.length > 0) await stateWorker().saveLlmCalls(session.calls);
  }

  /** Stores a session's calls (a run's are stored with the run). */
  store(session: LlmSession): Promise<void> {
    return this.#store(session);
  }

  /** The filter of the call log a view shows now (null: none is shown, nothing to refresh). */
  #callsShown: ListLlmCallsInput | null = null;

  async loadCalls(filter: ListLlmCallsInput = {}): Promise<void> {
    this.#callsShown = filter;
    this.calls = await stateWorker().listLlmCalls({ limit: 500, ...filter });
  }

  /** The view showing the call log is gone: later writes need not re-read it. */
  hideCalls(): void {
    this.#callsShown = null;
  }

  /** Model calls were stored (this tab or another): re-reads the log only while it is shown. */
  async refreshCalls(): Promise<void> {
    if (this.#callsShown !== null) await this.loadCalls(this.#callsShown);
  }

  /** The table `refreshCalls` reads. */
  static readonly tables = ['llm_calls'];

  /**
   * After a verdict (and the rules' changes): the model's memory proposals, applied through the
   * guardrails as a version of source "llm"; those beyond a step wait in the QA Lab.
   */
  async proposeAfterFeedback(
    learning: LearningState,
    item: TriageCase,
    verdict: Verdict,
    comment: string,
    ruleUpdate: MemoryUpdate
  ): Promise<ProposalOutcome | null> {
    if (!this.configured) return null;
    const session = await this.session(AbortSignal.timeout(this.timeoutMs * 3));
    const now = systemClock.now();
    const outcome = await proposeMemoryChanges(session, {
      memory: learning.current,
      verdict,
      comment: comment.trim() || null,
      case: item,
      ruleChanges: ruleUpdate.changes,
      feedbackId: ruleUpdate.changes[0]?.feedbackId ?? null,
      now,
      newId: () => crypto.randomUUID()
    });
    await this.#store(session);
    const update = outcome.update;
    if (update && update.changes.length > 0) {
      await stateWorker().appendMemoryVersions([
        {
          version: update.memory.version,
          parentVersion: learning.current.version,
          createdAt: now,
          source: 'llm',
          reason: update.changes.map((c) => c.reason).join(' '),
          memory: update.memory,
          changes: update.changes.map((c) => ({
            key: c.key,
            old: c.old,
            new: c.new,
            reason: c.reason,
            source: c.source,
            feedbackId: c.feedbackId
          }))
        }
      ]);
      await learning.load();
    }
    if (outcome.pending.length > 0) await this.setPending([...this.pending, ...outcome.pending]);
    return outcome;
  }

  /** "Explain" on a case, cached by its key and evidence fingerprint (new evidence, new text). */
  async explain(item: TriageCase, refresh = false): Promise<Explanation> {
    const cacheKey = `llm.explain:${item.key}:${evidenceFingerprint(item)}:${this.configured ? this.model : 'rule'}`;
    if (!refresh) {
      const cached = (await stateWorker().getSettings())[cacheKey];
      if (cached && typeof cached === 'object') return cached as unknown as Explanation;
    }
    const session = await this.session(AbortSignal.timeout(this.timeoutMs * 2));
    const explanation = await llmExplain(session, item);
    await this.#store(session);
    if (explanation.by === 'model') await stateWorker().setSetting(cacheKey, explanation);
    return explanation;
  }

  /** A person confirms a change the model proposed beyond a step: stored as a version of source "llm". */
  async confirmPending(
    learning: LearningState,
    p: PendingChange,
    reviewer: string
  ): Promise<{ version: number } | { error: string }> {
    const update = confirmPending(learning.current, p, reviewer);
    if ('error' in update) return { error: update.error };
    await stateWorker().appendMemoryVersions([
      {
        version: update.memory.version,
        parentVersion: learning.current.version,
        createdAt: systemClock.now(),
        source: 'llm',
        reason: update.changes[0]?.reason ?? '',
        memory: update.memory,
        changes: update.changes
      }
    ]);
    await learning.load();
    return { version: update.memory.version };
  }

  async setPending(pending: PendingChange[]): Promise<void> {
    this.pending = pending;
    await stateWorker().setSetting(PENDING, pending as never);
  }
}
