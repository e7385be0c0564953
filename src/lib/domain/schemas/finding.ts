/**
 * A finding: what a detector reports before scoring. Rows come out of DuckDB untyped, so each
 * detector parses them with its own row schema and builds one of these.
 */
import { z } from 'zod';

import { ANOMALY_TYPES } from '../enums';

export const anomalyTypes = ANOMALY_TYPES;
export const anomalyTypeSchema = z.enum(anomalyTypes);
export type AnomalyType = z.infer<typeof anomalyTypeSchema>;

/** The ids a finding is about; the export writes exactly these, as they apply. */
export const entitiesSchema = z.object({
  customer_id: z.string().optional(),
  invoice_id: z.string().optional(),
  refund_ids: z.array(z.string()).optional(),
  refund_id: z.string().optional(),
  region: z.string().optional(),
  date: z.string().optional()
});
export type Entities = z.infer<typeof entitiesSchema>;

/** One rule that fired: the memory setting (or data fact) it used, with the numbers. */
export const ruleHitSchema = z.object({
  rule: z.string(),
  /** The setting's value (threshold) when the rule reads one. */
  threshold: z.union([z.number(), z.boolean(), z.string()]).nullable(),
  /** What the data showed. */
  observed: z.union([z.number(), z.boolean(), z.string()]).nullable(),
  detail: z.string()
});
export type RuleHit = z.infer<typeof ruleHitSchema>;

/** A free-text note written by a person, carried for sentiment. */
export const humanNoteSchema = z.object({ source: z.string(), text: z.string() });
export type HumanNote = z.infer<typeof humanNoteSchema>;

const factValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);

export const findingSchema = z.object({
  type: anomalyTypeSchema,
  /** Stable across reruns: type + identifying ids (see keys.ts). */
  key: z.string().min(1),
  title: z.string(),
  /** One sentence a person can read. */
  summary: z.string(),
  entities: entitiesSchema,
  /** Dollars at stake before memory penalties. */
  rawImpact: z.number().finite().nonnegative(),
  /** How strongly the data supports the finding (0–1), before corroboration. */
  strength: z.number().min(0).max(1),
  rules: z.array(ruleHitSchema),
  facts: z.record(z.string(), factValue),
  notes: z.array(humanNoteSchema)
});
export type Finding = z.infer<typeof findingSchema>;

/** Money as DuckDB returns it (DECIMAL → number) rounded to cents, for stable output. */
export const cents = (value: number): number => Math.round(value * 100) / 100;
