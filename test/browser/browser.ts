/**
 * Headless Chromium for the browser tests: Debian's `chromium` at /usr/bin/chromium driven by
 * playwright-core. Without it the tests are skipped with a message, except under CI=true, where
 * they fail (.ci/run must install the package).
 */
import { existsSync } from 'node:fs';
import { describe, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Where the system browser is expected. */
export const CHROMIUM = process.env.AUTOML_CHROMIUM ?? '/usr/bin/chromium';

/** Launches headless Chromium with flags that keep it off the network and quiet. */
export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** `describe` for tests that need Chromium (see the module comment for when they skip). */
export function describeBrowser(name: string, body: () => void): void {
  if (existsSync(CHROMIUM)) {
    describe(name, body);
    return;
  }
  if (process.env.CI === 'true') {
    describe(name, () => {
      it('has Chromium to test in', () => {
        throw new Error(`CI=true but ${CHROMIUM} is missing: .ci/run must install Debian's chromium package`);
      });
    });
    return;
  }
  console.warn(`skipping "${name}": ${CHROMIUM} is missing (apt-get install chromium, or set AUTOML_CHROMIUM)`);
  describe.skip(name, body);
}

/** Collects console errors and warnings, page errors and failed HTTP responses of a page. */
export function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()} ${r.url()}`);
  });
  // A request the page itself abandons (navigating away while a poll is in flight) is not a fault.
  page.on('requestfailed', (r) => {
    if (r.failure()?.errorText === 'net::ERR_ABORTED') return;
    problems.push(`request failed: ${r.url()} (${r.failure()?.errorText ?? 'unknown'})`);
  });
  return problems;
}

/** Series data lengths of every chart on the page, by chart name (from the ECharts instances). */
export function chartData(page: Page): Promise<Record<string, number[]>> {
  return page.evaluate(() => {
    const charts = (globalThis as unknown as { __automlCharts?: Record<string, { getOption(): { series: { data?: unknown[] }[] } }> }).__automlCharts ?? {};
    return Object.fromEntries(Object.entries(charts).map(([k, c]) => [k, c.getOption().series.map((s) => (s.data ?? []).length)]));
  });
}

/** Where screenshots go: docs/ when AUTOML_SCREENSHOTS=docs (to update the committed ones), else `fallback`. */
export function screenshotPath(docsRoot: string, name: string, fallback: string): string {
  return process.env.AUTOML_SCREENSHOTS === 'docs' ? `${docsRoot}/${name}` : `${fallback}/${name}`;
}
