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
/**
 * The CSV one import may bring, all files together. DuckDB-WASM's heap is at most 4 GB; the
 * loaded tables take about 0.3× their CSV size (compressed) and the read of a file peaks at
 * about 2.7× that file (measured, README "How data is stored"), so 1 GB fits with room to
 * spare. Refused up front rather than failing half-way.
 */
export const defaultMaxImportBytes = 1024 ** 3;

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
  /** Some lines end in LF and others in CR LF: DuckDB's strict parser refuses such a file. */
  readonly mixedLineEndings: boolean;
}

export interface RejectedCsv {
  readonly ok: false;
  readonly fileName: string;
  readonly table: TableName | undefined;
  readonly reason: string;
  /** Where the problem is, when it has a place: the header is line 1. */
  readonly line?: number;
  readonly column?: string;
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
  const reject = (
    reason: string,
    table?: TableName,
    where: { line?: number; column?: string } = {}
  ): RejectedCsv => ({
    ok: false,
    fileName,
    table,
    reason,
    ...where
  });
  // A string never has more UTF-8 bytes than 3× its length, nor fewer than its length.
  if (typeof data === 'string' && data.length > maxBytes)
    return reject(tooBig(data.length, maxBytes));
  if (typeof data === 'string' && data.includes('\u0000'))
    return reject('not a text CSV file (it contains NUL characters)');
  let content: CsvContent = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  if (contentSize(content) > maxBytes) return reject(tooBig(contentSize(content), maxBytes));
  const head = await readRange(content, 0, 256);
  const notText = notTextKind(head);
  if (notText) return reject(notText, byNameOf(fileName));
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) content = fromOffset(content, 3);

  // One streaming pass: emptiness, NUL bytes, UTF-8 validity and the content digest.
  const scan = await scanContent(content, typeof data !== 'string');
  // Named by the file: an empty or binary invoices.csv drops invoices, and the summary says so.
  const named = byNameOf(fileName);
  if (!scan.hasText) return reject('file is empty', named);
  if (scan.hasNul) return reject('not a text CSV file (it contains NUL bytes)', named);
  if (!scan.utf8) {
    const bad = await firstInvalidUtf8(content);
    return reject(
      bad
        ? `not UTF-8 text: line ${bad.line}, byte ${bad.byte.toLocaleString('en')} is 0x${bad.value.toString(16).toUpperCase().padStart(2, '0')}, which UTF-8 does not allow (the file may be Latin-1 or Windows-1252: save it as UTF-8 and load it again)`
        : 'not UTF-8 text (save it as UTF-8 and load it again)',
      named,
      bad ? { line: bad.line } : {}
    );
  }
  if (scan.lf === 0 && scan.crlf === 0 && head.includes(0x0d))
    return reject(
      'lines end in CR only (an old Mac format), so the whole file reads as one line: save it with LF or CR LF line ends and load it again',
      named,
      { line: 1 }
    );
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
    if ('reason' in mapped)
      return reject(mapped.reason, spec.name, { line: 1, column: mapped.column });
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
      notes,
      mixedLineEndings: scan.crlf > 0 && scan.lf > 0
    };
  }

  const commaHeader = splitHeader(headerLine, ',');
  const hint = otherDelimiterHint(headerLine);
  const found = `the header found is: ${commaHeader.join(', ')}`;
  const likely = byName ?? closestTable(commaHeader);
  if (likely) {
    const absent = missing(likely, commaHeader);
    const guesses = absent.map((name) => {
      const near = closestName(
        name,
        commaHeader.filter((h) => !likely.columns.some((c) => c.name === h.toLowerCase()))
      );
      return near
        ? `${name} (the header has ${JSON.stringify(near)}: did you mean ${name}?)`
        : name;
    });
    return reject(
      `line 1: missing required column${absent.length > 1 ? 's' : ''} for ${likely.name}: ${guesses.join(', ')}; ${found}${hint}`,
      likely.name,
      { line: 1, column: absent[0] }
    );
  }
  return reject(
    `line 1: cannot tell which table this file holds: name it after a table (e.g. invoices.csv) or give it the columns of one; ${found}${hint}`
  );
}

/**
 * Files that are not UTF-8 text, named by their first bytes: a ZIP archive (an .xlsx workbook is
 * one) or gzip renamed .csv, and UTF-16 text (with a byte-order mark, or ASCII text with a zero
 * byte in every other position). Otherwise they would only be "binary (NUL bytes)".
 */
