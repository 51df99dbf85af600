import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { inlineScript, jsonForScript, reportHtml } from '../../src/report/html/page.js';
import { buildPayload, type Payload } from '../../src/report/html/payload.js';
import { report } from '../../src/report/html/report.js';
import { syntheticSqliteStudy } from './synthetic.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'dist/cli/main.js');
const HOSTILE = '</script><script>window.__pwned=1</script><!-- ]]> & "\' \u2028';

beforeAll(() => {
  if (!existsSync(BIN)) throw new Error('dist/ is missing: run `npm run build` first');
});

/** The JSON of the page's data block, parsed. */
function embedded(html: string): Payload {
  const m = /<script type="application\/json" id="automl-data">([\s\S]*?)<\/script>/.exec(html);
  expect(m).not.toBeNull();
  return JSON.parse(m![1]!) as Payload;
}

function automl(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', timeout: 300_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('report page: embedding', () => {
  it('data with </script>, <!-- and line separators cannot break out of the data block', () => {
    const payload = buildPayload({
      study: { id: 1, name: HOSTILE, direction: 'maximize', space: { x: { type: 'categorical', choices: [HOSTILE, 'b'] } }, seed: 0, sampler: 'random', settings: { metric: HOSTILE }, createdAt: 0 },
      storageUrl: 'memory:',
      trials: [{ number: 0, state: 'FAIL', params: { x: HOSTILE }, value: null, intermediate: [], origin: 'sampler', retryOf: null, failKind: 'error', failReason: HOSTILE, userAttrs: {}, worker: HOSTILE, createdAt: 0, startedAt: 1, finishedAt: 2, heartbeatAt: 2 }],
      importance: null,
      importanceNote: HOSTILE,
      final: null,
      finalNote: HOSTILE,
    });
    const html = reportHtml(payload);
    // Exactly our three script elements, and no comment opener anywhere.
    expect(html.match(/<script/gi)).toHaveLength(3);
    expect(html.match(/<\/script/gi)).toHaveLength(3);
    expect(html).not.toContain('<!--');
    expect(embedded(html)).toEqual(payload);
    expect(html).toContain('<title>automl report: &lt;/script&gt;&lt;script&gt;');
  });

  it('jsonForScript round-trips and inlineScript defuses closing tags', () => {
    const v = { a: HOSTILE, b: [1, 2.5, null], c: '\u2029' };
    const s = jsonForScript(v);
    expect(s).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(s)).toEqual(v);
    expect(inlineScript('x = "</SCRIPT>"; y = "<!--";')).toBe('x = "<\\/SCRIPT>"; y = "<\\!--";');
  });

  it('inlines ECharts and the browser code: nothing is fetched', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'automl-report-'));
    await syntheticSqliteStudy(join(dir, 's.db'), 'small', 60);
    const r = await report({ study: 'small', storage: `sqlite:${join(dir, 's.db')}`, out: join(dir, 'r.html') });
    const html = readFileSync(join(dir, 'r.html'), 'utf8');
    expect(html).toBe(r.html);
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=|https?:\/\/cdn/i);
    expect(html).toContain('echarts');
    expect(r.payload.trials).toHaveLength(60);
    expect(r.payload.final).toBeNull();
    expect(r.payload.finalNote).toMatch(/no model file: small\.model\.json does not exist here; give --model/);
    expect(r.payload.importance!.params.length).toBeGreaterThan(10);
    // Failed trials carry their reason; pruned ones their fold values.
    expect(r.payload.trials.find((t) => t.s === 'F')!.e).toMatch(/^error: synthetic failure/);
    expect(r.payload.trials.find((t) => t.s === 'P')!.f).toHaveLength(2);
  });
});

describe('automl report (CLI) on real searches', () => {
  it('classification: confusion matrix, curves, permutation importance, ensemble; --data scores a given file', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'automl-report-cli-'));
    copyFileSync(join(ROOT, 'datasets/iris.csv'), join(cwd, 'iris.csv'));
    const s = automl(['search', 'iris.csv', '--target', 'species', '--trials', '12', '--workers', '2', '--quiet', '--json', '--no-prune'], cwd);
    expect(s.code, s.stderr).toBe(0);
    const r = automl(['report', 'iris'], cwd);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/wrote iris\.report\.html/);
    const p = embedded(readFileSync(join(cwd, 'iris.report.html'), 'utf8'));
    const f = p.final!;
    expect(f.task).toBe('classification');
    expect(f.rows).toBe(30);
    expect(f.confusion!.flat().reduce((a, b) => a + b, 0)).toBe(30);
    expect(f.classes).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(f.roc!.map((c) => c.label)).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(f.roc![0]!.area).toBeGreaterThan(0.9);
    expect(f.pr![0]!.points[0]).toEqual([0, 1]);
    expect(f.permutation.map((x) => x.feature).sort()).toEqual([...f.kept].sort());
    expect(f.members.reduce((a, m) => a + m.weight, 0)).toBeCloseTo(1, 9);
    expect(f.score).toBeGreaterThan(0.8);
    const out = JSON.parse(s.stdout);
    expect(f.score).toBeCloseTo(out.testScore, 10);

    writeFileSync(join(cwd, 'few.csv'), readFileSync(join(cwd, 'iris.csv'), 'utf8').split('\n').slice(0, 41).join('\n') + '\n');
    const g = automl(['report', 'iris', '--data', 'few.csv', '--out', 'few.html'], cwd);
    expect(g.code, g.stderr).toBe(0);
    expect(embedded(readFileSync(join(cwd, 'few.html'), 'utf8')).final!.rows).toBe(40);

    const missing = automl(['report', 'iris', '--model', 'nope.json'], cwd);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/E_FILE_NOT_FOUND.*nope\.json/);
  });

  it('regression: predicted against actual and residuals; a missing data file is a visible note', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'automl-report-reg-'));
    copyFileSync(join(ROOT, 'datasets/cpu.csv'), join(cwd, 'cpu.csv'));
    const s = automl(['search', 'cpu.csv', '--target', 'class', '--trials', '8', '--workers', '2', '--quiet', '--json'], cwd);
    expect(s.code, s.stderr).toBe(0);
    expect(automl(['report', 'cpu', '--quiet'], cwd).code).toBe(0);
    const f = embedded(readFileSync(join(cwd, 'cpu.report.html'), 'utf8')).final!;
    expect(f.task).toBe('regression');
    expect(f.actual).toHaveLength(f.rows);
    expect(f.predicted).toHaveLength(f.rows);
    expect(f.confusion).toBeNull();
    expect(f.score).toBeCloseTo(JSON.parse(s.stdout).testScore, 10);
    writeFileSync(join(cwd, 'cpu.csv'), 'MYCT,class\n1,2\n');
    const r = automl(['report', 'cpu', '--out', 'changed.html'], cwd);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/note: final model not shown: final model cpu\.model\.json: .*changed since the search|could not be read again/);
    expect(embedded(readFileSync(join(cwd, 'changed.html'), 'utf8')).final).toBeNull();
  });
});
