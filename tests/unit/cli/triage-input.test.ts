import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../../..');
function triage(dir: string) {
  const r = spawnSync(
    'npx',
    ['tsx', 'data/triage.ts', '--data', dir, '--out', join(dir, 'o.json')],
    {
      cwd: root,
      encoding: 'utf8'
    }
  );
  const lines = r.stderr.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('['));
  return { status: r.status, lines };
}

describe('npm run triage on bad input', () => {
  const base = mkdtempSync(join(tmpdir(), 'opsiq-triage-'));
  it.each([
    ['an empty folder', [], /no CSV files in/],
    ['a folder with no CSV', [['notes.txt', 'hello']], /no CSV files in/],
    [
      'files of unknown tables',
      [['foo.csv', 'a,b\n1,2\n']],
      /cannot load .*foo\.csv: (line 1: )?cannot tell which table/
    ]
  ] as const)(
    'exits 2 with one clear line on %s',
    (name, files, message) => {
      const dir = join(base, name.replaceAll(' ', '-'));
      mkdirSync(dir);
      for (const [file, text] of files) writeFileSync(join(dir, file), text);
      const { status, lines } = triage(dir);
      expect(status).toBe(2);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(message);
    },
    60_000
  );
});
