import { axe, expect, test, waitForDataset } from './fixtures';

const paths = ['/', '/triage', '/analyst', '/qa-lab', '/settings', '/data?table=refunds'];
const shots = process.env.SCREENSHOTS_DIR;

/** Widest element that pokes out of the viewport, to say what overflows when one does. */
const overflow = () => {
  const width = document.documentElement.clientWidth;
  const culprits: string[] = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.right > width + 1 && r.width > 0) {
      const p = el.parentElement?.getBoundingClientRect();
      if (!p || p.right <= width + 1)
        culprits.push(`${el.tagName.toLowerCase()}.${el.className} ${Math.round(r.right)}`);
    }
  }
  return {
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    culprits: culprits.slice(0, 5)
  };
};

test('no page scrolls sideways at 1366 or 390 px and axe finds nothing serious', async ({
  page
}) => {
  // Many pages, each with axe: more than one page's time on a busy machine.
  test.setTimeout(360_000);
  // One run first, so Mission Control and Triage show their widest content (report, case).
  await page.setViewportSize({ width: 1366, height: 900 });
  await page.goto('/');
  await waitForDataset(page);
  await page.getByRole('button', { name: 'Run Autonomous Investigation' }).click();
  await expect(page.getByTestId('case-row').first()).toBeVisible({ timeout: 60_000 });
  const firstKey = await page.getByTestId('case-row').first().getAttribute('data-key');
  const visits = [...paths, `/triage?case=${encodeURIComponent(firstKey ?? '')}`];
  // Dark mode's contrast is checked by shell.spec.ts; here it is drawn only for screenshots.
  for (const scheme of shots ? (['light', 'dark'] as const) : (['light'] as const)) {
    await page.emulateMedia({ colorScheme: scheme });
    for (const width of [1366, 390]) {
      await page.setViewportSize({ width, height: 900 });
      for (const path of visits) {
        await page.goto(path);
        if (path === '/' || path === '/triage')
          await expect(page.getByTestId('case-row').first()).toBeVisible();
        if (path.includes('case=')) await expect(page.getByTestId('case-detail')).toBeVisible();
        const o = await page.evaluate(overflow);
        expect(
          o.scrollWidth,
          `${path} at ${width} px: ${o.culprits.join(', ')}`
        ).toBeLessThanOrEqual(o.innerWidth);
        if (path === '/data?table=refunds')
          await expect(page.getByTestId('data-row').first()).toBeVisible();
        // Every table stays inside its card: it becomes stacked rows (the cases) or scrolls
        // inside a box of its own; none spills out.
        const spills = await page.evaluate(() =>
          [...document.querySelectorAll('table')]
            .filter((t) => t.getBoundingClientRect().width > 0)
            .map((t) => {
              const box = t.closest('.card, .scroll, .table-wrap, details') ?? document.body;
              const r = t.getBoundingClientRect();
              const b = box.getBoundingClientRect();
              const scrolls = getComputedStyle(box).overflowX !== 'visible';
              return {
                label: t.getAttribute('aria-label') ?? t.className,
                out: !scrolls && r.right > b.right + 1
              };
            })
            .filter((t) => t.out)
            .map((t) => t.label)
        );
        expect(spills, `${path} at ${width} px: tables spilling out of their card`).toEqual([]);
        if (width === 390 && (path === '/' || path === '/triage')) {
          // The case table is stacked rows at 390 px: no sideways scroll inside its card either.
          const fit = await page.evaluate(() =>
            [...document.querySelectorAll('table.cases')].map((t) => {
              const card = t.closest('.card') as HTMLElement;
              return { table: t.scrollWidth, card: card.clientWidth };
            })
          );
          expect(fit.length, path).toBeGreaterThan(0);
          for (const f of fit)
            expect(f.table, `${path}: case table in its card`).toBeLessThanOrEqual(f.card);
        }
        if (scheme === 'light')
          expect(await axe(page), `axe on ${path} at ${width} px`).toEqual([]);
        if (shots) {
          const name = `${path === '/' ? 'mission' : path.slice(1).replace(/[^a-z]+/g, '-')}-${width}-${scheme}.png`;
          await page.screenshot({ path: `${shots}/${name}`, fullPage: true });
        }
      }
    }
  }
});
