/**
 * Detection quality on Stripe-style exports beside OpsIQ's own format, per detector: the same
 * generated business, once as OpsIQ's seven tables and once as the files a Stripe Dashboard
 * user would export (ids, headers, units and statuses as Stripe writes them; no expected
 * amounts; refunds in the balance history; manual credits as customer balance adjustments),
 * mapped by the presets with no hand-made mapping. Then the same export without the balance
 * history and customer balance files, to show the detectors that are skipped and why.
 *
 *   npm run bench:quality:exports                        # small, medium × seeds 1–3
 *   npm run bench:quality:exports -- --scales small --seeds 1
 *   npm run bench:quality:exports -- --profile hard      # data/generator-hard, every as-of date
 *
 * Exits 1 when a supported detector is below 0.98 precision or recall on an export.
 */
import { parseArgs } from 'node:util';
import { generateDataset, type Scale } from '../../data/generator';
import { generateHardDataset, HARD_AS_OF } from '../../data/generator-hard';
import { anomalyTypes } from '../../src/lib/domain/schemas/finding';
import { measureFiles } from '../support/quality';
import { measureStripe } from '../support/quality-exports';

const { values } = parseArgs({
  options: {
    scales: { type: 'string', default: 'small,medium' },
    seeds: { type: 'string', default: '1,2,3' },
    profile: { type: 'string', default: 'standard' }
  }
});
const HARD = values.profile === 'hard';
const out = (line: string) => process.stdout.write(`${line}\n`);
const f = (x: number | undefined) => (x === undefined ? '  — ' : x.toFixed(2));
let failed = false;

out('| dataset | detector | native P | native R | Stripe export P | Stripe export R |');
out('|---|---|---|---|---|---|');
for (const scale of values.scales.split(',') as Scale[]) {
  for (const seed of values.seeds.split(',').map(Number)) {
    const sets = HARD
      ? HARD_AS_OF.map((asOf) => ({
          name: `hard ${scale} seed ${seed} as of ${asOf}`,
          ds: generateHardDataset({ scale: scale as 'small' | 'medium' | 'large', seed, asOf })
        }))
      : [{ name: `${scale} seed ${seed}`, ds: await generateDataset({ scale, seed }) }];
    for (const { name, ds } of sets) await report(name, ds);
  }
}

async function report(name: string, ds: Parameters<typeof measureFiles>[0]): Promise<void> {
  const native = await measureFiles(ds, `native-${name}`);
  const stripe = await measureStripe(ds, `stripe-${name}`);
  for (const type of anomalyTypes) {
    const s = stripe.opsiq[type];
    if (s && (s.precision < 0.98 || s.recall < 0.98)) failed = true;
    out(
      `| ${name} | ${type} | ${f(native.opsiq[type].precision)} | ${f(native.opsiq[type].recall)} | ${s ? f(s.precision) : 'skipped'} | ${s ? f(s.recall) : 'skipped'} |`
    );
  }
  for (const s of stripe.skipped) out(`|  | skipped: ${s.detector} | | | ${s.reason} | |`);
  out(`|  | import of the export | | | ${(stripe.importMs / 1000).toFixed(1)} s | |`);
}

out('');
out('Payments and invoices only (no balance history, no customer balance, no subscriptions):');
const ds = await generateDataset({ scale: 'small', seed: 1 });
const partial = await measureStripe(ds, 'stripe-partial', (name) =>
  ['unified_customers.csv', 'unified_payments.csv', 'invoices.csv'].includes(name)
);
for (const type of anomalyTypes) {
  const s = partial.opsiq[type];
  const why = partial.skipped.find((x) => x.detector === type)?.reason;
  out(`- ${type}: ${s ? `P ${f(s.precision)} R ${f(s.recall)}` : `skipped: ${why ?? '?'}`}`);
}
process.exit(failed ? 1 : 0);
