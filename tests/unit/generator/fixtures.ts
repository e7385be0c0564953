/** Generated datasets shared by the generator tests, built once per test file. */
import { generateDataset, type GeneratedDataset, type Scale } from '../../../data/generator/index';
import { parseDataset, type ParsedDataset } from '../../../data/generator/verify/dataset';

export interface Fixture extends GeneratedDataset {
  ds: ParsedDataset;
  windowStart: string;
  asOf: string;
}

const cache = new Map<string, Promise<Fixture>>();

export function fixture(scale: Scale, seed: number): Promise<Fixture> {
  const key = `${scale}:${seed}`;
  let pending = cache.get(key);
  if (!pending) {
    pending = generateDataset({ scale, seed }).then((generated) => ({
      ...generated,
      ds: parseDataset(generated.files),
      windowStart: generated.labels.generator.window_start,
      asOf: generated.labels.generator.as_of.slice(0, 10)
    }));
    cache.set(key, pending);
  }
  return pending;
}

export function file(f: GeneratedDataset, table: string): string {
  const found = f.files.find((x) => x.fileName === `${table}.csv`);
  if (!found) throw new Error(`no ${table}.csv`);
  return found.data;
}
