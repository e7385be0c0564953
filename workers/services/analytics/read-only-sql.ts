/**
 * The first gate for user SQL: only statements that read may run. The second gate is the
 * service itself: it prepares the text (DuckDB refuses to prepare several statements) and runs
 * it inside a transaction that is always rolled back, so even `WITH x AS (...) INSERT ...` is
 * undone.
 */

const readKeywords = [
  'select',
  'with',
  'from',
  'values',
  'describe',
  'summarize',
  'show',
  'explain',
  'table',
  'pivot',
  'unpivot'
];

/** The reason the text is refused, or null when it may run. */
export function readOnlyRejection(sql: string): string | null {
  const body = stripLeadingComments(sql).trimStart();
  if (body === '') return 'The query is empty.';
  const keyword = /^\(*\s*([a-z]+)/i.exec(body)?.[1]?.toLowerCase();
  if (!keyword || !readKeywords.includes(keyword)) {
    return `Only read-only queries may run (starting with ${readKeywords.map((k) => k.toUpperCase()).join(', ')}); this one starts with ${keyword ? keyword.toUpperCase() : JSON.stringify(body.slice(0, 20))}.`;
  }
  return null;
}

function stripLeadingComments(sql: string): string {
  let rest = sql;
  for (;;) {
    rest = rest.trimStart();
    if (rest.startsWith('--')) {
      const end = rest.indexOf('\n');
      rest = end === -1 ? '' : rest.slice(end + 1);
    } else if (rest.startsWith('/*')) {
      const end = rest.indexOf('*/');
      rest = end === -1 ? '' : rest.slice(end + 2);
    } else return rest;
  }
}

/** DuckDB's message when `prepare` gets several statements. */
export function isMultipleStatementsError(message: string): boolean {
  return /multiple statements/i.test(message);
}
