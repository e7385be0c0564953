import { describe, expect, it } from 'vitest';
import { caseFromRecord } from '../../../src/lib/agents/case-records';
import { toCaseInput } from '../../../src/lib/agents/investigation';
import { toExportRecord } from '../../../src/lib/domain/export';
import { caseInputSchema } from '../../../workers/contracts/state';
import { demoFiles, investigate } from './harness';

const demoInvestigation = async () => (await investigate(demoFiles())).result;

describe('caseFromRecord', () => {
  it('reads a stored case back into the same export record as the live run', async () => {
    const result = await demoInvestigation();
    expect(result.cases.length).toBeGreaterThan(0);
    for (const live of result.cases) {
      const stored = {
        ...caseInputSchema.parse(toCaseInput(live, '2026-02-21T00:00:00.000Z')),
        updatedAt: '2026-02-21T00:00:00.000Z'
      };
      expect(toExportRecord(caseFromRecord(stored))).toEqual(toExportRecord(live));
    }
  });

  it('rejects a stored case whose evidence is malformed', async () => {
    const [live] = (await demoInvestigation()).cases;
    const stored = {
      ...caseInputSchema.parse(toCaseInput(live!, '2026-02-21T00:00:00.000Z')),
      evidence: { summary: 42 },
      updatedAt: '2026-02-21T00:00:00.000Z'
    };
    expect(() => caseFromRecord(stored)).toThrow();
  });
});
