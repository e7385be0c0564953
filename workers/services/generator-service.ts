import { z } from 'zod';
import { generateDataset, type GeneratedDataset } from '../../data/generator';
import { OpsiqError } from '../contracts/errors';
import { generateInputSchema, type GeneratorApi, type GenerateInput } from '../contracts/generator';

/** Runs the synthetic-data generator off the main thread, one generation at a time. */
export class GeneratorService implements GeneratorApi {
  #controller: AbortController | null = null;

  async generate(
    input: GenerateInput,
    onProgress: (fraction: number) => void
  ): Promise<GeneratedDataset> {
    const parsed = generateInputSchema.safeParse(input);
    if (!parsed.success) {
      throw new OpsiqError('invalid_input', `Generator settings: ${z.prettifyError(parsed.error)}`);
    }
    this.#controller?.abort();
    const controller = new AbortController();
    this.#controller = controller;
    try {
      return await generateDataset({ ...parsed.data, onProgress, signal: controller.signal });
    } catch (error) {
      if (controller.signal.aborted) {
        throw new OpsiqError(
          'cancelled',
          'Generation cancelled; the current dataset is unchanged.'
        );
      }
      throw error;
    } finally {
      if (this.#controller === controller) this.#controller = null;
    }
  }

  cancel(): void {
    this.#controller?.abort();
  }
}
