/**
 * Entry points: a synchronous run into any sink (the CLI streams to files with it), an
 * asynchronous in-memory run for the browser with progress and cancellation, and a count-only run.
 */
import type { ChunkSink } from './csv-writer';
import type { Labels } from './labels';
import { Simulation, type GenerateOptions, type GenerationResult } from './simulation';
import { TABLE_NAMES, type TableName } from './tables';

/** Customers simulated between progress reports, yields and cancellation checks. */
const BATCH = 250;

export function generateToSink(
  options: GenerateOptions,
  sink: ChunkSink,
  onProgress?: (fraction: number) => void
): GenerationResult {
  const simulation = new Simulation(options, sink);
  while (!simulation.done) {
    simulation.step(BATCH);
    onProgress?.(simulation.processed / simulation.total);
  }
  return simulation.finish();
}

/** Rows per table without keeping any text: for checking the sizes of big scales. */
export function countRows(options: GenerateOptions): GenerationResult {
  return generateToSink(options, () => {});
}

export interface DatasetFile {
  fileName: string;
  data: string;
}

export interface GenerateDatasetOptions extends GenerateOptions {
  /** Fraction done, 0–1, reported between batches of customers. */
  onProgress?: (fraction: number) => void;
  /** Checked between batches of customers; an abort rejects with the signal's reason. */
  signal?: AbortSignal;
}

export interface GeneratedDataset {
  files: DatasetFile[];
  labels: Labels;
  warnings: string[];
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason ?? new DOMException('Generation aborted', 'AbortError');
}

/**
 * Generates a whole dataset in memory, yielding to the event loop between batches so a worker
 * stays responsive to cancellation. Meant for demo, small and medium (medium is about 25 MB of
 * text); `large` is several hundred MB and belongs to the CLI.
 */
export async function generateDataset(options: GenerateDatasetOptions): Promise<GeneratedDataset> {
  const { onProgress, signal, ...rest } = options;
  throwIfAborted(signal);
  const chunks = new Map<TableName, string[]>(TABLE_NAMES.map((t) => [t, []]));
  const simulation = new Simulation(rest, (table, chunk) => chunks.get(table)?.push(chunk));
  onProgress?.(0);
  while (!simulation.done) {
    await yieldToEventLoop();
    throwIfAborted(signal);
    simulation.step(BATCH);
    onProgress?.((0.98 * simulation.processed) / simulation.total);
  }
  const result = simulation.finish();
  const files = TABLE_NAMES.map((table) => ({
    fileName: `${table}.csv`,
    data: (chunks.get(table) ?? []).join('')
  }));
  onProgress?.(1);
  return { files, labels: result.labels, warnings: result.warnings };
}

/** labels.json as written by the CLI. */
export function serializeLabels(labels: Labels): string {
  return `${JSON.stringify(labels, null, 2)}\n`;
}
