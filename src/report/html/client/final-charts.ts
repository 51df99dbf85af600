/**
 * Chart options of the final model (browser side): confusion matrix, ROC and precision-recall
 * curves, predicted against actual and residuals, permutation importance, ensemble weights.
 */
import type { EChartsOption } from 'echarts';
import type { FinalModelSection } from '../final-model.js';
import { baseOption, fmt } from './dom.js';
import type { Built } from './study-charts.js';

/** Rows: true class, columns: predicted class; cell colour and label are the row count. @internal */
export function confusionChart(f: FinalModelSection): Built {
  const m = f.confusion!;
  const classes = f.classes!.map(String);
  const data: number[][] = [];
  let max = 0;
  m.forEach((row, t) => row.forEach((n, q) => {
    data.push([q, t, n]);
    max = Math.max(max, n);
  }));
  return {
    option: {
      ...baseOption(),
      grid: { left: 30, right: 20, top: 30, bottom: 60 },
      tooltip: { renderMode: 'richText', confine: true, formatter: (x: any) => `true ${classes[x.value[1]]}, predicted ${classes[x.value[0]]}: ${x.value[2]} rows` },
      xAxis: { type: 'category', data: classes, name: 'predicted', nameLocation: 'middle', nameGap: 30, axisLabel: { interval: 0, rotate: classes.length > 6 ? 30 : 0 } },
      yAxis: { type: 'category', data: classes, name: 'true', nameLocation: 'middle', nameGap: Math.min(200, 14 + 7 * Math.max(...classes.map((c) => c.length))), inverse: true, axisLabel: { interval: 0 } },
      visualMap: { min: 0, max: Math.max(1, max), show: false, inRange: { color: ['#f7fbff', '#08519c'] } },
      series: [{ type: 'heatmap', data, label: { show: classes.length <= 15 } }],
    } as EChartsOption,
  };
}

function curveChart(curves: FinalModelSection['roc'], xName: string, yName: string, area: string, diagonal: boolean): Built {
  if (!curves || curves.length === 0) return 'every held-out row has the same class: no curve';
  const series: any[] = curves.map((c) => ({ name: `${c.label}: ${area} ${c.area.toFixed(3)}`, type: 'line', showSymbol: false, data: c.points }));
  if (diagonal) series.push({ name: 'chance', type: 'line', showSymbol: false, lineStyle: { type: 'dashed', color: '#999' }, itemStyle: { color: '#999' }, data: [[0, 0], [1, 1]] });
  return {
    option: {
      ...baseOption(),
      legend: { type: curves.length > 4 ? 'scroll' : 'plain', bottom: 0, itemWidth: 14, textStyle: { fontSize: 11 } },
      grid: { left: 50, right: 20, top: 20, bottom: 95 },
      tooltip: { renderMode: 'richText', confine: true, trigger: 'item', formatter: (x: any) => `${x.seriesName}\n${xName} ${fmt(x.value[0])}, ${yName} ${fmt(x.value[1])}` },
      xAxis: { type: 'value', min: 0, max: 1, name: xName, nameLocation: 'middle', nameGap: 26 },
      yAxis: { type: 'value', min: 0, max: 1, name: yName, nameLocation: 'middle', nameGap: 36 },
      series,
    } as EChartsOption,
  };
}

/** One-vs-rest ROC curves with their areas. @internal */
export function rocChart(f: FinalModelSection): Built {
  return curveChart(f.roc, 'false positive rate', 'true positive rate', 'AUC', true);
}

/** One-vs-rest precision-recall curves with their average precision. @internal */
export function prChart(f: FinalModelSection): Built {
  return curveChart(f.pr, 'recall', 'precision', 'AP', false);
}

function scatter(points: number[][], xName: string, yName: string, line: number[][]): Built {
  return {
    option: {
      ...baseOption(),
      tooltip: { renderMode: 'richText', confine: true, trigger: 'item', formatter: (x: any) => `${xName} ${fmt(x.value[0])}\n${yName} ${fmt(x.value[1])}` },
      xAxis: { type: 'value', name: xName, nameLocation: 'middle', nameGap: 26, scale: true },
      yAxis: { type: 'value', name: yName, scale: true },
      series: [
        { type: 'scatter', symbolSize: 4, large: points.length > 2000, itemStyle: { color: '#2f7ed8', opacity: 0.5 }, data: points },
        { type: 'line', showSymbol: false, lineStyle: { type: 'dashed', color: '#d9534f' }, data: line },
      ],
    } as EChartsOption,
  };
}

/** Predicted against actual, with the line y = x. @internal */
export function predictedChart(f: FinalModelSection): Built {
  const a = f.actual!;
  const q = f.predicted!;
  const lo = Math.min(...a, ...q);
  const hi = Math.max(...a, ...q);
  return scatter(a.map((v, i) => [v, q[i]!]), 'actual', 'predicted', [[lo, lo], [hi, hi]]);
}

/** Residuals (actual - predicted) against the prediction, with the zero line. @internal */
export function residualChart(f: FinalModelSection): Built {
  const a = f.actual!;
  const q = f.predicted!;
  const lo = Math.min(...q);
  const hi = Math.max(...q);
  return scatter(q.map((v, i) => [v, a[i]! - v]), 'predicted', 'residual', [[lo, 0], [hi, 0]]);
}

/** Mean score drop per shuffled column, with its spread over the repeats. @internal */
export function permutationChart(f: FinalModelSection): Built {
  const rows = f.permutation.slice(0, 20).reverse();
  if (rows.length === 0) return 'the model uses no input column';
  return {
    option: {
      ...baseOption(),
      grid: { left: 10, right: 60, top: 20, bottom: 30 },
      tooltip: { renderMode: 'richText', confine: true, formatter: (x: any) => { const r = rows[x.dataIndex]!; return `${r.feature}\n${f.metric} drop ${fmt(r.drop)} ± ${fmt(r.std)}`; } },
      xAxis: { type: 'value', name: `drop of ${f.metric}`, nameLocation: 'middle', nameGap: 24 },
      yAxis: { type: 'category', data: rows.map((r) => r.feature), axisLabel: { fontSize: 11 } },
      series: [{ type: 'bar', data: rows.map((r) => r.drop), itemStyle: { color: '#6a51a3' }, label: { show: true, position: 'right', formatter: (x: any) => fmt(x.value) } }],
    } as EChartsOption,
  };
}

/** The ensemble's members and their weights (a single pipeline has one member of weight 1). @internal */
export function ensembleChart(f: FinalModelSection): Built {
  const rows = f.members.slice().reverse();
  return {
    option: {
      ...baseOption(),
      grid: { left: 10, right: 60, top: 20, bottom: 30 },
      tooltip: { renderMode: 'richText', confine: true, formatter: (x: any) => { const r = rows[x.dataIndex]!; return `trial ${r.trial ?? '?'}: ${r.model}\nweight ${fmt(r.weight)}, ${r.columns} input columns`; } },
      xAxis: { type: 'value', name: 'weight', min: 0, max: 1 },
      yAxis: { type: 'category', data: rows.map((r) => `trial ${r.trial ?? '?'} · ${r.model}`), axisLabel: { fontSize: 11 } },
      series: [{ type: 'bar', data: rows.map((r) => r.weight), itemStyle: { color: '#1a9850' }, label: { show: true, position: 'right', formatter: (x: any) => fmt(x.value) } }],
    } as EChartsOption,
  };
}
