/**
 * Chart options of the search itself (browser side): optimization history, scores per model
 * family, parallel coordinates, slice plots, parameter importance and the worker timeline. Each
 * builder returns an ECharts option, or a string saying why there is nothing to draw.
 */
import type { EChartsOption } from 'echarts';
import type { CompactTrial, Payload, PayloadParam } from '../payload.js';
import { STATE_COLOR, STATE_NAME, baseOption, better, familyIndex, familyOf, fmt, fmtMs, jitter } from './dom.js';

/** A chart option, or the reason there is none. @internal */
export type Built = { option: EChartsOption; note?: string } | string;

function complete(p: Payload): CompactTrial[] {
  return p.trials.filter((t) => t.s === 'C' && t.v !== null);
}

/** Every trial by number; the best value so far as a step line; pruned and failed ones marked. @internal */
export function historyChart(p: Payload): Built {
  if (p.trials.length === 0) return 'no trial yet';
  const done = complete(p);
  const isBetter = better(p);
  const best: [number, number][] = [];
  let cur: number | null = null;
  for (const t of done) {
    if (cur === null || isBetter(t.v!, cur)) cur = t.v!;
    best.push([t.n, cur]);
  }
  const values = p.trials.filter((t) => t.v !== null && Number.isFinite(t.v)).map((t) => t.v!);
  const floor = values.length > 0 ? Math.min(...values) : 0;
  const series = (s: CompactTrial['s'], data: number[][], extra: Record<string, unknown> = {}) => ({
    name: STATE_NAME[s], type: 'scatter', large: data.length > 2000, symbolSize: 5, itemStyle: { color: STATE_COLOR[s], opacity: 0.75 }, data, ...extra,
  });
  return {
    option: {
      ...baseOption(),
      legend: { top: 0 },
      tooltip: { renderMode: 'richText', confine: true, trigger: 'item', formatter: (x: any) => `trial ${x.value[0]}\n${x.seriesName}: ${x.seriesName === 'failed' ? '(no value)' : fmt(x.value[1])}` },
      xAxis: { type: 'value', name: 'trial', min: 0 },
      yAxis: { type: 'value', name: p.study.metric ?? 'value', scale: true },
      dataZoom: [{ type: 'inside' }, { type: 'slider', height: 18, bottom: 4, showDataShadow: false }],
      series: [
        series('C', done.map((t) => [t.n, t.v!])),
        series('P', p.trials.filter((t) => t.s === 'P' && t.v !== null).map((t) => [t.n, t.v!]), { symbol: 'triangle' }),
        series('F', p.trials.filter((t) => t.s === 'F').map((t) => [t.n, floor]), { symbol: 'diamond', symbolSize: 7 }),
        { name: 'best so far', type: 'line', step: 'end', showSymbol: false, lineStyle: { width: 2, color: '#1a9850' }, itemStyle: { color: '#1a9850' }, data: best },
      ],
    } as EChartsOption,
    ...(p.trials.some((t) => t.s === 'F') ? { note: 'failed trials have no value: they are drawn at the bottom of the axis' } : {}),
  };
}

function quartiles(sorted: number[]): number[] {
  const q = (f: number): number => {
    const i = (sorted.length - 1) * f;
    const lo = Math.floor(i);
    return sorted[lo]! + (sorted[Math.min(lo + 1, sorted.length - 1)]! - sorted[lo]!) * (i - lo);
  };
  return [sorted[0]!, q(0.25), q(0.5), q(0.75), sorted[sorted.length - 1]!];
}

