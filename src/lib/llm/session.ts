/**
 * A run's conversation with the model: structured calls with validation, one repair, and the
 * deterministic fallback (same output type), a cap on calls, cancellation, pseudonymisation,
 * and a record of every call (`LlmCallRecord`, stored in `llm_calls`).
 *
 *   schema (zod) → json_schema strict where the provider supports it, else json_object with
 *   the schema in the prompt → parse → validate (schema, then the step's own check) → on failure
 *   send the error back once → else the rule's result, with why.
 */
import { z } from 'zod';
import { LlmError, llmErrorWords } from './errors';
import type { Llm, LlmCallRecord, LlmConfig, LlmErrorClass, LlmMessage, OutputMode } from './port';
import { buildMessages, extractJson } from './prompt';
import { Pseudonymiser } from './privacy';

export interface Decision<T> {
  value: T;
  /** The deterministic step's result (shown beside the model's). */
  rule: T;
  by: 'model' | 'rule';
  /** Why the rule's result was used, or what the model decided. */
  reason: string;
  callId: string | null;
  errorClass: LlmErrorClass | null;
}

export interface StepSpec<M, T = M> {
  /** plan, summary, actions, memory, evaluate, explain. */
  step: string;
  schemaName: string;
  schema: z.ZodType<M>;
  instructions: string;
  /** Aggregates, signal messages, case evidence: never raw rows. */
  data: unknown;
  /** The step's own check on a schema-valid answer (grounding, known ids); null = fine. */
  check?: (value: M) => string | null;
  /** The model's valid answer as the step's result (held to the guardrails). */
  accept: (value: M) => T;
  /** The deterministic step: the same output type. */
  fallback: () => T | Promise<T>;
  /** One line on a result, for the reasoning beside the rule's. */
  describe?: (value: T) => string;
}

/** What a step decided, beside what the rule would have (Mission Control shows both). */
export interface ReasoningEntry {
  step: string;
  by: 'model' | 'rule';
  reason: string;
  rule: string;
  model: string | null;
  callId: string | null;
  errorClass: LlmErrorClass | null;
}

export interface SessionOptions {
  config: Pick<LlmConfig, 'provider' | 'model' | 'structuredOutput' | 'maxCallsPerRun'>;
  runId: string | null;
  pseudonymise: boolean;
  signal: AbortSignal | undefined;
  now: () => string;
  newId: () => string;
}

/** The JSON Schema of a zod schema as strict mode wants it. */
export function strictJsonSchema(schema: z.ZodType): Record<string, unknown> {
  const json = z.toJSONSchema(schema) as Record<string, unknown>;
  delete json['$schema'];
  return json;
}

export class LlmSession {
  readonly calls: LlmCallRecord[] = [];
  readonly reasoning: ReasoningEntry[] = [];
  /** The run the calls belong to (set once the run has its id). */
  runId: string | null;
  readonly pseudonyms: Pseudonymiser;
  readonly #llm: Llm | null;
  readonly #o: SessionOptions;
  #mode: OutputMode;
  #made = 0;

  constructor(llm: Llm | null, options: SessionOptions) {
    this.#llm = llm;
    this.#o = options;
    this.pseudonyms = new Pseudonymiser(options.pseudonymise);
    this.runId = options.runId;
    this.#mode = options.config.structuredOutput === 'json_object' ? 'json_object' : 'json_schema';
  }

  get active(): boolean {
    return this.#llm !== null;
  }

  get tokens(): number {
    return this.calls.reduce((s, c) => s + c.promptTokens + c.completionTokens, 0);
  }

  /** The messages a step would send now (Settings shows them), without sending. */
  preview(spec: { schemaName: string; schema: z.ZodType; instructions: string; data: unknown }) {
    return this.#messages(spec, this.#mode);
  }

  async decide<M, T = M>(spec: StepSpec<M, T>): Promise<Decision<T>> {
    const decision = await this.#decide(spec);
    const describe = spec.describe ?? ((v: T) => JSON.stringify(v).slice(0, 300));
    this.reasoning.push({
      step: spec.step,
      by: decision.by,
      reason: decision.reason,
      rule: describe(decision.rule),
      model: decision.by === 'model' ? describe(decision.value) : null,
      callId: decision.callId,
      errorClass: decision.errorClass
    });
    return decision;
  }

  async #decide<M, T>(spec: StepSpec<M, T>): Promise<Decision<T>> {
    const llm = this.#llm;
    const ruleValue = await spec.fallback();
    const rule = (reason: string, callId: string | null, errorClass: LlmErrorClass | null) =>
      ({
        value: ruleValue,
        rule: ruleValue,
        by: 'rule',
        reason,
        callId,
        errorClass
      }) as Decision<T>;
    if (!llm) return rule('No model configured: the rule decided.', null, null);

