/**
 * `automl evaluate` and `automl drift` end to end: a small search writes a model file with its
 * training profile; evaluate scores it; drift passes on the original data and fails (exit 1 with
 * --fail-on-drift) on a copy with shifted columns; bad input exits 2 with a clear message.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'dist/cli/main.js');
const WINE = join(ROOT, 'datasets', 'wine.csv');

beforeAll(() => {
  if (!existsSync(BIN)) throw new Error('dist/ is missing: run `npm run build` (npm test does it first)');
});

function automl(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Wine with every numeric column moved by one standard deviation. */
function shiftedCopy(out: string): void {
  const [header, ...lines] = readFileSync(WINE, 'utf8').trim().split('\n');
  const rows = lines.map((l) => l.split(','));
  const cols = header!.split(',');
  for (let j = 0; j < cols.length - 1; j++) {
    const v = rows.map((r) => Number(r[j]));
    const mean = v.reduce((s, x) => s + x, 0) / v.length;
    const sd = Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / v.length);
    rows.forEach((r, i) => (r[j] = String(v[i]! + sd)));
  }
  writeFileSync(out, [header, ...rows.map((r) => r.join(','))].join('\n') + '\n');
}

describe('automl evaluate and automl drift', () => {
  it('search, evaluate, drift on the same and on shifted data, and bad input', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'automl-evdrift-'));
    const s = automl(['search', WINE, '--target', 'class', '--trials', '8', '--cv', '3', '--workers', '2', '--seed', '2', '--json', '--out', 'wine.json'], cwd);
    expect(s.stderr).not.toMatch(/error/i);
    expect(s.code).toBe(0);
    const model = JSON.parse(readFileSync(join(cwd, 'wine.json'), 'utf8'));
    expect(model.version).toBe(3);
    expect(model.profile.rows).toBe(142);
    expect(model.profile.columns.map((c: { name: string }) => c.name)).toEqual(model.features.map((f: { name: string }) => f.name));

    const ev = automl(['evaluate', 'wine.json', WINE], cwd);
    expect(ev.code).toBe(0);
    expect(ev.stdout).toMatch(/178 rows, 178 scored/);
    expect(ev.stdout).toMatch(/accuracy\s+0\.9\d{3}/);
    expect(ev.stdout).toMatch(/true \\ predicted\s+class_0\s+class_1\s+class_2/);
    expect(ev.stdout).toMatch(/class\s+precision\s+recall\s+F1\s+support\nclass_0 .* 59\nclass_1 .* 71\nclass_2 .* 48/);
    const evJson = JSON.parse(automl(['evaluate', 'wine.json', WINE, '--json'], cwd).stdout);
    expect(evJson.classification.confusion.flat().reduce((a: number, b: number) => a + b, 0)).toBe(178);
    expect(evJson.metric.name).toBe('accuracy');
    expect(evJson.classification.rocAuc).toBeGreaterThan(0.9);

    const same = automl(['drift', 'wine.json', WINE, '--fail-on-drift'], cwd);
    expect(same.code, same.stdout + same.stderr).toBe(0);
    expect(same.stdout).toMatch(/Dataset drift: no/);
    expect(same.stdout).toMatch(/Prediction drift: no \(against the (out-of-fold|in-sample) predictions/);

    shiftedCopy(join(cwd, 'shifted.csv'));
    const shifted = automl(['drift', 'wine.json', 'shifted.csv', '--fail-on-drift'], cwd);
    expect(shifted.code).toBe(1);
    expect(shifted.stdout).toMatch(/Dataset drift: YES/);
    expect(shifted.stdout).toMatch(/KS\s+0\.\d+\s+[\d.e-]+\s+p < 0\.05\s+DRIFT/);
    expect(automl(['drift', 'wine.json', 'shifted.csv'], cwd).code).toBe(0);
    const js = JSON.parse(automl(['drift', 'wine.json', 'shifted.csv', '--json'], cwd).stdout);
    expect(js.dataset.drifted).toBe(true);
    expect(js.dataset.driftedColumns).toBe(model.features.length);
    expect(js.columns[0]).toMatchObject({ method: 'ks', drifted: true, threshold: 0.05 });
    expect(js.settings).toMatchObject({ pValue: 0.05, distance: 0.1, largeRows: 1000, driftShare: 0.5, sizeRule: 'smaller' });
    // Thresholds are settable: with a tiny p-value threshold and every column required, no drift.
    const lenient = automl(['drift', 'wine.json', 'shifted.csv', '--json', '--p-value', '1e-300', '--drift-share', '1', '--fail-on-drift'], cwd);
    expect(lenient.code).toBe(0);
    expect(JSON.parse(lenient.stdout).settings).toMatchObject({ pValue: 1e-300, driftShare: 1 });

    // Bad input exits 2 and says what is wrong.
    const first = model.features[0].name as string;
    const [header, ...lines] = readFileSync(WINE, 'utf8').trim().split('\n');
    const keep = header!.split(',').map((h, j) => (h === first ? -1 : j)).filter((j) => j >= 0);
    const pick = (l: string) => keep.map((j) => l.split(',')[j]).join(',');
    writeFileSync(join(cwd, 'lacking.csv'), [pick(header!), ...lines.map(pick)].join('\n') + '\n');
    for (const cmd of ['drift', 'evaluate']) {
      const bad = automl([cmd, 'wine.json', 'lacking.csv'], cwd);
      expect(bad.code, cmd).toBe(2);
      expect(bad.stderr, cmd).toMatch(/^error \[E_PREDICT_COLUMNS\]: lacking\.csv: missing column/);
      expect(bad.stderr, cmd).toContain(JSON.stringify(first));
      const gone = automl([cmd, 'wine.json', 'gone.csv'], cwd);
      expect(gone.code, cmd).toBe(2);
      expect(gone.stderr, cmd).toMatch(/error \[E_FILE_NOT_FOUND\]: gone\.csv: no such file/);
    }
    expect(automl(['drift', 'wine.json', WINE, '--p-value', '2'], cwd).code).toBe(2);

    // A model file from before profiles still predicts, and drift says what to do.
    const old = { ...model, version: model.ensemble ? 2 : 1 };
    delete old.profile;
    writeFileSync(join(cwd, 'old.json'), JSON.stringify(old));
    expect(automl(['predict', 'old.json', WINE], cwd).code).toBe(0);
    expect(automl(['evaluate', 'old.json', WINE], cwd).code).toBe(0);
    const noProfile = automl(['drift', 'old.json', WINE], cwd);
    expect(noProfile.code).toBe(2);
    expect(noProfile.stderr).toMatch(new RegExp(`old\\.json: this model file was written before profiles \\(version ${old.version}\\); re-run the search or \`automl retrain\` to get one`));
  }, 180_000);
});