/** Box plot of the complete trials' CV scores per model family, with every trial as a point. @internal */
export function familyChart(p: Payload): Built {
  const done = complete(p);
  if (done.length === 0) return 'no complete trial yet';
  const fi = familyIndex(p);
  const groups = new Map<string, number[]>();
  for (const t of done) {
    const f = familyOf(t, fi);
    if (!groups.has(f)) groups.set(f, []);
    groups.get(f)!.push(t.v!);
  }
  const names = [...groups.keys()].sort();
  const points = done.map((t) => [names.indexOf(familyOf(t, fi)) + jitter(t.n), t.v!, t.n]);
  return {
    option: {
      ...baseOption(),
      tooltip: { renderMode: 'richText', confine: true, trigger: 'item', formatter: (x: any) => (x.seriesType === 'boxplot' ? `${x.name}\nmax ${fmt(x.value[5])}\nQ3 ${fmt(x.value[4])}\nmedian ${fmt(x.value[3])}\nQ1 ${fmt(x.value[2])}\nmin ${fmt(x.value[1])}` : `trial ${x.value[2]}: ${fmt(x.value[1])}`) },
      xAxis: [
        { type: 'category', data: names.map((n) => `${n} (${groups.get(n)!.length})`), axisLabel: { interval: 0, rotate: names.length > 3 ? 30 : 0, fontSize: 11 } },
        { type: 'value', min: -0.5, max: names.length - 0.5, show: false },
      ],
      yAxis: { type: 'value', name: `cv ${p.study.metric ?? 'value'}`, scale: true },
      series: [
        { name: 'scores', type: 'boxplot', data: names.map((n) => quartiles(groups.get(n)!.slice().sort((a, b) => a - b))), itemStyle: { color: '#eaf2fb', borderColor: '#2f7ed8' } },
        { name: 'trials', type: 'scatter', xAxisIndex: 1, symbolSize: 4, large: points.length > 2000, itemStyle: { color: '#2f7ed8', opacity: 0.45 }, data: points },
      ],
    } as EChartsOption,
  };
}

/** Parameter indices ranked by importance (or, without it, by how often they are active). @internal */
export function rankedParams(p: Payload): number[] {
  const byName = new Map(p.params.map((x, i) => [x.name, i]));
  const varied = (i: number): boolean => new Set(p.trials.map((t) => t.p[i]).filter((v) => v !== undefined)).size > 1;
  if (p.importance) {
    const out = p.importance.params.filter((x) => x.importance !== null && byName.has(x.name)).map((x) => byName.get(x.name)!);
    if (out.length > 0) return out.filter(varied);
  }
  const active = p.params.map((_, i) => p.trials.filter((t) => t.p[i] !== undefined).length);
  return p.params.map((_, i) => i).filter(varied).sort((a, b) => active[b]! - active[a]!);
}

function axisFor(param: PayloadParam, vertical = false): Record<string, unknown> {
  if (param.kind === 'categorical') return { type: 'category', data: param.choices!.map(String), axisLabel: { interval: 0, rotate: !vertical && param.choices!.length > 3 ? 30 : 0, fontSize: 10 } };
  return param.log ? { type: 'log' } : { type: 'value', scale: true };
}

function axisValue(param: PayloadParam, v: string | number | boolean): string | number {
  return param.kind === 'categorical' ? String(v) : (v as number);
}

/**
 * Parallel coordinates over the most important parameters that are active together (a parameter
 * of another branch would leave every line without a value there), plus the objective.
 * @internal
 */
export function parallelChart(p: Payload): Built {
  const done = complete(p);
  if (done.length < 2) return 'fewer than 2 complete trials';
  const chosen: number[] = [];
  let lines = done;
  for (const i of rankedParams(p)) {
    if (chosen.length >= 6) break;
    const next = lines.filter((t) => t.p[i] !== undefined);
    if (next.length >= Math.min(10, lines.length) && next.length > 0) {
      chosen.push(i);
      lines = next;
    }
  }
  if (chosen.length === 0) return 'no parameter varies across the complete trials';
  const vals = lines.map((t) => t.v!);
  const dims = chosen.map((i, d) => ({ dim: d, name: p.params[i]!.name.split('.').slice(-1)[0], ...axisFor(p.params[i]!, true) }));
  return {
    option: {
      ...baseOption(),
      parallelAxis: [...dims, { dim: chosen.length, name: p.study.metric ?? 'value', type: 'value', scale: true }],
      parallel: { left: 60, right: 90, top: 50, bottom: 30, parallelAxisDefault: { nameTextStyle: { fontSize: 11 }, nameLocation: 'end' } },
      visualMap: { type: 'continuous', min: Math.min(...vals), max: Math.max(...vals), dimension: chosen.length, right: 0, top: 40, calculable: true, inRange: { color: p.study.direction === 'maximize' ? ['#d7e3f4', '#08306b'] : ['#08306b', '#d7e3f4'] }, text: ['', ''] },
      series: [{ type: 'parallel', lineStyle: { width: 1, opacity: 0.5 }, progressive: 1000, data: lines.map((t) => [...chosen.map((i) => axisValue(p.params[i]!, t.p[i]!)), t.v!]) }],
    } as EChartsOption,
    note: `axes: ${chosen.map((i) => p.params[i]!.name).join(', ')}; ${lines.length} complete trials on which all of them are active`,
  };
}

