/**
 * The `Llm` port: what agents need from a language model. Agents import this file (types only),
 * never `openai`; the one adapter (`openai-adapter.ts`) implements it over the `openai` SDK.
 */

/** Why a call did not give a usable answer; each has plain words in `errors.ts`. */
export type LlmErrorClass =
  | 'auth'
  | 'unknown_model'
  | 'rate_limit'
  | 'timeout'
  | 'network'
  | 'cors'
  | 'provider_error'
  | 'non_json'
  | 'invalid_output'
  | 'refused'
  | 'cancelled'
  | 'call_cap';

export interface LlmMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** How the reply's shape is asked for. */
export type OutputMode = 'json_schema' | 'json_object' | 'text';

export interface LlmRequest {
  messages: LlmMessage[];
  mode: OutputMode;
  /** For `json_schema`: the schema's name and JSON Schema (strict mode). */
  schema?: { name: string; jsonSchema: Record<string, unknown> };
  maxTokens?: number;
  /** Aborts the call (a superseded run, Stop). */
  signal?: AbortSignal;
}

export interface LlmUsage {
  promptTokens: number;
  completionTokens: number;
}

export interface LlmResponse {
  text: string;
  usage: LlmUsage;
  latencyMs: number;
  model: string;
  /** Attempts made (1 = no retry). */
  attempts: number;
}

export interface LlmConfig {
  /** Preset id or 'custom' (shown in the status pill). */
  provider: string;
  baseUrl: string;
  model: string;
  /** Never stored in a row, a log, an export or a URL. */
  apiKey: string;
  /** Does the provider enforce `json_schema` strict output for this model? 'auto' = try it. */
  structuredOutput: 'auto' | 'json_schema' | 'json_object';
  timeoutMs: number;
  maxRetries: number;
  /** Calls one run may make. */
  maxCallsPerRun: number;
}

export interface LlmInfo {
  provider: string;
  baseUrl: string;
  model: string;
}

export interface Llm {
  readonly info: LlmInfo;
  /** One chat completion (retried inside the adapter); throws an `LlmError` otherwise. */
  complete(request: LlmRequest): Promise<LlmResponse>;
  /** The server's model ids (`GET /models`). */
  listModels(signal?: AbortSignal): Promise<string[]>;
}

/** One stored call (`llm_calls`): everything but the key. */
export interface LlmCallRecord {
  callId: string;
  runId: string | null;
  /** The step: plan, summary, actions, memory, evaluate, explain, analyst, test. */
  purpose: string;
  provider: string;
  model: string;
  messages: LlmMessage[];
  responseText: string | null;
  latencyMs: number | null;
  promptTokens: number;
  completionTokens: number;
  validation: 'valid' | 'repaired' | 'invalid' | 'error';
  repairUsed: boolean;
  fallbackUsed: boolean;
  errorClass: LlmErrorClass | null;
  /** Plain words: what went wrong, or what the model decided vs the rule. */
  note: string;
  mode: OutputMode;
  at: string;
}
