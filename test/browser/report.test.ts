import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { chartData, describeBrowser, launch, screenshotPath, watchProblems } from './browser.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'dist/cli/main.js');
// Study names may not hold '/' (they name files), so the name tries the other way out of a script block: '<!--<script>'.
const HOSTILE_STUDY = '<!--<script>window.__pwned=1<!--';
const HOSTILE_LABEL = '</script><script>window.__pwned=2</script>';

function automl(args: string[], cwd: string): void {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', timeout: 300_000 });
  if (r.status !== 0) throw new Error(`automl ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
}

describeBrowser('HTML report in headless Chromium', () => {
  let browser: Browser;
  let dir: string;
  beforeAll(async () => {
    if (!existsSync(BIN)) throw new Error('dist/ is missing: run `npm run build` first');
    dir = mkdtempSync(join(tmpdir(), 'automl-browser-report-'));
    browser = await launch();
  });
  afterAll(async () => browser?.close());

  it('the report of a real 30-trial search: every chart holds data, no console error', async () => {
    copyFileSync(join(ROOT, 'datasets/iris.csv'), join(dir, 'iris.csv'));
    automl(['search', 'iris.csv', '--target', 'species', '--trials', '30', '--workers', '2', '--storage', 'sqlite:s.db', '--quiet', '--json'], dir);
    automl(['report', 'iris', '--storage', 'sqlite:s.db', '--out', 'iris.html', '--quiet'], dir);
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const problems = watchProblems(page);
    // Offline: any request other than the file itself fails the test.
    await page.route(/^(?!file:)/, (route) => {
      problems.push(`network request: ${route.request().url()}`);
      void route.abort();
    });
    await page.goto(pathToFileURL(join(dir, 'iris.html')).href);
    await page.waitForFunction(() => (globalThis as unknown as { __automlReady?: boolean }).__automlReady === true, null, { timeout: 60_000 });
    const data = await chartData(page);
    const expected = ['history', 'family', 'importance', 'parallel', 'slices', 'timeline', 'confusion', 'roc', 'pr', 'permutation', 'ensemble'];
    expect(Object.keys(data).sort()).toEqual([...expected].sort());
    for (const name of expected) expect(data[name]!.reduce((a, b) => a + b, 0), `chart ${name} has no data`).toBeGreaterThan(0);
    expect(data.timeline![0]).toBe(30);
    // Each chart drew on a canvas of its own.
    expect(await page.locator('.chart canvas').count()).toBeGreaterThanOrEqual(expected.length);
    expect(await page.locator('.chip').count()).toBe(4);
    expect(problems).toEqual([]);
    await page.screenshot({ path: screenshotPath(join(ROOT, 'docs'), 'report.png', dir), fullPage: true });
    await page.close();
  }, 300_000);

  it('a hostile study name and class label stay text: nothing runs, nothing breaks out', async () => {
    const csv = readFileSync(join(ROOT, 'datasets/iris.csv'), 'utf8').replaceAll('setosa', HOSTILE_LABEL);
    writeFileSync(join(dir, 'hostile.csv'), csv);
    automl(['search', 'hostile.csv', '--target', 'species', '--trials', '6', '--workers', '2', '--storage', 'sqlite:h.db', '--study', HOSTILE_STUDY, '--out', 'h.model.json', '--quiet', '--json'], dir);
    automl(['report', HOSTILE_STUDY, '--storage', 'sqlite:h.db', '--model', 'h.model.json', '--out', 'hostile.html', '--quiet'], dir);
    const page = await browser.newPage();
    const problems = watchProblems(page);
    await page.goto(pathToFileURL(join(dir, 'hostile.html')).href);
    await page.waitForFunction(() => (globalThis as unknown as { __automlReady?: boolean }).__automlReady === true, null, { timeout: 60_000 });
    expect(await page.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.title()).toBe(`automl report: ${HOSTILE_STUDY}`);
    expect(await page.textContent('h1')).toBe(`Study ${HOSTILE_STUDY}`);
    expect(await page.locator('script').count()).toBe(3);
    const labels = await page.evaluate(() => {
      const c = (globalThis as unknown as { __automlCharts: Record<string, { getOption(): { xAxis: { data: string[] }[] } }> }).__automlCharts.confusion!;
      return c.getOption().xAxis[0]!.data;
    });
    expect(labels).toContain(HOSTILE_LABEL);
    expect(problems).toEqual([]);
    await page.close();
  }, 300_000);
});
