import { tableSpecs, type TableName } from '../../../../workers/contracts/tables';
import { normalHeader } from './headers';
import { presets, type Preset } from './presets';

/**
 * What a dropped file holds, from its name and header only (no row is read): one of OpsIQ's
 * own tables, a known export (a preset), or unknown. The person can correct it on the mapping
 * screen; two files claiming one table are reported there, not silently merged.
 */
export type Recognition =
  | { readonly kind: 'table'; readonly table: TableName; readonly why: string }
  | { readonly kind: 'preset'; readonly preset: Preset; readonly why: string }
  | { readonly kind: 'unknown'; readonly guess: TableName | null; readonly why: string };

function baseName(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? fileName;
  return base.replace(/\.(csv|tsv|txt)$/i, '').toLowerCase();
}

export function recognise(fileName: string, headers: readonly string[]): Recognition {
  const have = new Set(headers.map(normalHeader));
  const base = baseName(fileName);

  // Our own tables: every required column present by name.
  const native = tableSpecs
    .map((t) => {
      const required = t.columns.filter((c) => c.required);
      return { t, share: required.filter((c) => have.has(c.name)).length / required.length };
    })
    .filter((s) => s.share === 1)
    .sort((a, b) => Number(b.t.name === base) - Number(a.t.name === base));
  if (native[0])
    return {
      kind: 'table',
      table: native[0].t.name,
      why: `its header has every column of ${native[0].t.name}`
    };

  // Known exports: every identifying header present; the file name breaks ties.
  const matched = presets
    .filter((p) => p.identifying.every((h) => have.has(normalHeader(h))))
    .map((p) => ({
      p,
      score: p.identifying.length + (p.fileName.test(base) ? 0.5 : 0)
    }))
    .sort((a, b) => b.score - a.score);
  const [best, next] = matched;
  if (best && (!next || next.score < best.score))
    return {
      kind: 'preset',
      preset: best.p,
      why: `its header has ${best.p.identifying.join(', ')}, as the ${best.p.label} does`
    };

  const byName = tableSpecs.find(
    (t) => base === t.name || base.endsWith(`_${t.name}`) || base.startsWith(`${t.name}_`)
  );
  return {
    kind: 'unknown',
    guess: byName?.name ?? null,
    why: best
      ? `its header fits more than one known export (${matched.map((m) => m.p.label).join(', ')})`
      : 'its header is not one of OpsIQ’s tables or a known export'
  };
}
