/**
 * A CSV file's content as the worker holds it: bytes already in memory (tests, generated data,
 * small strings) or a `Blob` / `File` the user chose, which is read lazily in chunks. A 300 MB
 * export is never copied into one JavaScript buffer: checks, hashing and line mapping stream
 * over it, and DuckDB reads the `File` itself (see `AnalyticsDependencies.registerBlob`).
 */
export type CsvContent = Uint8Array | Blob;

/** Bytes per chunk when streaming over a file. */
export const chunkBytes = 8 * 1024 * 1024;

export function contentSize(content: CsvContent): number {
  return content instanceof Uint8Array ? content.byteLength : content.size;
}

/** Bytes `[start, end)` of the content (clamped to its size). */
export async function readRange(
  content: CsvContent,
  start: number,
  end: number
): Promise<Uint8Array> {
  if (content instanceof Uint8Array) return content.subarray(start, end);
  return new Uint8Array(await content.slice(start, end).arrayBuffer());
}

/** The content from byte `start` on, without copying. */
export function fromOffset(content: CsvContent, start: number): CsvContent {
  return start === 0 ? content : content.slice(start);
}

/** Calls `visit` with each chunk in order; at most one chunk is held at a time. */
export async function forEachChunk(
  content: CsvContent,
  visit: (chunk: Uint8Array) => void | Promise<void>,
  size = chunkBytes
): Promise<void> {
  const total = contentSize(content);
  for (let start = 0; start < total; start += size) {
    await visit(await readRange(content, start, Math.min(total, start + size)));
  }
}

/**
 * SHA-256 of the content; above one chunk, SHA-256 over the chunks' digests (WebCrypto has no
 * streaming digest). Deterministic for the same bytes, and equal to plain SHA-256 for files of
 * up to one chunk.
 */
export class ChunkedDigest {
  readonly #digests: Uint8Array[] = [];

  async update(chunk: Uint8Array): Promise<void> {
    this.#digests.push(await sha256(chunk));
  }

  async digest(): Promise<Uint8Array> {
    if (this.#digests.length === 1 && this.#digests[0]) return this.#digests[0];
    return sha256(concat(this.#digests));
  }
}

export async function sha256(bytes: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const joined = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    joined.set(p, offset);
    offset += p.length;
  }
  return joined;
}
