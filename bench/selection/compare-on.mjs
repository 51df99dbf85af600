// Paired comparison of the "on" arm (selection in the space) between two versions of the
// selection code or space, from search.mjs JSON outputs over the same seeds: per dataset x noise
// level, mean test score (and best CV, ensemble CV, noise/real columns kept) of each version and
// the 95% t interval of the per-seed difference new - old.
//
//   node bench/selection/compare-on.mjs --old a.json,b.json --new c.json [--out file.md]
import { readFileSync, writeFileSync } from 'node:fs';
import { describe } from './search-stats.mjs';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
};
const read = (list) => list.split(',').flatMap((f) => JSON.parse(readFileSync(f, 'utf8')).runs).filter((r) => r.on);
const oldRuns = read(arg('old'));
const newRuns = read(arg('new'));
const key = (r) => `${r.name}|${r.count}|${r.seed}`;
const oldBy = new Map(oldRuns.map((r) => [key(r), r]));
const cells = new Map();
for (const r of newRuns) {
  const o = oldBy.get(key(r));
  if (!o) continue;
  const c = `${r.name}|${r.count}`;
  if (!cells.has(c)) cells.set(c, []);
  cells.get(c).push({ old: o.on, new: r.on, seed: r.seed });
}
const f = (v, d = 3) => (v === null || v === undefined ? '-' : v.toFixed(d));
const lines = [
  '| dataset | noise | seeds | test old | test new | new - old [95%] | ensemble CV old / new | noise kept old / new | real kept old / new | completed old / new |',
  '|---|---:|---:|---:|---:|---|---:|---:|---:|---:|',
];
for (const [c, pairs] of cells) {
  const [name, count] = c.split('|');
  const m = (sel) => describe(pairs.map(sel)).mean;
  const d = describe(pairs.map((p) => (p.new.test ?? NaN) - (p.old.test ?? NaN)));
  const ens = (x) => x.ensemble?.cv ?? x.cv;
  lines.push(
    `| ${name} | ${count} | ${pairs.length} | ${f(m((p) => p.old.test))} | ${f(m((p) => p.new.test))} | ${f(d.mean)} [${f(d.lo)}, ${f(d.hi)}] | ${f(m((p) => ens(p.old)))} / ${f(m((p) => ens(p.new)))} | ${f(m((p) => p.old.noiseKept), 1)} / ${f(m((p) => p.new.noiseKept), 1)} | ${f(m((p) => p.old.realKept), 1)} / ${f(m((p) => p.new.realKept), 1)} | ${f(m((p) => p.old.complete), 0)} / ${f(m((p) => p.new.complete), 0)} |`,
  );
}
const text = lines.join('\n') + '\n';
process.stdout.write(text);
if (arg('out')) writeFileSync(arg('out'), text);
