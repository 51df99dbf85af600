import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { chartData, describeBrowser, launch, screenshotPath, watchProblems } from './browser.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'dist/cli/main.js');

/** Resolves when `child` exits (at once if it already has). */
function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()));
}

describeBrowser('dashboard in headless Chromium while a search writes the same SQLite file', () => {
  let browser: Browser;
  let dir: string;
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    if (!existsSync(BIN)) throw new Error('dist/ is missing: run `npm run build` first');
    dir = mkdtempSync(join(tmpdir(), 'automl-browser-dash-'));
    copyFileSync(join(ROOT, 'datasets/wine.csv'), join(dir, 'wine.csv'));
    browser = await launch();
  });
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    await Promise.all(children.map(exited));
    await browser?.close();
  });

  it('new trials appear on the page within 2 seconds; the table sorts and filters', async () => {
    const db = join(dir, 's.db');
    const search = spawn(process.execPath, [BIN, 'search', 'wine.csv', '--target', 'class', '--time', '45', '--workers', '2', '--storage', 'sqlite:s.db', '--no-prune', '--quiet'], { cwd: dir, stdio: 'ignore' });
    children.push(search);
    /** Trials in the file, read on a connection of our own (0 while the schema is not there yet). */
    const count = (): number => {
      if (!existsSync(db)) return 0;
      const c = new Database(db, { readonly: true, fileMustExist: true });
      try {
        return (c.prepare('SELECT count(*) FROM trials').pluck().get() as number) ?? 0;
      } catch {
        return 0;
      } finally {
        c.close();
      }
    };
    // The study exists once the search has checked the data and written its first trial.
    for (let i = 0; i < 600 && count() === 0; i++) await sleep(100);
    const dash = spawn(process.execPath, [BIN, 'dashboard', '--storage', 'sqlite:s.db', '--port', '0'], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    children.push(dash);
    const address = await new Promise<string>((resolve, reject) => {
      let err = '';
      dash.stderr!.on('data', (d: Buffer) => {
        err += String(d);
        const m = /automl dashboard on (http:\/\/\S+)/.exec(err);
        if (m) resolve(m[1]!);
      });
      dash.once('exit', () => reject(new Error(`dashboard exited: ${err}`)));
    });
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const problems = watchProblems(page);
    await page.goto(`${address}/study/wine`);
    const pageCount = (): Promise<number> => page.evaluate(() => (globalThis as unknown as { __automlTrialCount?: number }).__automlTrialCount ?? 0);
    await page.waitForFunction(() => ((globalThis as unknown as { __automlTrialCount?: number }).__automlTrialCount ?? 0) > 0, null, { timeout: 30_000 });

    // Every time the file gains trials, time how long the page takes to show them.
    const seenAt = new Map<number, number>();
    const latencies: number[] = [];
    let shown = await pageCount();
    const until = Date.now() + 15_000;
    while (Date.now() < until && search.exitCode === null) {
      const n = count();
      const t = Date.now();
      if (n > shown && !seenAt.has(n)) seenAt.set(n, t);
      shown = await pageCount();
      for (const [k, at] of [...seenAt]) {
        if (shown >= k) {
          latencies.push(Date.now() - at);
          seenAt.delete(k);
        }
      }
      await sleep(50);
    }
    for (const at of seenAt.values()) latencies.push(Date.now() - at);
    console.log(`dashboard: ${latencies.length} updates observed, latency ms: max ${Math.max(...latencies)}, ${latencies.join(' ')}`);
    expect(latencies.length).toBeGreaterThanOrEqual(3);
    expect(Math.max(...latencies)).toBeLessThan(2000);

    await page.screenshot({ path: screenshotPath(join(ROOT, 'docs'), 'dashboard.png', dir), fullPage: true });

    // Once the search has stopped, the page settles on the file's trials; the charts hold them,
    // and the table sorts and filters them.
    search.kill('SIGINT');
    await exited(search);
    const total = count();
    await page.waitForFunction((n) => (globalThis as unknown as { __automlTrialCount?: number }).__automlTrialCount === n, total, { timeout: 10_000 });
    await page.waitForFunction(() => (globalThis as unknown as { __automlReady?: boolean }).__automlReady === true, null, { timeout: 30_000 });
    const data = await chartData(page);
    for (const name of ['history', 'family', 'timeline']) expect(data[name]!.reduce((a, b) => a + b, 0), `chart ${name}`).toBeGreaterThan(0);
    expect(await page.textContent('.tools .note')).toBe(`${total} of ${total} trials`);
    await page.click('.vhead span:nth-child(3)');
    const values = (await page.locator('.vrow span:nth-child(3)').allTextContents()).map(Number).filter((v) => !Number.isNaN(v));
    expect(values.length).toBeGreaterThan(1);
    expect(values).toEqual([...values].sort((a, b) => b - a));
    await page.selectOption('.tools select', 'C');
    const complete = await page.locator('.vrow .s-C').count();
    expect(await page.locator('.vrow').count()).toBe(complete);
    await page.selectOption('.tools select', '');
    await page.fill('.tools input', 'no-such-text');
    expect(await page.textContent('.tools .note')).toMatch(/^0 of \d+ trials$/);
    await page.fill('.tools input', '');

    // The studies page lists the study with a link.
    await page.goto(address);
    await page.waitForSelector('table.studies a');
    expect(await page.textContent('table.studies a')).toBe('wine');
    expect(problems).toEqual([]);
    await page.close();
  }, 300_000);
});
