/** A case: a scored finding with its stable id, as a run reports and stores it. */
import { z } from 'zod';
import { CASE_STATUSES } from '../enums';
import { sentimentResultSchema } from '../sentiment';
import { findingSchema } from './finding';
import { severitySchema } from './signal';

export const confidenceLabels = ['low', 'medium', 'high'] as const;
export const confidenceLabelSchema = z.enum(confidenceLabels);
export type ConfidenceLabel = z.infer<typeof confidenceLabelSchema>;

export const scoredFindingSchema = findingSchema.extend({
  severity: severitySchema,
  /** Probability that the finding is a real leak. */
  confidence: z.number().min(0).max(1),
  confidenceLabel: confidenceLabelSchema,
  /** Impact after the memory's false-positive penalty for the type. */
  estimatedImpact: z.number().nonnegative(),
  penalty: z.number().min(0).max(1),
  recommendedAction: z.string(),
  sentiment: sentimentResultSchema,
  /** Signals that point at the same entities. */
  corroboratedBy: z.array(z.string())
});
export type ScoredFinding = z.infer<typeof scoredFindingSchema>;

export const triageCaseSchema = scoredFindingSchema.extend({
  caseId: z.string(),
  runId: z.string(),
  status: z.enum(CASE_STATUSES)
});
export type TriageCase = z.infer<typeof triageCaseSchema>;
