/**
 * The report page: one HTML file holding its data (JSON in a `<script type="application/json">`
 * block), ECharts and our browser code, so it opens offline from disk.
 *
 * Escaping: the JSON has `<`, `>` and `&` written as \u003c, \u003e, \u0026 (still valid JSON, and
 * JSON.parse restores them), so no study name, class label or failure reason can close the
 * script element or open a comment; inlined scripts have `</script` and `<!--` broken up the same
 * way; text placed in the HTML itself is entity-escaped.
 */
import type { Payload } from './payload.js';
import { REPORT_MODULES, clientBundle, echartsSource } from './assets.js';

/** Escapes text for an HTML text node or a quoted attribute. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** JSON that is safe inside a `<script>` element. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** Script text that cannot end its `<script>` element early. */
export function inlineScript(code: string): string {
  return code.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

/** Styles shared by the report and the dashboard. */
export const PAGE_CSS = `
:root { color-scheme: light; }
body { font: 14px/1.45 system-ui, -apple-system, Segoe UI, sans-serif; margin: 0; background: #f4f6f9; color: #1d2733; }
main { max-width: 1500px; margin: 0 auto; padding: 16px 24px 40px; }
h1 { font-size: 22px; margin: 4px 0 2px; word-break: break-all; }
h2 { font-size: 17px; margin: 26px 0 8px; }
h3 { font-size: 15px; margin: 0 0 2px; }
.facts, .help, .note, footer { color: #5a6878; }
.help { margin: 0 0 6px; font-size: 12.5px; }
.note { font-size: 12.5px; margin: 4px 0 0; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(440px, 1fr)); gap: 14px; }
.card { background: #fff; border: 1px solid #dde3ea; border-radius: 8px; padding: 12px 14px; min-width: 0; }
.card.wide { grid-column: 1 / -1; }
.chart { width: 100%; height: 360px; }
.summary, .final-missing { grid-column: 1 / -1; }
.summary { background: #fff; border: 1px solid #dde3ea; border-radius: 8px; padding: 10px 14px; margin-bottom: 14px; }
.chips { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; }
.chips-title { margin-right: 6px; }
.chip { background: #e7f0fb; border-radius: 10px; padding: 1px 9px; font-size: 12.5px; }
.chip.dropped { background: #eee; color: #888; text-decoration: line-through; }
.final-missing { background: #fff8e5; border: 1px solid #f0d48a; border-radius: 8px; padding: 10px 14px; color: #6b5200; }
`;

/** The whole report page for a payload. */
export function reportHtml(payload: Payload): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(`automl report: ${payload.study.name}`)}</title>
<style>${PAGE_CSS}</style>
</head>
<body>
<main>
<header id="header"></header>
<h2>Search</h2>
<div id="search" class="grid"></div>
<h2>Final model</h2>
<div id="final" class="grid"></div>
<footer id="footer"></footer>
</main>
<script type="application/json" id="automl-data">${jsonForScript(payload)}</script>
<script>${inlineScript(echartsSource())}</script>
<script>${inlineScript(clientBundle(REPORT_MODULES))}</script>
</body>
</html>
`;
}
