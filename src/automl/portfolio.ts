/**
 * The learned portfolio of starting configurations (issue #20): instead of one default per model
 * family, a new study's warm start can begin with a short list of configurations that did well
 * together on a corpus of real datasets (the idea of auto-sklearn 2.0's portfolio and FLAML's
 * zero-shot configurations). bench/portfolio/ builds the list offline (evaluate.mjs scores a
 * candidate pool on every corpus dataset, select.mjs picks the list greedily) and writes
 * `src/automl/portfolio-data.json`; without that file the warm start is the plain defaults.
 *
 * The file is data from outside the code, so every field is checked here. An entry is either a
 * full pipeline configuration (`config`) or a reference to the warm start's default of a family
 * (`default` + `select`), which stays data-dependent (the forests' feature fraction). Whether the
 * study's space accepts a configuration is not checked here: the warm start skips the ones it
 * refuses, as it does for the defaults.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Task } from '../models/estimator.js';
import { AutomlError, show } from '../util/errors.js';
import { PACKAGE_ROOT } from '../util/package-paths.js';

/** The bundled portfolio file (written by bench/portfolio/select.mjs). */
export const PORTFOLIO_FILE = join(PACKAGE_ROOT, 'src', 'automl', 'portfolio-data.json');

/** The `format` field a portfolio file must carry. */
export const PORTFOLIO_FORMAT = 'automl-portfolio';

/** Largest portfolio file read, and most entries per task: more is not a portfolio. */
const MAX_BYTES = 1024 * 1024;
const MAX_ENTRIES = 64;

/** One configuration of a portfolio. */
export type PortfolioEntry =
  | { readonly id: string; readonly config: Record<string, unknown> }
  | { readonly id: string; readonly default: string; readonly select: 'none' | 'fdr' };

/** A checked portfolio: its entries per task, in the order they are tried, and where it came from. */
export interface Portfolio {
  readonly tasks: Partial<Record<Task, readonly PortfolioEntry[]>>;
  readonly provenance: Readonly<Record<string, unknown>>;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function fail(source: string, path: string, value: unknown, what: string): never {
  throw new AutomlError('E_CONFIG', `${source}: ${path}: ${what} (got ${show(value)}); rebuild the portfolio with bench/portfolio/select.mjs or delete the file to use the plain defaults`, {
    file: source,
    path,
    value,
  });
}

function checkEntry(raw: unknown, source: string, path: string): PortfolioEntry {
  if (!isPlainObject(raw)) fail(source, path, raw, 'an entry must be an object');
  const { id } = raw;
  if (typeof id !== 'string' || id.length === 0 || id.length > 200) fail(source, `${path}.id`, id, 'id must be a string of 1 to 200 characters');
  const hasConfig = Object.hasOwn(raw, 'config');
  const hasDefault = Object.hasOwn(raw, 'default');
  if (hasConfig === hasDefault) fail(source, path, Object.keys(raw), 'an entry needs exactly one of "config" and "default"');
  if (hasConfig) {
    const config = raw['config'];
    if (!isPlainObject(config) || !isPlainObject(config['model']) || typeof config['model']['type'] !== 'string') {
      fail(source, `${path}.config`, config, 'config must be a pipeline configuration object with model.type');
    }
    return { id, config };
  }
  const family = raw['default'];
  if (typeof family !== 'string' || !/^[a-z][a-z0-9_]*$/.test(family)) fail(source, `${path}.default`, family, 'default must be a model family name');
  const select = raw['select'] ?? 'none';
  if (select !== 'none' && select !== 'fdr') fail(source, `${path}.select`, select, 'select must be "none" or "fdr"');
  return { id, default: family, select };
}

/**
 * Checks a parsed portfolio file (`source` names it in errors).
 * @throws AutomlError('E_CONFIG') naming the JSON path of the first field that is wrong.
 */
export function parsePortfolio(json: unknown, source: string): Portfolio {
  if (!isPlainObject(json)) fail(source, '$', json, 'a portfolio file holds one JSON object');
  if (json['format'] !== PORTFOLIO_FORMAT) fail(source, '$.format', json['format'], `format must be "${PORTFOLIO_FORMAT}"`);
  if (json['version'] !== 1) fail(source, '$.version', json['version'], 'this version of automl reads portfolio version 1');
  const provenance = json['provenance'];
  if (!isPlainObject(provenance)) fail(source, '$.provenance', provenance, 'provenance must be an object (how and from what the portfolio was built)');
  const tasks = json['tasks'];
  if (!isPlainObject(tasks)) fail(source, '$.tasks', tasks, 'tasks must be an object keyed by task');
  const out: Partial<Record<Task, PortfolioEntry[]>> = {};
  for (const [task, list] of Object.entries(tasks)) {
    if (task !== 'classification' && task !== 'regression') fail(source, `$.tasks.${task}`, task, 'tasks are "classification" and "regression"');
    if (!Array.isArray(list) || list.length === 0 || list.length > MAX_ENTRIES) fail(source, `$.tasks.${task}`, list, `each task lists 1 to ${MAX_ENTRIES} entries`);
    const entries = list.map((e, i) => checkEntry(e, source, `$.tasks.${task}[${i}]`));
    const ids = new Set<string>();
    entries.forEach((e, i) => {
      if (ids.has(e.id)) fail(source, `$.tasks.${task}[${i}].id`, e.id, 'ids must be distinct within a task');
      ids.add(e.id);
    });
    out[task] = entries;
  }
  return { tasks: out, provenance };
}

/**
 * Reads and checks a portfolio file; null when there is none.
 * @throws AutomlError('E_CONFIG') for a file that is too large, not JSON, or malformed.
 */
export function loadPortfolio(file: string = PORTFOLIO_FILE): Portfolio | null {
  if (!existsSync(file)) return null;
  const size = statSync(file).size;
  if (size > MAX_BYTES) fail(file, '$', `${size} bytes`, `a portfolio file is at most ${MAX_BYTES} bytes`);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    fail(file, '$', (e as Error).message, 'not valid JSON');
  }
  return parsePortfolio(json, file);
}

