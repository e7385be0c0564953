import { z } from 'zod';
import type { GeneratedDataset } from '../../data/generator';

/** Scales the app generates in the browser; `large` (300 MB of CSV) is for the CLI. */
export const browserScales = ['demo', 'small', 'medium'] as const;

export const generateInputSchema = z.object({
  scale: z.enum(browserScales),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 32 - 1)
});
export type GenerateInput = z.infer<typeof generateInputSchema>;

/** The typed API of `workers/generator.worker.ts`. */
export interface GeneratorApi {
  /** Generates a labelled dataset; `onProgress` gets the fraction done (0–1). */
  generate(input: GenerateInput, onProgress: (fraction: number) => void): Promise<GeneratedDataset>;
  /** Stops the running generation: its promise rejects with code `cancelled`. */
  cancel(): void;
}
