import { describe, expect, it } from 'vitest';
import { OpsiqError } from '../../../workers/contracts/errors';
import { GeneratorService } from '../../../workers/services/generator-service';

describe('GeneratorService (the generator worker)', () => {
  it('generates the seven tables with labels and reports progress up to 1', async () => {
    const progress: number[] = [];
    const result = await new GeneratorService().generate({ scale: 'demo', seed: 3 }, (f) =>
      progress.push(f)
    );
    expect(result.files.map((f) => f.fileName).sort()).toEqual([
      'customers.csv',
      'invoices.csv',
      'payments.csv',
      'refunds.csv',
      'signal_events.csv',
      'subscriptions.csv',
      'usage_events.csv'
    ]);
    expect(result.labels.anomalies.length).toBeGreaterThan(0);
    expect(progress.at(-1)).toBe(1);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
  });

  it('cancel() stops a running generation with the code "cancelled"', async () => {
    const service = new GeneratorService();
    const running = service.generate({ scale: 'medium', seed: 1 }, () => {});
    setTimeout(() => service.cancel(), 5);
    const error = await running.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpsiqError);
    expect((error as OpsiqError).code).toBe('cancelled');
  });

  it('rejects settings outside the browser scales', async () => {
    const error = await new GeneratorService()
      // @ts-expect-error: 'large' is CLI-only on purpose
      .generate({ scale: 'large', seed: 1 }, () => {})
      .catch((e: unknown) => e);
    expect((error as OpsiqError).code).toBe('invalid_input');
  });
});
