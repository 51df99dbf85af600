/**
 * Entry of the dashboard page: `/` lists the studies, `/study/<name>` shows one study and keeps it
 * current by polling for the trials from the lowest unfinished number on, twice a second.
 */
import type { CompactTrial, Payload } from '../payload.js';
import type { FinalModelSection } from '../final-model.js';
import type { ImportanceResult } from '../../importance.js';
import { el, fmt } from './dom.js';
import { renderFinal, renderStudy, studyHeader } from './render.js';
import { TrialTable } from './table.js';

declare const document: any;
declare const window: any;
declare const location: any;
declare function fetch(url: string): Promise<any>;

/** Poll period of the study page, in ms (the bench polls at this rate too). */
export const POLL_MS = 500;
const IMPORTANCE_MS = 15_000;

async function getJson(url: string): Promise<any> {
  const r = await fetch(url);
  const body = await r.json();
  if (!r.ok) throw new Error(body?.error ?? `${r.status}`);
  return body;
}

async function studiesPage(content: any): Promise<void> {
  document.title = 'automl dashboard';
  const header = document.getElementById('header');
  header.textContent = '';
  header.appendChild(el('h1', '', 'Studies'));
  const table = el('table', 'studies');
  content.appendChild(table);
  const draw = async (): Promise<void> => {
    const { storage, studies } = await getJson('/api/studies');
    document.getElementById('live').textContent = `${storage} · ${studies.length} studies · refreshed ${new Date().toLocaleTimeString()}`;
    table.textContent = '';
    const head = el('tr');
    for (const h of ['study', 'direction', 'sampler', 'complete', 'pruned', 'failed', 'running', 'best', 'created']) head.appendChild(el('th', '', h));
    table.appendChild(head);
    for (const s of studies) {
      const row = el('tr');
      const link = el('a', '', s.name);
      link.href = `/study/${encodeURIComponent(s.name)}`;
      const name = el('td');
      name.appendChild(link);
      row.appendChild(name);
      for (const v of [s.direction, s.sampler, s.counts.COMPLETE, s.counts.PRUNED, s.counts.FAIL, s.counts.RUNNING, fmt(s.bestValue), new Date(s.createdAt).toLocaleString()]) row.appendChild(el('td', '', String(v)));
      table.appendChild(row);
    }
  };
  await draw();
  setInterval(() => void draw().catch(() => undefined), 3000);
}

async function studyPage(content: any, name: string): Promise<void> {
  const api = `/api/studies/${encodeURIComponent(name)}`;
  const head = await getJson(api);
  document.title = `automl: ${name}`;
  const byNumber = new Map<number, CompactTrial>();
  let importance: ImportanceResult | null = null;
  let importanceNote: string | null = 'computing...';
  let final: FinalModelSection | null = null;
  let finalNote: string | null = 'waiting for the model file';
  let now = 0;
  const search = el('div', 'grid');
  search.id = 'search';
  const tableBox = el('div');
  const finalBox = el('div', 'grid');
  finalBox.id = 'final';
  content.append(el('h2', '', 'Search'), search, el('h2', '', 'Trials'), tableBox, el('h2', '', 'Final model'), finalBox);
  const table = new TrialTable(tableBox);
  const payload = (): Payload => ({
    version: 1, generatedAt: new Date().toISOString(), study: head.study, params: head.params,
    trials: [...byNumber.values()].sort((a, b) => a.n - b.n), importance, importanceNote, final, finalNote,
  });
  let chartsPending = true;
  let lastCharts = 0;
  /**
   * Header and table follow every change at once; the charts are redrawn at most once per poll
   * and, on a study whose charts take long to draw, no more often than 3x their drawing time,
   * so an open page never keeps a core busy.
   */
  const draw = (): void => {
    const p = payload();
    studyHeader(document.getElementById('header'), p);
    table.update(p);
    window.__automlTrialCount = p.trials.length;
    const timings = window.__automlTimings ?? {};
    const cost = Object.values(timings).reduce((a: number, b: any) => a + Number(b), 0);
    if (chartsPending && window.__automlReady !== false && Date.now() - lastCharts >= Math.max(POLL_MS, 3 * cost)) {
      chartsPending = false;
      lastCharts = Date.now();
      renderStudy(search, p, now);
    }
  };
  /** The lowest number not yet finished: every trial from there on may still change. */
  const cursor = (): number => {
    let from = byNumber.size;
    for (const t of byNumber.values()) if ((t.s === 'R' || t.s === 'W') && t.n < from) from = t.n;
    return from;
  };
  let lastImportance = 0;
  let lastComplete = -1;
  const poll = async (): Promise<void> => {
    let changed = false;
    for (;;) {
      const r = await getJson(`${api}/trials?from=${cursor()}`);
      now = r.now;
      for (const t of r.trials as CompactTrial[]) {
        const old = byNumber.get(t.n);
        if (!old || old.s !== t.s || old.f.length !== t.f.length || old.p !== t.p && JSON.stringify(old.p) !== JSON.stringify(t.p)) changed = true;
        byNumber.set(t.n, t);
      }
      if (!r.more) break;
    }
    const complete = [...byNumber.values()].filter((t) => t.s === 'C').length;
    if (complete !== lastComplete && Date.now() - lastImportance > IMPORTANCE_MS) {
      lastImportance = Date.now();
      lastComplete = complete;
      const imp = await getJson(`${api}/importance`);
      importance = imp.importance;
      importanceNote = imp.note;
      changed = true;
    }
    const running = [...byNumber.values()].some((t) => t.s === 'R');
    if (!final && !running) {
      const f = await getJson(`${api}/final`);
      if (f.final) {
        final = f.final;
        finalNote = null;
        renderFinal(finalBox, final, null);
      } else {
        finalNote = f.note;
        renderFinal(finalBox, null, finalNote);
      }
    }
    if (changed) chartsPending = true;
    // Running trials' bars grow with time: redraw the timeline now and then even without news.
    if (running && Date.now() - lastCharts > 5000) chartsPending = true;
    if (changed || chartsPending) draw();
    const live = document.getElementById('live');
    live.textContent = '';
    live.append(el('span', 'dot'), `live: ${byNumber.size} trials${running ? ', search running' : ''} · updated ${new Date().toLocaleTimeString()} · polling every ${POLL_MS / 1000} s`);
  };
  draw();
  const loop = async (): Promise<void> => {
    try {
      await poll();
    } catch (e) {
      document.getElementById('live').textContent = `connection problem: ${(e as Error).message}; retrying`;
    }
    setTimeout(() => void loop(), POLL_MS);
  };
  renderFinal(finalBox, null, finalNote);
  await loop();
}

function main(): void {
  const content = document.getElementById('content');
  const m = /^\/study\/(.+)$/.exec(location.pathname);
  const run = m ? studyPage(content, decodeURIComponent(m[1]!)) : studiesPage(content);
  run.catch((e: Error) => {
    content.textContent = '';
    content.appendChild(el('p', 'final-missing', `Could not load: ${e.message}`));
  });
}

main();
