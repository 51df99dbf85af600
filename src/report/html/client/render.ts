/**
 * Lays out the chart cards of a study page and draws (or redraws) every chart from a payload.
 * Cards are created once; a redraw replaces each chart's option, so the dashboard calls
 * `renderStudy` again whenever new trials arrive.
 */
import type { Payload } from '../payload.js';
import type { FinalModelSection } from '../final-model.js';
import { chartRegistry, el, fmt } from './dom.js';
import { familyChart, historyChart, importanceChart, parallelChart, sliceChart, timelineChart, type Built } from './study-charts.js';
import { confusionChart, ensembleChart, permutationChart, predictedChart, prChart, residualChart, rocChart } from './final-charts.js';

declare const echarts: any;
declare const window: any;

interface Card {
  readonly chart: any;
  readonly box: any;
  readonly note: any;
}

const cards: Record<string, Card> = {};
let resizeHooked = false;

function card(parent: any, id: string, title: string, help: string, wide: boolean): Card {
  const existing = cards[id];
  if (existing) return existing;
  const section = el('section', `card${wide ? ' wide' : ''}`);
  section.id = `card-${id}`;
  section.appendChild(el('h3', '', title));
  section.appendChild(el('p', 'help', help));
  const box = el('div', 'chart');
  box.id = `chart-${id}`;
  section.appendChild(box);
  const note = el('p', 'note');
  section.appendChild(note);
  parent.appendChild(section);
  const c = { chart: null, box, note };
  cards[id] = c;
  return c;
}

function draw(c: Card, id: string, built: Built): void {
  const registry = chartRegistry();
  if (typeof built === 'string') {
    c.box.style.display = 'none';
    c.note.textContent = `Nothing to draw: ${built}.`;
    return;
  }
  c.box.style.display = '';
  c.note.textContent = built.note ?? '';
  let chart = registry[id];
  if (!chart) {
    chart = echarts.init(c.box, null, { renderer: 'canvas' });
    registry[id] = chart;
  }
  chart.setOption(built.option, { notMerge: true, lazyUpdate: false });
  if (!resizeHooked) {
    resizeHooked = true;
    window.addEventListener('resize', () => Object.values(chartRegistry()).forEach((ch: any) => ch.resize()));
  }
}

/** Draws the search charts of a study into `root` (created on the first call, updated after). */
export function renderStudy(root: any, p: Payload, now: number): void {
  const metric = p.study.metric ?? 'value';
  const specs: [string, string, string, boolean, () => Built][] = [
    ['history', 'Optimization history', `Every trial's ${metric} by trial number, the best so far as a line; pruned trials show their last fold score, failed ones sit at the bottom.`, true, () => historyChart(p)],
    ['family', 'CV scores per model family', 'Distribution of the complete trials\' cross-validated scores for each model family (number of trials in brackets).', false, () => familyChart(p)],
    ['importance', 'Parameter importance', 'Share of the variance of the objective each hyperparameter explains on its own (fANOVA).', false, () => importanceChart(p)],
    ['parallel', 'Parallel coordinates', 'The most important parameters that are active together; each line is a complete trial, coloured by its score.', true, () => parallelChart(p)],
    ['slices', 'Slice plots', 'The score against each of the most important parameters, on the trials where it is active.', true, () => sliceChart(p)],
    ['timeline', 'Trials on the workers', 'When each trial ran: bars from start to end.', true, () => timelineChart(p, now)],
  ];
  for (const [id, title, help, wide, build] of specs) schedule(id, () => draw(card(root, id, title, help, wide), id, build()));
}

const queue = new Map<string, () => void>();
let running = false;

/**
 * Queues the drawing of chart `id` (replacing a queued draw of the same chart) and draws one
 * chart per task, so the page paints and stays responsive while a large study's charts are
 * drawn. `window.__automlReady` is true when the queue is empty; `window.__automlTimings[id]`
 * holds each chart's last drawing time in ms.
 */
function schedule(id: string, f: () => void): void {
  queue.delete(id);
  queue.set(id, f);
  window.__automlReady = false;
  if (running) return;
  running = true;
  const next = (): void => {
    const first = queue.entries().next();
    if (first.done) {
      running = false;
      window.__automlReady = true;
      return;
    }
    const [key, job] = first.value;
    queue.delete(key);
    const t0 = Date.now();
    job();
    window.__automlTimings = window.__automlTimings || {};
    window.__automlTimings[key] = Date.now() - t0;
    setTimeout(next, 0);
  };
  setTimeout(next, 0);
}

/** Draws the final-model section into `root`, or its note when there is no model to show. */
export function renderFinal(root: any, f: FinalModelSection | null, note: string | null): void {
  const missing = cards['final-note'];
  if (!f) {
    const text = `Final model not shown: ${note ?? 'no model'}.`;
    if (missing) missing.box.textContent = text;
    else {
      const p = el('p', 'note final-missing', text);
      root.appendChild(p);
      cards['final-note'] = { chart: null, box: p, note: p };
    }
    return;
  }
  if (missing) {
    missing.box.remove();
    delete cards['final-note'];
  }
  if (!cards['final-summary']) {
    const summary = el('div', 'summary');
    summary.appendChild(el('p', '', `${f.model}: held-out ${f.metric} ${fmt(f.score)} on ${f.rows} labelled rows of ${f.data}${f.cvScore !== null ? `; cross-validated ${fmt(f.cvScore)}` : ''}.`));
    const kept = el('div', 'chips');
    kept.appendChild(el('span', 'chips-title', `Kept features (${f.kept.length} of ${f.kept.length + f.dropped.length} columns):`));
    for (const c of f.kept) kept.appendChild(el('span', 'chip', c));
    for (const c of f.dropped) kept.appendChild(el('span', 'chip dropped', c));
    summary.appendChild(kept);
    root.appendChild(summary);
    cards['final-summary'] = { chart: null, box: summary, note: summary };
  }
  const specs: [string, string, string, boolean, () => Built][] =
    f.task === 'classification'
      ? [
          ['confusion', 'Confusion matrix', 'Held-out rows by true class (rows) and predicted class (columns).', false, () => confusionChart(f)],
          ['roc', 'ROC curves', 'One class against the rest; the area under each curve in the legend.', false, () => rocChart(f)],
          ['pr', 'Precision-recall curves', 'One class against the rest; average precision in the legend.', false, () => prChart(f)],
        ]
      : [
          ['predicted', 'Predicted against actual', 'Each held-out row; the dashed line is a perfect prediction.', false, () => predictedChart(f)],
          ['residuals', 'Residuals', 'Actual minus predicted, against the prediction.', false, () => residualChart(f)],
        ];
  specs.push(
    ['permutation', 'Permutation feature importance', `How much the held-out ${f.metric} drops when one column is shuffled (${f.permutationRows} rows, mean ± spread over 5 shuffles).`, false, () => permutationChart(f)],
    ['ensemble', f.members.length > 1 ? 'Ensemble members' : 'Model', f.members.length > 1 ? 'The pipelines whose predictions the model averages, with their weights.' : 'A single pipeline.', false, () => ensembleChart(f)],
  );
  for (const [id, title, help, wide, build] of specs) schedule(id, () => draw(card(root, id, title, help, wide), id, build()));
}

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