export function notTextKind(head: Uint8Array): string | null {
  const starts = (...bytes: number[]) => bytes.every((b, i) => head[i] === b);
  if (starts(0x50, 0x4b, 0x03, 0x04) || starts(0x50, 0x4b, 0x05, 0x06))
    return 'not a CSV file: it is a ZIP archive (an .xlsx workbook is one too). Unzip it, or export the sheet as CSV (UTF-8)';
  if (starts(0x1f, 0x8b)) return 'not a CSV file: it is gzip-compressed. Decompress it first';
  const utf16 = (order: string, bom: boolean) =>
    `the file is UTF-16 text (${order}${bom ? ', with a byte-order mark' : ''}), not UTF-8: save it as UTF-8 and load it again`;
  if (starts(0xff, 0xfe)) return utf16('little-endian', true);
  if (starts(0xfe, 0xff)) return utf16('big-endian', true);
  const pairs = Math.floor(Math.min(head.length, 256) / 2);
  if (pairs >= 2) {
    let even = 0;
    let odd = 0;
    for (let i = 0; i < pairs; i++) {
      if (head[2 * i] === 0 && head[2 * i + 1] !== 0) even++;
      if (head[2 * i + 1] === 0 && head[2 * i] !== 0) odd++;
    }
    if (odd === pairs) return utf16('little-endian', false);
    if (even === pairs) return utf16('big-endian', false);
  }
  return null;
}

function byNameOf(fileName: string): TableName | undefined {
  return tableFromFileName(fileName)?.name;
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
  let lf = 0;
  let crlf = 0;
  let previous = 0;
  await forEachChunk(content, async (chunk) => {
    for (let i = chunk.indexOf(0x0a); i !== -1; i = chunk.indexOf(0x0a, i + 1)) {
      if ((i > 0 ? chunk[i - 1] : previous) === 0x0d) crlf++;
      else lf++;
    }
    previous = chunk[chunk.length - 1] ?? 0;
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
  return { hasText, hasNul, utf8, digest, lf, crlf };
}

/**
 * Where the first byte that is not UTF-8 is: its physical line (header = 1), its 1-based byte
 * offset in the file content and its value. A second streaming pass, run only for a file that
 * failed the decoder.
 */
export async function firstInvalidUtf8(
  content: CsvContent
): Promise<{ line: number; byte: number; value: number } | null> {
  let line = 1;
  let need = 0; // continuation bytes still expected
  let lead = { byte: 0, value: 0 }; // the byte that started the current sequence
  let offset = 0;
  let found: { line: number; byte: number; value: number } | null = null;
  await forEachChunk(content, (chunk) => {
    if (found) return;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i] ?? 0;
      if (need > 0) {
        if ((b & 0xc0) !== 0x80) return void (found = { line, ...lead });
        need--;
        continue;
      }
      lead = { byte: offset + i + 1, value: b };
      if (b === 0x0a) line++;
      else if (b < 0x80) continue;
      else if (b >= 0xc2 && b <= 0xdf) need = 1;
      else if (b >= 0xe0 && b <= 0xef) need = 2;
      else if (b >= 0xf0 && b <= 0xf4) need = 3;
      else return void (found = { line, ...lead });
    }
    offset += chunk.length;
  });
  if (!found && need > 0) found = { line, ...lead };
  return found;
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

function mapColumns(
  spec: TableSpec,
  header: readonly string[]
): HeaderColumn[] | { reason: string; column: string } {
  const taken = new Map<string, number>();
  const columns: HeaderColumn[] = [];
  for (const [index, raw] of header.entries()) {
    const colSpec = spec.columns.find((c) => c.name === raw.toLowerCase()) ?? null;
    if (colSpec) {
      const first = taken.get(colSpec.name);
      if (first !== undefined)
        return {
          reason: `line 1: column ${colSpec.name} appears twice in the header (columns ${first + 1} and ${index + 1}); keep one`,
          column: colSpec.name
        };
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

/** The table most of whose required columns the header names (at least half), if one stands out. */
function closestTable(header: readonly string[]): TableSpec | null {
  const scored = tableSpecs
    .map((t) => {
      const required = requiredColumns(t);
      return { t, share: (required.length - missing(t, header).length) / required.length };
    })
    .filter((s) => s.share >= 0.5)
    .sort((a, b) => b.share - a.share);
  const [best, next] = scored;
  return best && (!next || next.share < best.share) ? best.t : null;
}

/** The header name within edit distance 2 of `name` (case-insensitive), if exactly one is closest. */
export function closestName(name: string, candidates: readonly string[]): string | null {
  const scored = candidates
    .map((c) => ({ c, d: editDistance(name, c.toLowerCase()) }))
    .filter((s) => s.d <= Math.min(2, Math.floor(name.length / 3)))
    .sort((a, b) => a.d - b.d);
  const [best, next] = scored;
  return best && (!next || next.d > best.d) ? best.c : null;
}

function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      next.push(Math.min((row[j] ?? 0) + 1, (next[j - 1] ?? 0) + 1, (row[j - 1] ?? 0) + cost));
    }
    row = next;
  }
  return row[b.length] ?? 0;
}

function otherDelimiterHint(line: string): string {
  const count = (d: string) => line.split(d).length - 1;
  const commas = count(',');
  const other = delimiters.slice(1).find((d) => count(d) > commas);
  return other ? ` (the file may use ${delimiterNames[other]} as its delimiter)` : '';
}