let bundled: Portfolio | null | undefined;

/** The bundled portfolio, read once per process (null when none is shipped). */
export function bundledPortfolio(): Portfolio | null {
  if (bundled === undefined) bundled = loadPortfolio();
  return bundled;
}

/**
 * Replaces the bundled portfolio for this process: a benchmark comparing portfolios (see
 * bench/portfolio/lodo.mjs) or a test; null runs the plain defaults, undefined reads the file again.
 */
export function setBundledPortfolio(portfolio: Portfolio | null | undefined): void {
  bundled = portfolio;
}

function familyOf(config: Record<string, unknown>): unknown {
  return (config['model'] as { type?: unknown } | undefined)?.type;
}

function selectOf(config: Record<string, unknown>): unknown {
  return (config['select'] as { type?: unknown } | undefined)?.type ?? 'none';
}

/**
 * The warm-start list with a portfolio: its entries for `task` in stored order (a `default`
 * entry becomes that family's warm-start default from `defaults`, the list `defaultConfigs`
 * built for this data; one without a match is left out), then the defaults of the families the
 * portfolio does not mention, so that every family of the study's space is still tried once
 * (a `--models` list the portfolio was not built for). With `cost` (large data), the list is
 * ordered cheapest first, a stable sort. Null when the portfolio has nothing for the task: the
 * caller keeps the plain defaults.
 */
export function portfolioConfigs(
  portfolio: Portfolio | null,
  task: Task,
  defaults: readonly Record<string, unknown>[],
  cost?: (config: Record<string, unknown>) => number,
): Record<string, unknown>[] | null {
  const entries = portfolio?.tasks[task];
  if (!entries) return null;
  const out: Record<string, unknown>[] = [];
  for (const e of entries) {
    if ('config' in e) out.push(structuredClone(e.config));
    else {
      const d = defaults.find((c) => familyOf(c) === e.default && selectOf(c) === e.select);
      if (d) out.push(d);
    }
  }
  const covered = new Set(out.map(familyOf));
  for (const d of defaults) if (!covered.has(familyOf(d))) out.push(d);
  if (!cost) return out;
  const costs = out.map(cost);
  return out
    .map((c, i) => ({ c, i }))
    .sort((a, b) => (costs[a.i]! < costs[b.i]! ? -1 : costs[a.i]! > costs[b.i]! ? 1 : a.i - b.i))
    .map((x) => x.c);
}
