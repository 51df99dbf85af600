/**
 * The dashboard's trial table: sortable by clicking a column, filtered by state and by text, and
 * virtualised (only the rows in view exist in the page), so 10,000+ trials scroll smoothly.
 */
import type { CompactTrial, Payload } from '../payload.js';
import { STATE_NAME, el, familyIndex, familyOf, fmt, fmtMs } from './dom.js';

declare const document: any;

const ROW = 24;
type Key = 'n' | 's' | 'v' | 'd' | 'm' | 'a';
const COLUMNS: [Key, string][] = [['n', 'trial'], ['s', 'state'], ['v', 'value'], ['d', 'duration'], ['m', 'model'], ['a', 'started (s)']];

/** A mounted trial table; `update` takes the current payload whenever trials change. */
export class TrialTable {
  private payload: Payload | null = null;
  private rows: CompactTrial[] = [];
  private sortKey: Key = 'n';
  private desc = true;
  private filter = '';
  private state = '';
  private readonly body: any;
  private readonly inner: any;
  private readonly count: any;

  constructor(root: any) {
    const tools = el('div', 'tools');
    const text = el('input');
    text.type = 'search';
    text.placeholder = 'filter: model, parameter=value, reason...';
    text.size = 40;
    text.addEventListener('input', () => {
      this.filter = String(text.value).toLowerCase();
      this.refresh();
    });
    const select = el('select');
    for (const [v, label] of [['', 'all states'], ['C', 'complete'], ['P', 'pruned'], ['F', 'failed'], ['R', 'running']]) {
      const o = el('option', '', label);
      o.value = v;
      select.appendChild(o);
    }
    select.addEventListener('change', () => {
      this.state = String(select.value);
      this.refresh();
    });
    this.count = el('span', 'note');
    tools.append(text, select, this.count);
    const table = el('div', 'vtable');
    const head = el('div', 'vhead');
    for (const [key, label] of [...COLUMNS, ['p', 'parameters'] as [string, string]]) {
      const h = el('span', '', label);
      if (key !== 'p') {
        h.title = 'sort';
        h.addEventListener('click', () => {
          this.desc = this.sortKey === key ? !this.desc : key !== 'n' && key !== 's' && key !== 'm';
          this.sortKey = key as Key;
          this.refresh();
        });
      }
      head.appendChild(h);
    }
    this.body = el('div', 'vbody');
    this.body.id = 'trial-table';
    this.inner = el('div');
    this.body.appendChild(this.inner);
    this.body.addEventListener('scroll', () => this.paint());
    table.append(head, this.body);
    root.append(tools, table);
  }

  /** New data: re-filter, re-sort and repaint the rows in view. */
  update(p: Payload): void {
    this.payload = p;
    this.refresh();
  }

  private text(t: CompactTrial, p: Payload, fi: number): string {
    const parts = Object.entries(t.p).map(([i, v]) => `${p.params[Number(i)]?.name ?? i}=${v}`);
    return `${STATE_NAME[t.s]} ${familyOf(t, fi)} ${parts.join(' ')} ${t.e ?? ''}`.toLowerCase();
  }

  private refresh(): void {
    const p = this.payload;
    if (!p) return;
    const fi = familyIndex(p);
    const dur = (t: CompactTrial): number => (t.a !== null && t.b !== null ? t.b - t.a : -1);
    const terms = this.filter.split(/\s+/).filter(Boolean);
    let rows = p.trials.filter((t) => (this.state === '' || t.s === this.state) && (terms.length === 0 || terms.every((w) => this.text(t, p, fi).includes(w))));
    const key = this.sortKey;
    const val = (t: CompactTrial): number | string => (key === 'n' ? t.n : key === 's' ? t.s : key === 'v' ? (t.v ?? -Infinity) : key === 'd' ? dur(t) : key === 'm' ? familyOf(t, fi) : (t.a ?? -1));
    const sign = this.desc ? -1 : 1;
    rows = rows.slice().sort((x, y) => {
      const a = val(x);
      const b = val(y);
      return (a < b ? -1 : a > b ? 1 : 0) * sign || x.n - y.n;
    });
    this.rows = rows;
    this.count.textContent = `${rows.length} of ${p.trials.length} trials`;
    this.inner.style.height = `${rows.length * ROW}px`;
    this.paint();
  }

  /** Draws the rows in view (plus a margin); everything else is empty space. */
  private paint(): void {
    const p = this.payload;
    if (!p) return;
    const fi = familyIndex(p);
    const top = this.body.scrollTop;
    const first = Math.max(0, Math.floor(top / ROW) - 10);
    const last = Math.min(this.rows.length, Math.ceil((top + 440) / ROW) + 10);
    this.inner.textContent = '';
    for (let i = first; i < last; i++) {
      const t = this.rows[i]!;
      const r = el('div', 'vrow');
      r.style.top = `${i * ROW}px`;
      const params = Object.entries(t.p).filter(([k]) => Number(k) !== fi).map(([k, v]) => `${(p.params[Number(k)]?.name ?? k).split('.').slice(-1)[0]}=${typeof v === 'number' ? fmt(v) : v}`);
      r.append(
        el('span', '', String(t.n)),
        el('span', `s-${t.s}`, STATE_NAME[t.s]),
        el('span', '', fmt(t.v)),
        el('span', '', fmtMs(t.a !== null && t.b !== null ? t.b - t.a : null)),
        el('span', '', familyOf(t, fi)),
        el('span', '', t.a === null ? '-' : (t.a / 1000).toFixed(1)),
        el('span', '', t.s === 'F' ? (t.e ?? '') : params.join(' ')),
      );
      r.title = t.s === 'F' ? (t.e ?? '') : params.join('\n');
      this.inner.appendChild(r);
    }
    document.body.dataset.tableRows = String(last - first);
  }
}
