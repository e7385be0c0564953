import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../../..');
const dir = mkdtempSync(join(tmpdir(), 'opsiq-ws-'));
const workspace = join(dir, 'state.sqlite');
function triage(...extra: string[]) {
  const out = join(dir, 'cases.json');
  const r = spawnSync(
    'npx',
    [
      'tsx',
      'data/triage.ts',
      '--data',
      'data/demo',
      '--out',
      out,
      '--workspace',
      workspace,
      ...extra
    ],
    { cwd: root, encoding: 'utf8' }
  );
  const cases =
    r.status === 0
      ? (JSON.parse(readFileSync(out, 'utf8')) as { key: string; status: string }[])
      : [];
  return { status: r.status, stderr: r.stderr, cases };
}

describe('npm run triage --workspace --feedback', () => {
  it('creates the workspace, applies verdicts through the memory agent and keeps them', () => {
    const first = triage();
    expect(first.status).toBe(0);
    expect(first.stderr).toMatch(/memory version 0/);
    const feedback = join(dir, 'verdicts.json');
    writeFileSync(
      feedback,
      JSON.stringify([
        { key: 'underbilling:INV008', verdict: 'false_positive', comment: 'contract allows it' },
        { key: 'tier_mismatch:INV010', verdict: 'approve', comment: null },
        { key: 'underbilling:NOPE', verdict: 'approve' }
      ])
    );
    const second = triage('--feedback', feedback);
    expect(second.status).toBe(0);
    // The walkthrough's lesson: gap $10 → $35, penalty 0 → 0.15, INV008 dismissed.
    expect(second.stderr).toMatch(/underbilling_min_gap: 10 → 35/);
    expect(second.stderr).toMatch(/fp_penalty_underbilling: 0 → 0\.15/);
    expect(second.stderr).toMatch(/underbilling:NOPE: no case with this key/);
    expect(second.stderr).toMatch(/memory version 1/);
    const status = (k: string) => second.cases.find((c) => c.key === k)?.status;
    expect(status('underbilling:INV008')).toBe('false_positive');
    expect(status('tier_mismatch:INV010')).toBe('approved');
    // (the approval moves nothing: the tier-mismatch penalty is already 0)
    // A later call without feedback starts from the stored memory and verdicts.
    const third = triage();
    expect(third.stderr).toMatch(/memory version 1/);
    expect(third.cases.find((c) => c.key === 'tier_mismatch:INV010')?.status).toBe('approved');
  }, 400_000);

  it('exits 2 with one line on a malformed feedback file', () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify([{ key: 'x', verdict: 'maybe' }]));
    const r = triage('--feedback', bad);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/bad\.json: item 0\.verdict/);
  }, 60_000);
});