/** Objective against each of the most important parameters (up to 4), on trials where it is active. @internal */
export function sliceChart(p: Payload): Built {
  const done = complete(p);
  const top = rankedParams(p).slice(0, 4);
  if (done.length === 0 || top.length === 0) return 'no complete trial with a varying parameter yet';
  const w = 100 / top.length;
  const grids = top.map((_, k) => ({ left: `${k * w + 4}%`, width: `${w - 7}%`, top: 40, bottom: 50 }));
  return {
    option: {
      ...baseOption(),
      grid: grids,
      tooltip: { renderMode: 'richText', confine: true, trigger: 'item', formatter: (x: any) => `trial ${x.value[2]}\n${fmt(x.value[1])} at ${typeof x.value[0] === 'number' ? fmt(x.value[0]) : x.value[0]}` },
      xAxis: top.map((i, k) => ({ gridIndex: k, name: p.params[i]!.name, nameLocation: 'middle', nameGap: 28, nameTextStyle: { fontSize: 11 }, ...axisFor(p.params[i]!) })),
      yAxis: top.map((_, k) => ({ gridIndex: k, type: 'value', scale: true, ...(k === 0 ? { name: p.study.metric ?? 'value' } : {}) })),
      series: top.map((i, k) => ({
        type: 'scatter', xAxisIndex: k, yAxisIndex: k, symbolSize: 5, large: done.length > 2000, itemStyle: { color: '#2f7ed8', opacity: 0.5 },
        data: done.filter((t) => t.p[i] !== undefined).map((t) => [axisValue(p.params[i]!, t.p[i]!), t.v!, t.n]),
      })),
    } as EChartsOption,
  };
}

/** fANOVA importance, most important at the top. @internal */
export function importanceChart(p: Payload): Built {
  const imp = p.importance;
  if (!imp) return p.importanceNote ?? 'no importance computed';
  const rows = imp.params.filter((x) => x.importance !== null).slice(0, 15).reverse();
  if (rows.length === 0) return `too few complete trials for importance (${imp.trials})`;
  return {
    option: {
      ...baseOption(),
      grid: { left: 10, right: 60, top: 20, bottom: 30 },
      tooltip: { renderMode: 'richText', confine: true, trigger: 'item', formatter: (x: any) => { const r = rows[x.dataIndex]!; return `${r.name}\n${(r.importance! * 100).toFixed(1)}% of the variance${r.condition ? `\n${(r.withinBranch! * 100).toFixed(1)}% within ${r.condition.name}=${r.condition.branch}` : ''}\non ${r.activeTrials} trials`; } },
      xAxis: { type: 'value', name: 'share of variance', nameLocation: 'middle', nameGap: 24, axisLabel: { formatter: (v: number) => `${Math.round(v * 100)}%` } },
      yAxis: { type: 'category', data: rows.map((r) => r.name), axisLabel: { fontSize: 11 } },
      series: [{ type: 'bar', data: rows.map((r) => r.importance!), itemStyle: { color: '#2f7ed8' }, label: { show: true, position: 'right', formatter: (x: any) => `${(x.value * 100).toFixed(1)}%` } }],
    } as EChartsOption,
    note: `fANOVA main effects on a seeded forest over ${imp.trials} complete trials; a branch's parameters count only on the trials that chose it${imp.notes.length > 0 ? `. ${imp.notes.join('; ')}` : ''}`,
  };
}

