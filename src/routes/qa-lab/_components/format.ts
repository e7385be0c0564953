/** Small display helpers shared by the QA Lab tabs. */

/** An ISO time as `YYYY-MM-DD HH:MM:SS` (UTC), as the rest of the app shows times. */
export const shortTime = (iso: string): string => iso.replace('T', ' ').slice(0, 19);

/** A stored JSON value (a memory value, a change's old / new) in a few characters. */
export function showValue(v: unknown): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'string') return v;
  if (typeof v === 'number')
    return Number.isInteger(v) ? String(v) : String(Math.round(v * 1e4) / 1e4);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return JSON.stringify(v);
}

/** The name a person gives in Settings, or "you". */
export function reviewerName(settings: Record<string, unknown>): string {
  const name = settings['reviewer_name'];
  return typeof name === 'string' && name.trim() !== '' ? name.trim() : 'you';
}

export const verdictLabel: Record<string, string> = {
  approve: 'Approved',
  reject: 'Rejected',
  false_positive: 'False positive'
};

export const sourceLabel: Record<string, string> = {
  default: 'Defaults',
  rule: 'Memory agent (rules)',
  llm: 'LLM proposal',
  person: 'Person'
};
