/**
 * Cases as the state worker stores them, read back into the shape the UI and the export use.
 * Stored JSON is untrusted (another version may have written it), so it is validated here.
 */
import { z } from 'zod';
import { sentimentResultSchema } from '../domain/sentiment';
import { triageCaseSchema, type TriageCase } from '../domain/schemas/case';
import { entitiesSchema, humanNoteSchema, ruleHitSchema } from '../domain/schemas/finding';
import type { CaseRecord } from '../../../workers/contracts/state';

const storedEvidenceSchema = z.object({
  summary: z.string(),
  /** Absent in cases stored before they were kept (read as the confidence, and no notes). */
  strength: z.number().min(0).max(1).optional(),
  notes: z.array(humanNoteSchema).optional(),
  rules: z.array(ruleHitSchema),
  facts: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
  rawImpact: z.number(),
  penalty: z.number(),
  corroboratedBy: z.array(z.string())
});

/** The stored case as a `TriageCase`; throws a readable error when the stored JSON is malformed. */
export function caseFromRecord(record: CaseRecord): TriageCase {
  const evidence = storedEvidenceSchema.parse(record.evidence);
  return triageCaseSchema.parse({
    type: record.anomalyType,
    key: record.key,
    title: record.title,
    summary: evidence.summary,
    entities: entitiesSchema.parse(record.entities),
    rawImpact: evidence.rawImpact,
    strength: evidence.strength ?? record.confidence,
    rules: evidence.rules,
    facts: evidence.facts,
    notes: evidence.notes ?? [],
    severity: record.severity,
    confidence: record.confidence,
    confidenceLabel: record.confidenceLabel,
    estimatedImpact: record.estimatedImpact,
    penalty: evidence.penalty,
    recommendedAction: record.recommendedAction,
    sentiment: sentimentResultSchema.parse(record.sentiment),
    corroboratedBy: evidence.corroboratedBy,
    caseId: record.caseId,
    runId: record.runId,
    status: record.status
  });
}
