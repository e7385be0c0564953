import {
  ask,
  loadProfile,
  runSql,
  type AnalystAnswer,
  type AnalystContext
} from '$lib/agents/analyst';
import { systemClock } from '$lib/agents/ports';
import { llmAnalystModel } from '$lib/agents/reasoning/analyst-model';
import { analyticsWorker, Comlink, stateWorker } from '$lib/services/workers';
import type { AnalystApi } from '$workers/contracts/analyst';
import type { DatasetStatus } from '$workers/contracts/analytics';
import { asOpsiqError, type OpsiqError } from '$workers/contracts/errors';
import type { LlmState } from './llm.svelte';

export interface HistoryEntry {
  question: string;
  text: string;
  at: string;
}

/**
 * The Analyst page's state: one question at a time. Asking again while an answer is running
 * cancels that query in the worker and drops its answer (it is never shown late).
 */
export class AnalystState {
  phase = $state<'idle' | 'answering' | 'ready' | 'error'>('idle');
  question = $state('');
  answer = $state.raw<AnalystAnswer | null>(null);
  error = $state<OpsiqError | null>(null);
  history = $state.raw<HistoryEntry[]>([]);
  #seq = 0;
  #ctx: { id: string; ctx: Promise<AnalystContext> } | null = null;
  /** Aborts the model call of the answer being superseded. */
  #abort: AbortController | null = null;
  readonly #llm: LlmState | null;

  /** With `llm`, a configured model maps what the parser cannot read; with no key, nothing leaves the page. */
  constructor(llm: LlmState | null = null) {
    this.#llm = llm;
  }

  #engine(): AnalystApi {
    return analyticsWorker() as unknown as Comlink.Remote<AnalystApi>;
  }

  #context(status: DatasetStatus): Promise<AnalystContext> {
    if (this.#ctx?.id !== status.id) {
      const engine = this.#engine();
      const ctx = loadProfile({ query: (sql) => engine.analystQuery(sql) }, status).then(
        (profile) => ({ engine: { query: (sql: string) => engine.analystQuery(sql) }, profile })
      );
      this.#ctx = { id: status.id, ctx };
      ctx.catch(() => (this.#ctx = null));
    }
    return this.#ctx.ctx;
  }

  /** Answers a question (or runs edited SQL); a newer call supersedes this one. */
  async #run(
    status: DatasetStatus,
    question: string,
    work: (ctx: AnalystContext) => Promise<AnalystAnswer>
  ): Promise<void> {
    const mine = ++this.#seq;
    if (this.phase === 'answering') void this.#engine().analystCancel();
    this.phase = 'answering';
    this.question = question;
    this.error = null;
    try {
      const result = await work(await this.#context(status));
      if (mine !== this.#seq) return;
      this.answer = result;
      this.phase = 'ready';
      this.history = [
        { question, text: result.text, at: systemClock.now() },
        ...this.history.filter((h) => h.question !== question)
      ].slice(0, 50);
      void stateWorker()
        .saveAnalystQuestion({
          questionId: crypto.randomUUID(),
          datasetId: status.id,
          question: question.slice(0, 2000),
          text: result.text.slice(0, 5000),
          answer: result.answer,
          at: systemClock.now()
        })
        .catch(() => undefined);
    } catch (error) {
      if (mine !== this.#seq) return;
      this.error = asOpsiqError(error);
      this.phase = 'error';
    }
  }

  /** The saved history (state DB), latest first. */
  async loadHistory(): Promise<void> {
    try {
      const saved = await stateWorker().listAnalystQuestions({ limit: 50 });
      this.history = saved.map((q) => ({ question: q.question, text: q.text, at: q.at }));
    } catch {
      // History is a convenience: an unreadable one leaves the page usable.
    }
  }

  ask(status: DatasetStatus, question: string): Promise<void> {
    this.#abort?.abort();
    const abort = (this.#abort = new AbortController());
    const llm = this.#llm;
    return this.#run(status, question, async (ctx) => {
      if (!llm?.configured) return ask(question, ctx);
      const session = await llm.session(
        AbortSignal.any([abort.signal, AbortSignal.timeout(llm.timeoutMs * 3)])
      );
      try {
        return await ask(question, { ...ctx, model: llmAnalystModel(session) });
      } finally {
        // Every call is logged (step "analyst"), a superseded one too.
        void llm.store(session).catch(() => undefined);
      }
    });
  }

  runSql(status: DatasetStatus, question: string, sql: string): Promise<void> {
    return this.#run(status, question, (ctx) => runSql(question, sql, ctx, 'sql'));
  }
}
