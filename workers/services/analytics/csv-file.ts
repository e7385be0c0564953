import {
  ChunkedDigest,
  contentSize,
  forEachChunk,
  fromOffset,
  readRange,
  type CsvContent
} from './csv-content';
import {
  requiredColumns,
  tableSpecs,
  type ColumnSpec,
  type TableName,
  type TableSpec
} from '../../contracts/tables';

/**
 * File-level checks of one uploaded CSV, before DuckDB sees it: size, emptiness, binary content,
 * BOM, delimiter and which table it holds. Row-level checks happen in `load-table.ts`.
 */

export const defaultMaxFileBytes = 1024 ** 3;

export interface HeaderColumn {
  /** Position in the file (0-based). */
  readonly index: number;
  /** Name in the loaded table: the contract name, or the trimmed header text for extras. */
  readonly name: string;
  readonly spec: ColumnSpec | null;
}

export interface AcceptedCsv {
  readonly ok: true;
  readonly fileName: string;
  /** UTF-8 content without BOM: DuckDB's byte positions and our line scan both refer to it. */
  readonly content: CsvContent;
  /** SHA-256 of `content` (chunked, see `ChunkedDigest`), for the dataset id. */
  readonly digest: Uint8Array;
  readonly spec: TableSpec;
  readonly delimiter: string;
  readonly columns: readonly HeaderColumn[];
  readonly extraColumns: readonly string[];
  readonly notes: readonly string[];
}

export interface RejectedCsv {
  readonly ok: false;
  readonly fileName: string;
  readonly table: TableName | undefined;
  readonly reason: string;
}

const delimiters = [',', ';', '\t', '|'] as const;
const delimiterNames: Record<string, string> = {
  ',': 'comma',
  ';': 'semicolon',
  '\t': 'tab',
  '|': 'pipe'
};
const maxColumns = 1000;

export async function prepareCsv(
  fileName: string,
  data: string | CsvContent,
  maxBytes: number
): Promise<AcceptedCsv | RejectedCsv> {
  const reject = (reason: string, table?: TableName): RejectedCsv => ({
    ok: false,
    fileName,
    table,
    reason
  });
  // A string never has more UTF-8 bytes than 3× its length, nor fewer than its length.
  if (typeof data === 'string' && data.length > maxBytes)
    return reject(tooBig(data.length, maxBytes));
  if (typeof data === 'string' && data.includes('\u0000'))
    return reject('not a text CSV file (it contains NUL characters)');
  let content: CsvContent = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  if (contentSize(content) > maxBytes) return reject(tooBig(contentSize(content), maxBytes));
  const head = await readRange(content, 0, 3);
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) content = fromOffset(content, 3);

  // One streaming pass: emptiness, NUL bytes, UTF-8 validity and the content digest.
  const scan = await scanContent(content, typeof data !== 'string');
  if (!scan.hasText) return reject('file is empty');
  if (scan.hasNul) return reject('not a text CSV file (it contains NUL bytes)');
  if (!scan.utf8) return reject('not a text CSV file (it is not valid UTF-8 text)');
  const digest = await scan.digest.digest();

  const headerLine = firstLine(await readRange(content, 0, 64 * 1024));
  const byName = tableFromFileName(fileName);
  for (const delimiter of delimiters) {
    const header = splitHeader(headerLine, delimiter);
    const spec = byName ?? tableFromHeader(header);
    if (!spec || missing(spec, header).length > 0) continue;
    if (header.length > maxColumns)
      return reject(
        `the header has ${header.length} columns; at most ${maxColumns} are supported`,
        spec.name
      );
    const mapped = mapColumns(spec, header);
    if (typeof mapped === 'string') return reject(mapped, spec.name);
    const notes =
      delimiter === ','
        ? []
        : [
            `${fileName} uses ${delimiterNames[delimiter]} (${JSON.stringify(delimiter)}) as its delimiter`
          ];
    const extraColumns = mapped.filter((c) => c.spec === null).map((c) => c.name);
    if (extraColumns.length > 0)
      notes.push(`${fileName}: extra columns kept as text: ${extraColumns.join(', ')}`);
    return {
      ok: true,
      fileName,
      content,
      digest,
      spec,
      delimiter,
      columns: mapped,
      extraColumns,
      notes
    };
  }

  const commaHeader = splitHeader(headerLine, ',');
  const hint = otherDelimiterHint(headerLine);
  const found = `the header found is: ${commaHeader.join(', ')}`;
  if (byName) {
    const names = missing(byName, commaHeader).join(', ');
    return reject(
      `missing required columns for ${byName.name}: ${names}; ${found}${hint}`,
      byName.name
    );
  }
  return reject(
    `cannot tell which table this file holds: name it after a table (e.g. invoices.csv) or give it the columns of one; ${found}${hint}`
  );
}