    const record: LlmCallRecord = {
      callId: this.#o.newId(),
      runId: this.runId,
      purpose: spec.step,
      provider: this.#o.config.provider,
      model: this.#o.config.model,
      messages: [],
      responseText: null,
      latencyMs: null,
      promptTokens: 0,
      completionTokens: 0,
      validation: 'error',
      repairUsed: false,
      fallbackUsed: true,
      errorClass: null,
      note: '',
      mode: this.#mode,
      at: this.#o.now()
    };
    const fail = async (kind: LlmErrorClass, message: string) => {
      record.errorClass = kind;
      record.validation = kind === 'invalid_output' ? 'invalid' : 'error';
      record.note = `${message} The rule decided.`;
      this.calls.push(record);
      return rule(`${message} The rule decided instead.`, record.callId, kind);
    };

    if (this.#o.signal?.aborted) return fail('cancelled', llmErrorWords.cancelled);
    if (this.#made >= this.#o.config.maxCallsPerRun)
      return fail('call_cap', `${llmErrorWords.call_cap} (cap ${this.#o.config.maxCallsPerRun})`);

    let messages = this.#messages(spec, this.#mode);
    record.messages = messages;
    let lastError = '';
    for (let round = 0; round < 2; round++) {
      let text: string;
      try {
        text = await this.#send(llm, spec, messages, record);
      } catch (error) {
        const e = error instanceof LlmError ? error : new LlmError('provider_error', String(error));
        if (e.kind === 'invalid_output' && this.#mode === 'json_schema' && e.status === 400) {
          // The provider does not do strict schemas for this model: json_object from now on.
          this.#mode = 'json_object';
          record.mode = 'json_object';
          messages = this.#messages(spec, 'json_object');
          record.messages = messages;
          try {
            text = await this.#send(llm, spec, messages, record);
          } catch (again) {
            const a =
              again instanceof LlmError ? again : new LlmError('provider_error', String(again));
            return fail(a.kind, a.message);
          }
        } else {
          return fail(e.kind, e.message);
        }
      }
      record.responseText =
        record.responseText === null ? text : `${record.responseText}\n---\n${text}`;
      const parsed = this.#validate(spec, text);
      if (parsed.ok) {
        record.validation = round === 0 ? 'valid' : 'repaired';
        record.fallbackUsed = false;
        record.note =
          round === 0 ? 'The model decided.' : `The model decided after one repair (${lastError}).`;
        this.calls.push(record);
        return {
          value: spec.accept(parsed.value),
          rule: ruleValue,
          by: 'model',
          reason: record.note,
          callId: record.callId,
          errorClass: null
        };
      }
      lastError = parsed.error;
      if (round === 0) {
        record.repairUsed = true;
        messages = [
          ...messages,
          { role: 'assistant', content: text },
          {
            role: 'user',
            content: `That answer is invalid: ${parsed.error}. Answer again with one JSON object that fits schema ${spec.schemaName}.`
          }
        ];
        record.messages = messages;
      }
    }
    return fail('invalid_output', `${llmErrorWords.invalid_output} (${lastError})`);
  }

  async #send(
    llm: Llm,
    spec: { schemaName: string; schema: z.ZodType },
    messages: LlmMessage[],
    record: LlmCallRecord
  ): Promise<string> {
    if (this.#made >= this.#o.config.maxCallsPerRun)
      throw new LlmError('call_cap', llmErrorWords.call_cap);
    this.#made++;
    const response = await llm.complete({
      messages,
      mode: this.#mode,
      ...(this.#mode === 'json_schema'
        ? { schema: { name: spec.schemaName, jsonSchema: strictJsonSchema(spec.schema) } }
        : {}),
      maxTokens: 1200,
      signal: this.#o.signal
    });
    record.latencyMs = (record.latencyMs ?? 0) + response.latencyMs;
    record.promptTokens += response.usage.promptTokens;
    record.completionTokens += response.usage.completionTokens;
    return response.text;
  }

  #validate<M, T>(
    spec: StepSpec<M, T>,
    text: string
  ): { ok: true; value: M } | { ok: false; error: string } {
    let json: unknown;
    try {
      json = JSON.parse(extractJson(text));
    } catch {
      return { ok: false, error: 'the reply is not valid JSON' };
    }
    const result = spec.schema.safeParse(this.pseudonyms.unmask(json));
    if (!result.success) {
      const issue = result.error.issues[0];
      return {
        ok: false,
        error: `${issue?.path.join('.') || 'answer'}: ${issue?.message ?? 'does not fit the schema'}`
      };
    }
    const problem = spec.check?.(result.data) ?? null;
    return problem ? { ok: false, error: problem } : { ok: true, value: result.data };
  }

  #messages(
    spec: { schemaName: string; schema: z.ZodType; instructions: string; data: unknown },
    mode: OutputMode
  ): LlmMessage[] {
    return buildMessages(
      spec.instructions,
      spec.schemaName,
      mode === 'json_object' ? strictJsonSchema(spec.schema) : null,
      this.pseudonyms.mask(spec.data)
    );
  }
}
