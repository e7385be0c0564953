import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateDataset } from '../../../data/generator/index';

describe('generateDataset', () => {
  it('reports progress from 0 to 1, never going back', async () => {
    const seen: number[] = [];
    await generateDataset({ scale: 'small', seed: 1, onProgress: (f) => seen.push(f) });
    expect(seen[0]).toBe(0);
    expect(seen[seen.length - 1]).toBe(1);
    for (let i = 1; i < seen.length; i++)
      expect(seen[i]).toBeGreaterThanOrEqual(seen[i - 1] as number);
    expect(seen.length).toBeGreaterThan(2);
  });

  it('stops between customers when its signal aborts', async () => {
    const controller = new AbortController();
    const run = generateDataset({
      scale: 'medium',
      seed: 1,
      signal: controller.signal,
      onProgress: (f) => {
        if (f > 0.1) controller.abort(new DOMException('user cancelled', 'AbortError'));
      }
    });
    await expect(run).rejects.toMatchObject({ name: 'AbortError', message: 'user cancelled' });
  });

  it('rejects at once with an already aborted signal', async () => {
    await expect(
      generateDataset({ scale: 'demo', seed: 1, signal: AbortSignal.abort() })
    ).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('the generator library', () => {
  const root = join(__dirname, '../../../data/generator');
  const sources = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
    });

  it('is pure: no Node imports, no Math.random, no clock, so it runs in a browser worker', () => {
    const files = sources(root);
    expect(files.length).toBeGreaterThan(10);
    for (const path of files) {
      const text = readFileSync(path, 'utf8');
      expect(text, path).not.toMatch(/from ['"](node:|fs|path|crypto|os|url|util)['"/]/);
      expect(text, path).not.toMatch(/Math\.random|Date\.now|new Date\(|performance\.now/);
      expect(text, path).not.toMatch(/\bprocess\./);
    }
  });

  it('keeps its modules small', () => {
    for (const path of sources(root))
      expect(readFileSync(path, 'utf8').split('\n').length, path).toBeLessThan(320);
  });
});
