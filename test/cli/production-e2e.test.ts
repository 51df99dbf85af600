/**
 * The README's "From search to production" section end to end, with the built CLI: search (small
 * budget), evaluate --json, serve as a child process on a free port (a real HTTP request to
 * /invocations and /metrics, then SIGTERM: exit 0), drift on a shifted copy (--fail-on-drift: 1)
 * and on the unshifted data (0), and retrain on the new data.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'dist/cli/main.js');
const IRIS = join(ROOT, 'datasets', 'iris.csv');
const COLUMNS = ['sepal length (cm)', 'sepal width (cm)', 'petal length (cm)', 'petal width (cm)'];
const cwd = mkdtempSync(join(tmpdir(), 'automl-production-'));

beforeAll(() => {
  if (!existsSync(BIN)) throw new Error('dist/ is missing: run `npm run build` (npm test does it first)');
});
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

function automl(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The README's one-liner: sepal length and petal length moved up by 1 cm. */
function shiftedCopy(out: string): void {
  const [header, ...lines] = readFileSync(IRIS, 'utf8').trim().split('\n');
  const rows = lines.map((l) => l.split(',')).map((r) => r.map((v, j) => (j === 0 || j === 2 ? String(Number(v) + 1) : v)));
  writeFileSync(out, [header, ...rows.map((r) => r.join(','))].join('\n') + '\n');
}

/** Starts `automl serve` on a free port; resolves with its URL once the start line is printed. */
function startServer(): Promise<{ url: string; exited: Promise<number | null>; kill: () => void }> {
  const child = spawn(process.execPath, [BIN, 'serve', 'iris.model.json', '--port', '0', '--workers', '1'], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /on (http:\/\/[^\s]+) \(POST \/invocations\)/.exec(out);
      if (m) resolve({ url: m[1]!, exited, kill: () => child.kill('SIGTERM') });
    });
    void exited.then((code) => reject(new Error(`automl serve exited (${code}) before listening: ${err}`)));
  });
}

describe('From search to production (README)', () => {
  it('search, evaluate, serve, drift, retrain', async () => {
    const search = automl(['search', IRIS, '--target', 'species', '--trials', '8', '--cv', '3', '--workers', '2', '--no-recheck', '--quiet']);
    expect(search.stderr).toBe('');
    expect(search.code).toBe(0);
    expect(existsSync(join(cwd, 'iris.model.json'))).toBe(true);

    const evaluate = automl(['evaluate', 'iris.model.json', IRIS, '--json']);
    expect(evaluate.code).toBe(0);
    const report = JSON.parse(evaluate.stdout) as { metric: { name: string; value: number }; rows: { used: number } };
    expect(report.metric.name).toBe('accuracy');
    expect(report.metric.value).toBeGreaterThan(0.9);
    expect(report.rows.used).toBe(150);

    const server = await startServer();
    try {
      const res = await fetch(`${server.url}/invocations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ dataframe_split: { columns: COLUMNS, data: [[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3]] } }),
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ predictions: ['setosa', 'virginica'] });
      // The whole file as CSV, with probabilities: 152 rows in the window, enough for drift.
      const csv = await fetch(`${server.url}/invocations?proba=true`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: readFileSync(IRIS) });
      const body = (await csv.json()) as { predictions: string[]; probabilities: Record<string, number>[] };
      expect(body.predictions).toHaveLength(150);
      expect(Object.keys(body.probabilities[0]!).sort()).toEqual(['setosa', 'versicolor', 'virginica']);
      const metrics = await (await fetch(`${server.url}/metrics`)).text();
      expect(metrics).toMatch(/automl_serve_requests_total\{endpoint="\/invocations",status="200"\} 2/);
      expect(metrics).toMatch(/^automl_drift_window_rows 152$/m);
      expect(metrics).toMatch(/^automl_drift_dataset_drifted 0$/m);
    } finally {
      server.kill();
    }
    expect(await server.exited).toBe(0);

    shiftedCopy(join(cwd, 'iris-shifted.csv'));
    const drifted = automl(['drift', 'iris.model.json', 'iris-shifted.csv', '--fail-on-drift']);
    expect(drifted.code).toBe(1);
    expect(drifted.stdout).toMatch(/Dataset drift: YES \(2 of 4 columns/);
    expect(automl(['drift', 'iris.model.json', IRIS, '--fail-on-drift']).code).toBe(0);

    const retrain = automl(['retrain', 'iris', '--data', 'iris-shifted.csv', '--trials', '8', '--workers', '2', '--no-recheck', '--json']);
    expect(retrain.code).toBe(0);
    const r = JSON.parse(retrain.stdout) as { study: string; parent: string; old: { value: number }; new: { value: number }; decision: string; modelFile: string | null; holdoutRows: number };
    expect(r.study).toBe('iris-retrain');
    expect(r.parent).toBe('iris');
    expect(r.holdoutRows).toBe(30);
    expect(typeof r.old.value).toBe('number');
    expect(typeof r.new.value).toBe('number');
    expect(['written', 'kept']).toContain(r.decision);
    expect(r.modelFile !== null).toBe(r.decision === 'written');
    if (r.modelFile) expect(existsSync(join(cwd, r.modelFile))).toBe(true);
    const best = JSON.parse(automl(['best', 'iris-retrain', '--json']).stdout) as { study: string; parent: unknown };
    expect(best.parent).toEqual({ study: 'iris' });
  }, 90_000);
});
