/**
 * A small RFC 4180 reader for checking generated files: quoted fields, doubled quotes, commas
 * and line breaks inside quotes. Lines without a quote take a fast split path. Not a general
 * importer (the app has its own).
 */

export interface ParsedCsv {
  header: string[];
  rows: string[][];
}

/** Parses one record starting at `start`, quotes allowed; returns the fields and the next offset. */
function quotedRecord(text: string, start: number): [string[], number] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  let i = start;
  for (; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      fields.push(field);
      field = '';
    } else if (ch === '\n') break;
    else if (ch !== '\r') field += ch;
  }
  fields.push(field);
  return [fields, i + 1];
}

export function parseCsv(text: string): ParsedCsv {
  const rows: string[][] = [];
  let pos = 0;
  while (pos < text.length) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = text.length;
    const line = text.slice(pos, end);
    if (line.includes('"')) {
      const [fields, next] = quotedRecord(text, pos);
      rows.push(fields);
      pos = next;
    } else {
      rows.push((line.endsWith('\r') ? line.slice(0, -1) : line).split(','));
      pos = end + 1;
    }
  }
  const header = rows.shift() ?? [];
  return { header, rows };
}

/** Rows as objects keyed by header name. */
export function csvRecords(text: string): Record<string, string>[] {
  const { header, rows } = parseCsv(text);
  return rows.map((cells) => {
    const record: Record<string, string> = {};
    header.forEach((name, i) => (record[name] = cells[i] ?? ''));
    return record;
  });
}
