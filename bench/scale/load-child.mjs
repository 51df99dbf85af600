// One measured load, run in its own process so that peak RSS is the load's alone.
// Usage: node bench/scale/load-child.mjs <file.csv> <target> [automl|columns|string-rows|csv-parse]
// Prints one JSON line: { seconds (wall), cpuSeconds, maxRssMB, rows, columns }.
import { createReadStream } from 'node:fs';

const [file, target, mode = 'automl'] = process.argv.slice(2);
const lib = await import('../../dist/data/index.js');
const t0 = performance.now();
const c0 = process.cpuUsage();
let rows = 0;
let columns = 0;
if (mode === 'automl') {
  const ds = lib.loadDataset(file, { target });
  rows = ds.nRows;
  columns = ds.features.length + 1;
} else if (mode === 'columns') {
  // The reader alone (typed columns, no type inference): comparable with csv-parse below.
  const { readCsvColumns } = await import('../../dist/data/csv-load.js');
  const c = readCsvColumns(file);
  rows = c.raw.nRows;
  columns = c.raw.header.length;
} else if (mode === 'string-rows') {
  // The string-per-cell table (what predict and drift read), for comparison.
  const t = lib.readCsv(file);
  rows = t.rows.length;
  columns = t.header.length;
} else if (mode === 'csv-parse') {
  // csv-parse's streaming parser with the options the reader used before, records counted only.
  const { parse } = await import('csv-parse');
  const parser = createReadStream(file).pipe(parse({ bom: true, trim: true, skip_empty_lines: true, relax_column_count: true, record_delimiter: ['\r\n', '\n', '\r'] }));
  for await (const rec of parser) {
    rows++;
    columns = rec.length;
  }
  rows--;
} else throw new Error(`unknown mode ${mode}`);
const seconds = (performance.now() - t0) / 1000;
const cu = process.cpuUsage(c0);
const cpuSeconds = (cu.user + cu.system) / 1e6;
console.log(JSON.stringify({ mode, seconds: +seconds.toFixed(3), cpuSeconds: +cpuSeconds.toFixed(3), maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024), rows, columns }));
