/**
 * Browser-side helpers shared by the report and the dashboard pages. The files of this folder run
 * in the browser: they are compiled with the rest of the package and joined into one inline
 * script by `bundle.ts` (which drops the imports between them), so they import each other only by
 * relative path and use no Node API. Text from the study (names, labels, reasons) only ever
 * reaches the page through `textContent` or canvas-drawn chart text, never as HTML.
 */
import type { CompactTrial, Payload } from '../payload.js';

/* The browser's globals; the package compiles without the DOM library. */
declare const document: any;
declare const window: any;

/** Creates an element with a class and optional text (set as text, never parsed as HTML). @internal */
export function el(tag: string, cls?: string, text?: string): any {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** Formats a number for labels: 4 significant digits, exponent for tiny or huge values. @internal */
export function fmt(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '-';
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return v.toExponential(3);
  return String(Number(v.toPrecision(4)));
}

/** Formats milliseconds as 850ms / 12.3s / 4.1min. @internal */
export function fmtMs(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '-';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 120_000) return `${(ms / 1000).toFixed(1)}s`;
  return `${(ms / 60_000).toFixed(1)}min`;
}

/** Colours of trial states, the same in every chart. @internal */
export const STATE_COLOR: Record<CompactTrial['s'], string> = { C: '#2f7ed8', P: '#a0a0a0', F: '#d9534f', R: '#f0ad4e', W: '#cccccc' };
/** @internal */
export const STATE_NAME: Record<CompactTrial['s'], string> = { C: 'complete', P: 'pruned', F: 'failed', R: 'running', W: 'waiting' };

/** Index of the `model` branch selector among the payload's parameters, or -1. @internal */
export function familyIndex(p: Payload): number {
  return p.params.findIndex((x) => x.name === 'model' && x.kind === 'categorical' && x.condition === null);
}

/** The model family of a trial (the `model` branch), or 'all' when the space has none. @internal */
export function familyOf(t: CompactTrial, fi: number): string {
  if (fi < 0) return 'all';
  const v = t.p[fi];
  return v === undefined ? '(none)' : String(v);
}

/** A score where higher is better, whatever the direction. @internal */
export function better(p: Payload): (a: number, b: number) => boolean {
  return p.study.direction === 'maximize' ? (a, b) => a > b : (a, b) => a < b;
}

/** Shared look of every chart: canvas-drawn tooltips (no HTML, so no markup from the data). @internal */
export function baseOption(): Record<string, unknown> {
  return {
    animation: false,
    textStyle: { fontFamily: 'system-ui, sans-serif' },
    tooltip: { renderMode: 'richText', confine: true },
    grid: { left: 60, right: 30, top: 40, bottom: 50 },
  };
}

/** Deterministic jitter in [-0.3, 0.3] from a trial number, so re-renders do not move points. @internal */
export function jitter(n: number): number {
  let h = Math.imul(n ^ 0x9e3779b9, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return ((h >>> 0) / 4294967296 - 0.5) * 0.6;
}

/** The page's chart instances by name, for tests and for resizing. @internal */
export function chartRegistry(): Record<string, any> {
  window.__automlCharts = window.__automlCharts || {};
  return window.__automlCharts;
}
