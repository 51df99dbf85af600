// Is a GBDT accuracy gap against HistGradientBoosting real or one split's noise? Both sides fit
// the same 75/25 splits (seeded shuffles, test = first quarter of each permutation) with the
// settings of run.mjs, and the paired differences are summarised.
//
//   node bench/learners/gbdt-splits.mjs [--dataset breast-cancer] [--splits 40]
// (FAST_DIST as in run.mjs; Python: /usr/bin/python3 with Debian's python3-sklearn.)
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const opt = (f, d) => (args.includes(f) ? args[args.indexOf(f) + 1] : d);
const dataset = opt('--dataset', 'breast-cancer');
const nSplits = Number(opt('--splits', '40'));
const dist = process.env.FAST_DIST ?? join(resolve(here, '../..'), 'dist/models/fast/index.js');
const fast = await import(pathToFileURL(dist).href);
const spec = fast.fastModels.find((s) => s.name === 'gradient_boosting');

const path = `/work/shared/datasets/${dataset}.csv`;
const rows = readFileSync(path, 'utf8').trim().split(/\r?\n/).slice(1).map((l) => l.split(','));
const p = rows[0].length - 1;
const uniq = [...new Set(rows.map((r) => r[p]))].sort();
const n = rows.length;

// Seeded Fisher-Yates (an LCG is enough to pick splits).
function permutation(seed) {
  let s = (seed * 2654435761 + 12345) >>> 0;
  const next = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
  const a = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}
const splits = Array.from({ length: nSplits }, (_, k) => {
  const perm = permutation(k);
  const nt = Math.floor(n / 4);
  return { test: perm.slice(0, nt).sort((a, b) => a - b), train: perm.slice(nt).sort((a, b) => a - b) };
});
const sub = (idx) => {
  const data = new Float64Array(idx.length * p);
  idx.forEach((r, i) => {
    for (let j = 0; j < p; j++) data[i * p + j] = rows[r][j] === '' ? NaN : Number(rows[r][j]);
  });
  return { X: { rows: idx.length, cols: p, data }, y: Float64Array.from(idx, (r) => uniq.indexOf(rows[r][p])) };
};
const params = { n_estimators: 100, max_leaves: 31, learning_rate: 0.1, min_samples_leaf: 20, l2: 0, early_stopping: 'off' };
const ours = splits.map(({ train, test }) => {
  const a = sub(train);
  const b = sub(test);
  const m = spec.create(params, { task: 'classification', nClasses: uniq.length, seed: 0 });
  m.fit(a.X, a.y);
  const pr = m.predict(b.X);
  let ok = 0;
  for (let i = 0; i < pr.length; i++) ok += pr[i] === b.y[i] ? 1 : 0;
  return ok / pr.length;
});
const py = `
import csv, json, sys
import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
job = json.load(sys.stdin)
rows = list(csv.reader(open(job['path'])))[1:]
X = np.array([[float(v) if v != '' else np.nan for v in r[:-1]] for r in rows])
y = np.searchsorted(np.unique([r[-1] for r in rows]), [r[-1] for r in rows])
out = []
for s in job['splits']:
    tr, te = np.array(s['train']), np.array(s['test'])
    m = HistGradientBoostingClassifier(max_iter=100, max_leaf_nodes=31, learning_rate=0.1, min_samples_leaf=20,
                                       l2_regularization=0.0, early_stopping=False, max_bins=255).fit(X[tr], y[tr])
    out.append(float(m.score(X[te], y[te])))
print(json.dumps(out))
`;
const env = { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1' };
const res = spawnSync(process.env.PYTHON ?? '/usr/bin/python3', ['-c', py], { input: JSON.stringify({ path, splits }), env, encoding: 'utf8', maxBuffer: 1 << 24 });
if (res.status !== 0) throw new Error(res.stderr);
const theirs = JSON.parse(res.stdout);
const diff = ours.map((v, i) => v - theirs[i]);
const mean = (a) => a.reduce((s, v) => s + v, 0) / a.length;
const sd = (a) => Math.sqrt(a.reduce((s, v) => s + (v - mean(a)) ** 2, 0) / (a.length - 1));
const md = mean(diff);
const se = sd(diff) / Math.sqrt(diff.length);
const pts = (v) => (100 * v).toFixed(2);
console.log(`${dataset}: ${nSplits} seeded 75/25 splits (${splits[0].test.length} test rows each), GBDT 100 x 31 leaves vs HistGradientBoosting`);
console.log(`ours mean accuracy ${mean(ours).toFixed(4)} (sd ${sd(ours).toFixed(4)}); scikit-learn ${mean(theirs).toFixed(4)} (sd ${sd(theirs).toFixed(4)})`);
console.log(`paired difference ${pts(md)} points (se ${pts(se)}, t = ${(md / se).toFixed(2)}); ours better on ${diff.filter((d) => d > 0).length}, equal on ${diff.filter((d) => d === 0).length}, worse on ${diff.filter((d) => d < 0).length}`);
