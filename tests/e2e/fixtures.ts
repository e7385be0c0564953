import { test as base, expect, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';

export { demoCounts } from '../support/demo';

/** Waits until Mission Control shows the dataset DuckDB reports. */
export async function waitForDataset(page: Page): Promise<void> {
  await expect(page.getByTestId('as-of')).toBeVisible({ timeout: 90_000 });
}

/** Reads the row counts of the dataset card into `{ table: count }`. */
export async function readCounts(page: Page): Promise<Record<string, number>> {
  const rows = page.getByTestId('table-row');
  const out: Record<string, number> = {};
  for (const row of await rows.all()) {
    const name = await row.getAttribute('data-table');
    const count = (await row.getByTestId('row-count').textContent()) ?? '';
    if (name) out[name] = Number(count.replace(/,/g, ''));
  }
  return out;
}

interface Fixtures {
  /** Every request URL whose origin differs from the app's; a test asserts it stays empty. */
  foreignRequests: string[];
}

export const test = base.extend<Fixtures>({
  foreignRequests: async ({ context, baseURL }, use) => {
    const origin = new URL(baseURL ?? 'http://127.0.0.1').origin;
    const foreign: string[] = [];
    context.on('request', (request) => {
      const url = request.url();
      if (url.startsWith('data:') || url.startsWith('blob:')) return;
      if (new URL(url).origin !== origin) foreign.push(url);
    });
    await use(foreign);
  }
});

/** Serious and critical axe violations on the page as it is now. */
export async function axe(page: Page) {
  const result = await new AxeBuilder({ page }).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(' ')) }));
}

export { expect };
