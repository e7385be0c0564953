/** Writes one hard dataset: `npx tsx data/generator-hard/cli.ts --scale medium --seed 2 --as-of 2026-06-30 --out DIR`. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { generateHardDataset, type HardScale } from './index';

const { values } = parseArgs({
  options: {
    scale: { type: 'string', default: 'small' },
    seed: { type: 'string', default: '1' },
    'as-of': { type: 'string', default: '2026-06-30' },
    out: { type: 'string', default: 'hard-data' }
  }
});
const ds = generateHardDataset({
  scale: values.scale as HardScale,
  seed: Number(values.seed),
  asOf: values['as-of']
});
mkdirSync(values.out, { recursive: true });
for (const f of ds.files) writeFileSync(join(values.out, f.fileName), f.data);
writeFileSync(join(values.out, 'labels.json'), `${JSON.stringify(ds.labels, null, 2)}\n`);
process.stderr.write(`${ds.files.length} files and labels.json → ${values.out}\n`);
