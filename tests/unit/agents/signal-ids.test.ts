import { describe, expect, it } from 'vitest';
import { demoFiles, investigate } from './harness';

/** The demo with one more signal, critical and the latest, naming ids that are not in the data. */
function withSignal(payload: string) {
  return demoFiles().map((f) =>
    f.fileName === 'signal_events.csv'
      ? {
          ...f,
          data: `${f.data}SIG900,2026-02-21 09:00:00,billing_exception,critical,internal,invoices,"${payload}"\r\n`
        }
      : f
  );
}

describe('signals naming ids that are not loaded', () => {
  it('never cites such a signal as the trigger, and says which ids are missing', async () => {
    const { result } = await investigate(
      withSignal('{""invoice_ids"": [""INV999""], ""message"": ""Gap on INV999""}')
    );
    expect(result.signals[0]?.id).not.toBe('SIG900'); // signals[0] triggers the run
    expect(result.signals.at(-1)?.id).toBe('SIG900');
    expect(result.signals.at(-1)?.focus.invoiceIds).toEqual([]);
    // The five demo cases are unaffected.
    expect(result.cases).toHaveLength(5);
  });

  it('still triggers on a signal whose ids are there, dropping only the missing ones', async () => {
    const { result } = await investigate(
      withSignal('{""invoice_ids"": [""INV008"", ""INV999""], ""message"": ""Gap""}')
    );
    expect(result.signals[0]?.id).toBe('SIG900');
    expect(result.signals[0]?.focus.invoiceIds).toEqual(['INV008']);
  });
});
