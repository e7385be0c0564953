import unhomoglyph from 'unhomoglyph';
import { codeOf, spellHidden } from './display-text';

/**
 * Lookalike ids: two distinct values of an id column that a person reads as the same id
 * (`C010` and `C010` with a zero-width space, `С010` with a Cyrillic С, `c010`, `C01O`,
 * ` C010`). They load as different customers, so OpsIQ says so at import.
 *
 * The skeleton follows Unicode TR39: NFKC, drop format/control characters and whitespace,
 * map confusables to their prototype (Unicode's confusables table, via `unhomoglyph`), then
 * fold case and the ASCII lookalikes 0/o and 1/l/i. Two values with one skeleton are lookalikes.
 */

/** Printable ASCII without space: a value made only of these needs just `asciiFold`. */
export const PLAIN_ID = /^[\x21-\x7e]*$/;
/** The ASCII fold, as SQL's `translate(lower(v), from, to)` can apply it too. */
export const ASCII_FOLD = { from: '01i', to: 'oll' } as const;

const INVISIBLE = /[\p{Cc}\p{Cf}\p{Z}\s\u3164\uffa0]|\u034f|\u115f|\u1160|\u17b4|\u17b5/gu;

function asciiFold(s: string): string {
  let out = '';
  for (const ch of s.toLowerCase()) {
    const i = ASCII_FOLD.from.indexOf(ch);
    out += i < 0 ? ch : ASCII_FOLD.to[i];
  }
  return out;
}

export function idSkeleton(value: string): string {
  if (PLAIN_ID.test(value)) return asciiFold(value);
  const bare = value.normalize('NFKC').replace(INVISIBLE, '');
  return asciiFold(unhomoglyph(bare).normalize('NFKC'));
}

export interface LookalikeGroup {
  /** The id family, e.g. `customer_id` (every table's column of that name). */
  readonly column: string;
  /** The distinct raw values that share one skeleton, in code-point order. */
  readonly values: readonly string[];
}

/** Groups of two or more distinct values that look alike, in skeleton order. */
export function findLookalikeIds(column: string, values: Iterable<string>): LookalikeGroup[] {
  const bySkeleton = new Map<string, Set<string>>();
  for (const v of values) {
    const key = idSkeleton(v);
    let set = bySkeleton.get(key);
    if (!set) bySkeleton.set(key, (set = new Set()));
    set.add(v);
  }
  return [...bySkeleton.entries()]
    .filter(([, set]) => set.size > 1)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, set]) => ({ column, values: [...set].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)) }));
}

function describeOne(v: string): string {
  const foreign = [...v].filter((ch) => ch.codePointAt(0)! > 0x7e && /[\p{L}\p{N}]/u.test(ch));
  const letters = foreign.length ? ` (with ${foreign.map(codeOf).join(', ')})` : '';
  return `"${spellHidden(v)}"${letters}`;
}

/** One import note per group, at most `limit` groups named and the rest counted. */
export function lookalikeNotes(groups: readonly LookalikeGroup[], limit = 5): string[] {
  const notes = groups
    .slice(0, limit)
    .map(
      (g) =>
        `Lookalike ids in ${g.column}: ${g.values.map(describeOne).join(', ')} look the same but are loaded as ${g.values.length} different ids. Check the export.`
    );
  if (groups.length > limit) {
    notes.push(`${groups.length - limit} more groups of lookalike ids were found.`);
  }
  return notes;
}
