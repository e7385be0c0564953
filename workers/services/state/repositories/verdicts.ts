import type { Database } from 'sql.js';
import { z } from 'zod';
import type { VerdictInput, VerdictResult } from '../../../contracts/state';
import { OpsiqError } from '../../../contracts/errors';
import { defaultMemory } from '../../../../src/lib/domain/memory';
import { learnFromFeedback, type MemoryUpdate } from '../../../../src/lib/domain/memory-agent';
import { baseMemory, versionsToAppend } from '../../../../src/lib/domain/memory-history';
import { anomalyTypeSchema, ruleHitSchema } from '../../../../src/lib/domain/schemas/finding';
import { fromJson, queryRows, type Statement } from '../sql';
import { giveFeedbackSql } from './feedback';
import { memoryAt, readMemoryHead } from './memory';

const factsSchema = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]));
const storedFindingSchema = z.object({
  facts: factsSchema.catch({}),
  rawImpact: z.number().optional().catch(undefined),
  rules: z.array(ruleHitSchema).optional().catch(undefined)
});

const statusOf = {
  approve: 'approved',
  reject: 'rejected',
  false_positive: 'false_positive'
} as const;

/**
 * A verdict as one write, planned INSIDE the write lock after catching up with every tab: the
 * memory agent (pure) runs on the latest stored memory, so the verdict always lands, on top
 * of whatever another tab stored a moment before. The case's finding (type, key, facts,
 * entities, raw impact) and its run's memory version are read from the stored case.
 */
export function giveVerdictPlan(
  db: Database,
  input: VerdictInput
): { statements: Statement[]; result: VerdictResult } {
  const [row] = queryRows(
    db,
    `SELECT c.key, c.anomaly_type, c.evidence_json, c.entities_json, c.estimated_impact,
       r.memory_version AS run_memory_version
     FROM cases c LEFT JOIN runs r ON r.run_id = c.run_id WHERE c.case_id = ?`,
    [input.caseId]
  );
  if (row === undefined) throw new OpsiqError('not_found', `No case ${input.caseId}`);
  const head = readMemoryHead(db);
  const base = baseMemory(head);
  const type = anomalyTypeSchema.safeParse(row['anomaly_type']);
  let update: MemoryUpdate = { memory: base, changes: [], refused: [] };
  if (type.success) {
    const evidence = storedFindingSchema.parse(fromJson(row['evidence_json']) ?? {});
    const entities = fromJson(row['entities_json']);
    const runVersion = row['run_memory_version'];
    const runMemory =
      typeof runVersion === 'number'
        ? (memoryAt(db, runVersion) ?? (runVersion === 0 ? defaultMemory() : undefined))
        : undefined;
    update = learnFromFeedback(base, {
      verdict: input.verdict,
      feedbackId: input.feedbackId,
      finding: {
        type: type.data,
        key: String(row['key']),
        facts: evidence.facts,
        entities: typeof entities === 'object' && entities !== null ? entities : {},
        rawImpact: evidence.rawImpact ?? Number(row['estimated_impact']),
        ...(evidence.rules ? { rules: evidence.rules } : {})
      },
      runMemory
    });
  }
  const reason = update.changes.map((c) => c.reason).join(' ');
  const versions = versionsToAppend(head, update, input.at, 'rule', reason);
  const statements = giveFeedbackSql(db, { ...input, memoryVersions: versions });
  const landed = versions.at(-1)?.version ?? head.maxVersion;
  return {
    statements,
    result: {
      feedbackId: input.feedbackId,
      caseId: input.caseId,
      status: statusOf[input.verdict],
      memoryVersion: landed,
      derivedFrom: head.latestValid?.version ?? null,
      memory: update.memory,
      changes: update.changes,
      refused: update.refused
    }
  };
}
