import { assetUrl } from './workers';

/** The seven CSVs of the bundled demo dataset (served from `static/vendor/demo`, precached). */
export const demoFiles = [
  'customers.csv',
  'subscriptions.csv',
  'invoices.csv',
  'payments.csv',
  'refunds.csv',
  'usage_events.csv',
  'signal_events.csv'
] as const;

/** Fetches the demo CSVs as text (from the service worker's cache when offline). */
export async function fetchDemoFiles(): Promise<{ fileName: string; data: string }[]> {
  return Promise.all(
    demoFiles.map(async (fileName) => {
      const response = await fetch(assetUrl(`vendor/demo/${fileName}`));
      if (!response.ok)
        throw new Error(`Could not load the demo file ${fileName} (${response.status})`);
      return { fileName, data: await response.text() };
    })
  );
}
