/**
 * Entry of the offline report page: reads the embedded JSON and draws everything once.
 */
import type { Payload } from '../payload.js';
import { el, fmt } from './dom.js';
import { renderFinal, renderStudy } from './render.js';

declare const document: any;

/** Header line: study, metric, counts per state, best value. */
export function studyHeader(root: any, p: Payload): void {
  const counts: Record<string, number> = {};
  for (const t of p.trials) counts[t.s] = (counts[t.s] ?? 0) + 1;
  const best = p.trials.filter((t) => t.s === 'C' && t.v !== null).reduce<number | null>((b, t) => (b === null || (p.study.direction === 'maximize' ? t.v! > b : t.v! < b) ? t.v! : b), null);
  root.textContent = '';
  root.appendChild(el('h1', '', `Study ${p.study.name}`));
  const facts = [
    `${p.trials.length} trials: ${counts.C ?? 0} complete, ${counts.P ?? 0} pruned, ${counts.F ?? 0} failed${counts.R ? `, ${counts.R} running` : ''}`,
    `best ${p.study.metric ?? 'value'} ${fmt(best)} (${p.study.direction})`,
    `${p.study.sampler} sampler, seed ${p.study.seed}`,
    p.study.data ? `data ${p.study.data}` : null,
    `storage ${p.study.storage}`,
  ].filter((x): x is string => x !== null);
  root.appendChild(el('p', 'facts', facts.join(' · ')));
}

function main(): void {
  const p = JSON.parse(document.getElementById('automl-data').textContent) as Payload;
  document.title = `automl report: ${p.study.name}`;
  studyHeader(document.getElementById('header'), p);
  const last = p.trials.reduce((m, t) => Math.max(m, t.b ?? t.a ?? 0), 0);
  renderStudy(document.getElementById('search'), p, last);
  renderFinal(document.getElementById('final'), p.final, p.finalNote);
  document.getElementById('footer').textContent = `Generated ${p.generatedAt} by automl report.`;
}

main();
