import { z } from 'zod';

/** One question asked on the Analyst page, with the sentence it got (state DB, migration 4). */
export const analystQuestionSchema = z.object({
  questionId: z.string().min(1).max(100),
  datasetId: z.string().min(1).max(200),
  question: z.string().min(1).max(2000),
  text: z.string().max(5000),
  /** The answer object (`{ kind, value }` or `{ kind: 'none', reason }`). */
  answer: z.unknown(),
  at: z.string().min(1)
});
export type AnalystQuestion = z.infer<typeof analystQuestionSchema>;

export interface AnalystHistoryApi {
  saveAnalystQuestion(entry: AnalystQuestion): Promise<void>;
  /** Latest first. */
  listAnalystQuestions(input?: { limit?: number }): Promise<AnalystQuestion[]>;
}