/**
 * Trials as bars from start to end on lanes. TrialRecord stores the worker process, not the thread,
 * so within each process trials are laid on lanes by overlap: a trial takes the first lane free at
 * its start (with one thread per lane, this is the thread count in use).
 * @internal
 */
export function timelineChart(p: Payload, now: number): Built {
  const started = p.trials.filter((t) => t.a !== null).slice().sort((x, y) => x.a! - y.a! || x.n - y.n);
  if (started.length === 0) return 'no trial has started yet';
  const procs = [...new Set(started.map((t) => t.w ?? '?'))];
  const laneEnds = procs.map(() => [] as number[]);
  const placed: [number, number, number, CompactTrial][] = [];
  let maxEnd = 0;
  for (const t of started) {
    const w = procs.indexOf(t.w ?? '?');
    const ends = laneEnds[w]!;
    const end = t.b ?? Math.max(now, t.a!);
    let lane = ends.findIndex((e) => e <= t.a!);
    if (lane < 0) lane = ends.push(0) - 1;
    ends[lane] = end;
    maxEnd = Math.max(maxEnd, end);
    placed.push([w, lane, end, t]);
  }
  const labels: string[] = [];
  const offset: number[] = [];
  laneEnds.forEach((ends, w) => {
    offset.push(labels.length);
    ends.forEach((_, lane) => labels.push(procs.length > 1 ? `P${w + 1} lane ${lane + 1}` : `lane ${lane + 1}`));
  });
  const bars = placed.map(([w, lane, end, t]) => [offset[w]! + lane, t.a! / 1000, end / 1000, t.n, 'CPFRW'.indexOf(t.s)]);
  const states = 'CPFRW';
  return {
    option: {
      ...baseOption(),
      grid: { left: 10, right: 30, top: 20, bottom: 50 },
      tooltip: { renderMode: 'richText', confine: true, trigger: 'item', formatter: (x: any) => `trial ${x.value[3]} (${STATE_NAME[states[x.value[4]] as CompactTrial['s']]})\n${fmtMs((x.value[2] - x.value[1]) * 1000)}` },
      xAxis: { type: 'value', name: 's', min: Math.floor(started[0]!.a! / 1000), max: Math.ceil(maxEnd / 1000) },
      yAxis: { type: 'category', data: labels, inverse: true, axisLabel: { fontSize: 10 } },
      dataZoom: [{ type: 'inside', filterMode: 'weakFilter' }, { type: 'slider', height: 18, bottom: 4, filterMode: 'weakFilter', showDataShadow: false }],
      series: [{
        type: 'custom', encode: { x: [1, 2], y: 0 }, data: bars, progressive: 0,
        renderItem: (params: any, api: any) => {
          const start = api.coord([api.value(1), api.value(0)]);
          const end = api.coord([api.value(2), api.value(0)]);
          const h = api.size([0, 1])[1] * 0.7;
          return { type: 'rect', shape: { x: start[0], y: start[1] - h / 2, width: Math.max(1, end[0] - start[0]), height: h }, style: { fill: STATE_COLOR[states[api.value(4)] as CompactTrial['s']] } };
        },
      }],
    } as unknown as EChartsOption,
    note: `${procs.length} worker process${procs.length === 1 ? '' : 'es'}${procs.length > 1 ? ' (P1, P2, ...)' : ''}; thread ids are not recorded, so trials are laid on lanes by overlap within each process. Gaps are idle time; grey bars were pruned, red failed, orange still running${started.some((t) => t.s === 'R') ? ' (a running bar starts when its trial was claimed, and one trial is claimed ahead while every thread is busy)' : ''}`,
  };
}
