/** SQL text for values and names that come from data: always quoted, never spliced raw. */

export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function literal(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}
