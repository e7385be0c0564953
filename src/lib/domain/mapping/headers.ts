import { stableHash } from '../keys';

/**
 * Header names as people and exporters write them: `Created date (UTC)`, `customer_id`,
 * `Customer ID`, `\uFEFFid`, `approved_by (metadata)`. Matching is by a normal form (case,
 * spacing and punctuation folded), never by position: column order follows the exporter's
 * selection.
 */

const METADATA = /^(.*?)\s*\(metadata\)$/i;

/** Trimmed, BOM and invisible characters removed, case kept: the name as shown to people. */
export function cleanHeader(header: string): string {
  return header
    .replace(/^\uFEFF/, '')
    .replace(/[\u200b-\u200f\u2060\u00a0]/g, ' ')
    .trim();
}

/** `Created date (UTC)` → `created_date_utc`; `Customer-ID` → `customer_id`. */
export function normalHeader(header: string): string {
  return cleanHeader(header)
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '_')
    .replace(/^_+|_+$/g, '');
}

/** The words of a header without the time-zone and unit decorations exporters add. */
export function headerTokens(header: string): string[] {
  return normalHeader(header)
    .split('_')
    .filter((t) => t && t !== 'utc' && t !== 'gmt');
}

/** Stripe exports a metadata key `k` as the column `k (metadata)`; the key, or null. */
export function metadataKey(header: string): string | null {
  const m = METADATA.exec(cleanHeader(header));
  return m ? normalHeader(m[1] ?? '') || null : null;
}

/**
 * The identity of a file's layout: its normalised header names, order ignored. A mapping
 * saved for one export is offered for the next file with the same signature.
 */
export function headerSignature(headers: readonly string[]): string {
  const names = [...new Set(headers.map(normalHeader).filter(Boolean))].sort();
  return stableHash(names.join('\n'));
}

/** Index of the header whose normal form is one of `names` (first listed name wins), or -1. */
export function findHeader(headers: readonly string[], names: readonly string[]): number {
  const normal = headers.map(normalHeader);
  for (const n of names) {
    const i = normal.indexOf(normalHeader(n));
    if (i >= 0) return i;
  }
  return -1;
}
