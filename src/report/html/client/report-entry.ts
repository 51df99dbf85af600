/**
 * Entry of the offline report page: reads the embedded JSON and draws everything once.
 */
import type { Payload } from '../payload.js';
import { renderFinal, renderStudy, studyHeader } from './render.js';

declare const document: any;

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
