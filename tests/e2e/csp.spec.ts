import { expect, test, waitForDataset } from './fixtures';

const paths = ['/', '/triage', '/analyst', '/qa-lab', '/settings'];

/** Records every CSP violation the page reports, from before its first script runs. */
const recordViolations = () => {
  const w = window as unknown as { __csp: string[] };
  w.__csp = [];
  document.addEventListener('securitypolicyviolation', (e) =>
    w.__csp.push(
      `${e.effectiveDirective} ${e.blockedURI} ${location.pathname} ${e.sourceFile}:${e.lineNumber}:${e.columnNumber} ${e.sample}`
    )
  );
};
const violations = (page: import('@playwright/test').Page) =>
  page.evaluate(() => (window as unknown as { __csp: string[] }).__csp);

test('every built page carries a strict CSP and runs without violating it', async ({ page }) => {
  await page.addInitScript(recordViolations);
  for (const path of paths) {
    await page.goto(path);
    if (path === '/') await waitForDataset(page);
    const policy = await page
      .locator('meta[http-equiv="content-security-policy"]')
      .getAttribute('content');
    expect(policy, path).toMatch(/script-src 'self' 'wasm-unsafe-eval'( 'sha256-[^']+')+;/);
    expect(policy, path).not.toContain('unsafe-inline');
    expect(policy, path).toMatch(/object-src 'none'/);
    expect(policy, path).toMatch(/frame-src 'none'/);
    expect(policy, path).toMatch(/img-src 'self' data:;/);
    expect(await violations(page), path).toEqual([]);
  }
});

test('an inline script or style from the data cannot run or apply', async ({ page }) => {
  await page.addInitScript(recordViolations);
  await page.goto('/triage');
  // As if some view had put a note from the data into the page as HTML.
  const note = `<img src="x" onerror="window.__ran = 'attr'"><b style="color: rgb(255, 0, 0)" id="styled">x</b>`;
  const result = await page.evaluate(async (html) => {
    const w = window as unknown as { __ran?: string };
    const script = document.createElement('script');
    script.textContent = "window.__ran = 'element'";
    document.body.append(script);
    document.body.insertAdjacentHTML('beforeend', html);
    await new Promise((r) => setTimeout(r, 300));
    const styled = document.getElementById('styled')!;
    return { ran: w.__ran ?? null, color: getComputedStyle(styled).color };
  }, note);
  expect(result.ran).toBeNull();
  expect(result.color).not.toBe('rgb(255, 0, 0)');
  const seen = await violations(page);
  expect(seen.some((v) => v.startsWith('script-src-elem inline'))).toBe(true);
  expect(seen.some((v) => v.startsWith('script-src-attr inline'))).toBe(true);
  expect(seen.some((v) => v.startsWith('style-src-attr inline'))).toBe(true);
});
