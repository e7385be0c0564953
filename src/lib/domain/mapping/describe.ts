import type { MappedSource } from '../../../../workers/contracts/analytics';

const derivations: Record<string, string> = {
  expected_from_subscription: 'derived from the subscription in force on the invoice date',
  customer_through_payment: 'derived through the refunded payment'
};

/**
 * Plain lines saying how each export file was taken: which tables it gave, and per table the
 * columns mapped (source header, and how it was transformed), fixed, derived or missing.
 */
export function describeMapping(sources: readonly MappedSource[]): string[] {
  const lines: string[] = [];
  for (const s of sources) {
    lines.push(`${s.file}: ${s.recognisedAs}`);
    for (const o of s.outputs) {
      lines.push(
        `  ${o.table}: ${o.rows.toLocaleString('en')} rows${o.derivedFrom ? ` (${o.derivedFrom})` : ''}`
      );
      const mapped = o.columns
        .filter((c) => c.from !== null)
        .map(
          (c) =>
            `${c.column} ← "${c.from}"${c.transforms.length ? ` (${c.transforms.join(', ')})` : ''}`
        );
      const fixed = o.columns
        .filter((c) => c.from === null && c.constant !== undefined)
        .map((c) => `${c.column} = ${c.constant ? `"${c.constant}"` : 'empty'}`);
      const derived = o.columns
        .filter((c) => c.derived)
        .map((c) => `${c.column} ${derivations[c.derived ?? ''] ?? 'derived'}`);
      const missing = o.columns
        .filter((c) => c.from === null && c.constant === undefined && !c.derived)
        .map((c) => c.column);
      if (mapped.length) lines.push(`    mapped: ${mapped.join('; ')}`);
      if (fixed.length) lines.push(`    fixed: ${fixed.join('; ')}`);
      if (derived.length) lines.push(`    derived: ${derived.join('; ')}`);
      if (missing.length) lines.push(`    not in this export: ${missing.join(', ')}`);
      if (o.caveat) lines.push(`    note: ${o.caveat}`);
    }
  }
  return lines;
}
