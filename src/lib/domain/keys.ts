/**
 * Stable names. A finding key is the anomaly type plus the ids that identify it, so a rerun
 * finds the same key for the same root cause and feedback on it still applies:
 *
 *   duplicate_refund:REF003+REF004     the original refund, then the duplicate
 *   underbilling:INV008                tier_mismatch:INV010
 *   refund_spike:EMEA:2026-02-20       region and day
 *   manual_credit:REF009
 *
 * Case, action and trace ids are hashes of the run id and such a key: no randomness and no
 * clock, so the same run over the same data and memory gives the same ids.
 */
import type { AnomalyType } from './schemas/finding';

export function findingKey(type: AnomalyType, ...ids: readonly string[]): string {
  return `${type}:${ids.join(type === 'duplicate_refund' ? '+' : ':')}`;
}

/** 64 bits of FNV-1a (two 32-bit lanes) as 16 hex digits: short, stable, not cryptographic. */
export function stableHash(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995) ^ (b >>> 15);
  }
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}

/** `prefix-<hash of the parts>`. */
export function stableId(prefix: string, ...parts: readonly (string | number)[]): string {
  return `${prefix}-${stableHash(parts.join('\u241f'))}`;
}

export const caseIdFor = (runId: string, key: string): string => stableId('case', runId, key);
