import { describe, expect, it } from 'vitest';
import { generateDataset } from '../../../data/generator/index';
import { ask } from '../../../src/lib/agents/analyst';
import { buildBank, isRight, parseCsv, type Tables } from '../../support/analyst-bank';
import { analystOver } from './harness';

// Answers are checked against plain TypeScript over the CSV rows (tests/support/analyst-bank.ts),
// never against the analyst's own SQL.
describe('question bank (no key)', () => {
  for (const [seed, asOf] of [
    [11, '2026-03-31'],
    [12, '2025-08-03']
  ] as const) {
    it(`answers at least 95 % right on generated data, seed ${seed}, as of ${asOf}`, async () => {
      const data = await generateDataset({ scale: 'small', seed, asOf });
      const tables: Tables = Object.fromEntries(
        data.files.map((f) => [f.fileName.replace('.csv', ''), parseCsv(f.data)])
      );
      const { ctx, sandbox } = await analystOver(data.files);
      const bank = buildBank(tables, ctx.profile.asOf, seed);
      expect(bank.length).toBeGreaterThan(300);
      const wrong: string[] = [];
      for (const c of bank) {
        const a = await ask(c.question, ctx);
        if (!isRight(c.expected, a.answer))
          wrong.push(
            `${c.question} → ${JSON.stringify(a.answer)} (want ${JSON.stringify(c.expected)})`
          );
      }
      sandbox.close();
      expect(wrong.length / bank.length, wrong.slice(0, 10).join('\n')).toBeLessThan(0.05);
    }, 120_000);
  }
});