function tooBig(size: number, max: number): string {
  const mb = (n: number) => `${Math.round(n / 1024 ** 2).toLocaleString('en')} MB`;
  return `file is larger than the ${mb(max)} limit (${mb(size)})`;
}

function isSpace(b: number): boolean {
  return b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d;
}

async function scanContent(content: CsvContent, checkUtf8: boolean) {
  const digest = new ChunkedDigest();
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let hasText = false;
  let hasNul = false;
  let utf8 = true;
  await forEachChunk(content, async (chunk) => {
    hasText ||= !chunk.every(isSpace);
    hasNul ||= chunk.indexOf(0) !== -1;
    if (checkUtf8 && utf8 && !hasNul) {
      try {
        decoder.decode(chunk, { stream: true });
      } catch {
        utf8 = false;
      }
    }
    await digest.update(chunk);
  });
  if (checkUtf8 && utf8 && !hasNul) {
    try {
      decoder.decode();
    } catch {
      utf8 = false;
    }
  }
  return { hasText, hasNul, utf8, digest };
}

/** The header record as text; a header spanning lines (quoted newline) is cut at 64 KB. */
function firstLine(bytes: Uint8Array): string {
  let inQuotes = false;
  const end = Math.min(bytes.length, 64 * 1024);
  let i = 0;
  for (; i < end; i++) {
    const b = bytes[i];
    if (b === 0x22) inQuotes = !inQuotes;
    else if (b === 0x0a && !inQuotes) break;
  }
  return new TextDecoder().decode(bytes.subarray(0, i)).replace(/\r$/, '');
}

/** Header cells, quote-aware, trimmed, quotes removed. */
export function splitHeader(line: string, delimiter: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let inQuotes = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (ch === '"') {
      if (inQuotes && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else inQuotes = !inQuotes;
    } else if (ch === delimiter && !inQuotes) {
      cells.push(cell.trim());
      cell = '';
    } else cell += ch;
  }
  cells.push(cell.trim());
  return cells;
}

/** `invoices.csv`, `Invoices.CSV`, `acme_invoices_2026.csv`, `invoice.csv`: one table named, or none. */
export function tableFromFileName(fileName: string): TableSpec | null {
  const base = fileName.split(/[\\/]/).pop() ?? fileName;
  const stem = base
    .toLowerCase()
    .replace(/(\.(csv|tsv|txt))+$/, '')
    .replace(/[\s.-]+/g, '_');
  const exact = tableSpecs.find((t) => t.name === stem || singular(t.name) === stem);
  if (exact) return exact;
  const hits = tableSpecs.filter((t) =>
    [t.name, singular(t.name)].some((n) => new RegExp(`(^|[^a-z])${n}([^a-z]|$)`).test(stem))
  );
  return hits.length === 1 ? (hits[0] ?? null) : null;
}

function singular(name: string): string {
  return name.replace(/s$/, '');
}

/** The table whose required columns the header holds; the most specific one wins. */
function tableFromHeader(header: readonly string[]): TableSpec | null {
  const fits = tableSpecs.filter((t) => missing(t, header).length === 0);
  fits.sort((a, b) => requiredColumns(b).length - requiredColumns(a).length);
  const [best, next] = fits;
  if (!best) return null;
  return next && requiredColumns(next).length === requiredColumns(best).length ? null : best;
}

function missing(spec: TableSpec, header: readonly string[]): string[] {
  const names = new Set(header.map((h) => h.toLowerCase()));
  return requiredColumns(spec).filter((c) => !names.has(c));
}

function mapColumns(spec: TableSpec, header: readonly string[]): HeaderColumn[] | string {
  const taken = new Map<string, number>();
  const columns: HeaderColumn[] = [];
  for (const [index, raw] of header.entries()) {
    const colSpec = spec.columns.find((c) => c.name === raw.toLowerCase()) ?? null;
    if (colSpec) {
      const first = taken.get(colSpec.name);
      if (first !== undefined)
        return `column ${colSpec.name} appears twice (columns ${first + 1} and ${index + 1})`;
      taken.set(colSpec.name, index);
      columns.push({ index, name: colSpec.name, spec: colSpec });
    } else {
      columns.push({ index, name: raw, spec: null });
    }
  }
  // Extras are named after the header; DuckDB names are case-insensitive, so dedupe that way.
  const used = new Set(columns.filter((c) => c.spec).map((c) => c.name));
  return columns.map((c) => {
    if (c.spec) return c;
    const base = c.name === '' ? `column_${c.index + 1}` : c.name;
    let name = base;
    for (let n = 2; used.has(name.toLowerCase()); n++) name = `${base}_${n}`;
    used.add(name.toLowerCase());
    return { ...c, name };
  });
}

function otherDelimiterHint(line: string): string {
  const count = (d: string) => line.split(d).length - 1;
  const commas = count(',');
  const other = delimiters.slice(1).find((d) => count(d) > commas);
  return other ? ` (the file may use ${delimiterNames[other]} as its delimiter)` : '';
}
