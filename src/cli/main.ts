#!/usr/bin/env node
/**
 * The `automl` command line. Parses arguments with commander, turns them into the library's
 * options, and prints results. Nothing imports this module.
 */
import { realpathSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { AutomlError, isAutomlError, messageOf } from '../util/errors.js';
import { search, resumeSearch } from '../automl/search.js';
import type { SearchOptions, SearchResult, SearchStartInfo } from '../automl/types.js';
import { loadModel } from '../serving/model-file.js';
import { openStorage } from '../storage/open.js';
import { loadStudy } from '../study/index.js';
import { leaderboard, foldScoresOf, keptColumnsOf } from '../automl/leaderboard.js';
import { keptFrequency, type KeptFrequency } from '../pipeline/index.js';
import { listModels } from '../models/registry.js';
import { tfBackendName } from '../models/tf-backend.js';
import { samplerNames } from '../samplers/index.js';
import { metricNames } from '../evaluation/metrics.js';
import type { TrialRecord } from '../trial/trial.js';
import { Progress } from './progress.js';
import { fmtDuration, fmtParams, fmtScore, parseDuration, table, toCsv } from './format.js';
import { register as registerImportance } from './commands/importance.js';
import { register as registerReport } from './commands/report.js';
import { register as registerExport } from './commands/export.js';
import { register as registerDashboard } from './commands/dashboard.js';

const VERSION = '0.1.0';
const DEFAULT_STORAGE = 'sqlite:automl.db';

function intArg(name: string, min: number) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be an integer >= ${min}, got '${v}'`);
    return n;
  };
}

function fractionArg(v: string): number {
  const n = Number(v);
  if (!(n > 0 && n < 1)) throw new InvalidArgumentError(`must be a fraction between 0 and 1, got '${v}'`);
  return n;
}

function durationArg(v: string): number {
  const s = parseDuration(v);
  if (s === null) throw new InvalidArgumentError(`expected seconds or a duration like 90s, 5m, 1h; got '${v}'`);
  return s;
}

function listArg(v: string): string[] {
  return v.split(',').map((s) => s.trim()).filter(Boolean);
}

/** Ctrl-C: the first stops the search gracefully (exit 130), the second exits at once. */
function interruptible(): { signal: AbortSignal; interrupted: () => boolean; dispose: () => void } {
  const ctl = new AbortController();
  let count = 0;
  const onSigint = (): void => {
    count++;
    if (count === 1) {
      process.stderr.write('\ninterrupted: stopping the running trials (press Ctrl-C again to exit at once)\n');
      ctl.abort('interrupted');
    } else {
      process.exit(130);
    }
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  return {
    signal: ctl.signal,
    interrupted: () => count > 0,
    dispose: () => {
      process.off('SIGINT', onSigint);
      process.off('SIGTERM', onSigint);
    },
  };
}

interface SearchFlags {
  target: string;
  task?: 'classification' | 'regression';
  metric?: string;
  strategy?: string;
  trials?: number;
  time?: number;
  cv: number;
  workers?: number;
  seed: number;
  storage: string;
  study?: string;
  space?: string;
  models?: string[];
  test?: string;
  testSize: number;
  out?: string;
  json?: boolean;
  prune: boolean;
  ensemble: boolean;
  recheck: boolean;
  warmStart: boolean;
  fixedFolds?: boolean;
  trialTimeout?: number;
  gridSize?: number;
  quiet?: boolean;
  featureSearch?: boolean | string;
  maxFailures?: number;
}

/** Mean number of columns kept per fold, out of the total (`5.2/30`), or `all`. */
function fmtKept(kept: readonly KeptFrequency[] | null, total: number | null): string {
  if (!kept) return 'all';
  const mean = kept.reduce((s, k) => s + k.frequency, 0);
  return `${Math.round(mean * 10) / 10}${total !== null ? `/${total}` : ''}`;
}

function printResult(r: SearchResult, json: boolean, interrupted: boolean): void {
  const s = r.study;
  if (json) {
    process.stdout.write(
      JSON.stringify({
        study: s.name,
        metric: r.metric.name,
        direction: r.metric.direction,
        best: r.best,
        testScore: r.testScore,
        trials: r.counts,
        model: r.modelFile,
        features: r.model ? r.model.features : null,
        featureSearch: r.featureSearch,
        ensemble: r.ensemble,
        recheck: r.recheck,
        modelTrials: r.modelTrials,
        stoppedBy: interrupted ? 'interrupted' : r.stoppedBy,
      }) + '\n',
    );
    return;
  }
  const out: string[] = [];
  const rows = r.leaderboard;
  if (rows.length > 0) {
    out.push(`\nLeaderboard (top ${rows.length} of ${r.counts.complete} complete trials, ${r.metric.name}, ${r.metric.direction === 'maximize' ? 'higher' : 'lower'} is better):`);
    out.push(
      table(
        ['rank', 'trial', 'model', `cv ${r.metric.name}`, 'time', 'features', 'hyperparameters'],
        rows.map((l) => [
          String(l.rank),
          String(l.number),
          l.targetTransform ? `${l.model} (${l.targetTransform} y)` : l.model,
          `${fmtScore(l.mean)}${l.std !== null ? ` ± ${fmtScore(l.std)}` : ''}`,
          fmtDuration(l.durationMs),
          fmtKept(l.kept, l.totalColumns),
          fmtParams(l.params),
        ]),
      ),
    );
  }
  out.push('');
  out.push(
    `Trials: ${r.counts.complete} complete, ${r.counts.pruned} pruned, ${r.counts.failed} failed` +
      `${r.counts.interrupted ? `, ${r.counts.interrupted} interrupted (queued to run first on resume)` : ''} (stopped by ${interrupted ? 'interrupt' : r.stoppedBy})`,
  );
  if (r.best) {
    const cfg = r.best.config as { model?: Record<string, unknown>; preprocess?: Record<string, unknown> };
    out.push(`Best: trial ${r.best.number}, cv ${r.metric.name} ${fmtScore(r.best.value)}: ${String(cfg.model?.type ?? '')} ${fmtParams(Object.fromEntries(Object.entries(cfg.model ?? {}).filter(([k]) => k !== 'type')), 20)}`);
    if (cfg.preprocess) out.push(`      preprocessing: ${fmtParams(cfg.preprocess, 20)}`);
    const sel = (r.best.config as { select?: Record<string, unknown> }).select;
    if (sel && sel.type !== 'none') out.push(`      feature selection: ${String(sel.type)} ${fmtParams(Object.fromEntries(Object.entries(sel).filter(([k]) => k !== 'type')), 20)}`);
    const transform = (r.best.config as { target_transform?: unknown }).target_transform;
    if (transform !== undefined && transform !== 'none') out.push(`      target transform: ${String(transform)} (the model fits sign(y) log(1 + |y|); predictions are mapped back)`);
    const top = r.leaderboard.find((l) => l.number === r.best!.number);
    if (top?.kept) out.push(`      features kept (share of folds): ${top.kept.map((k) => `${k.column}${k.frequency < 1 ? ` (${Math.round(k.frequency * 100)}%)` : ''}`).join(', ')}`);
    if (r.featureSearch) {
      const fs = r.featureSearch;
      out.push(`Feature search (${fs.direction}, ${fs.fits} fits): ${fs.columns.length} columns, cv ${fmtScore(fs.score)} vs ${fmtScore(fs.baselineScore)} with all columns: ${fs.improved ? `kept: ${fs.columns.join(', ')}` : 'not better, not used'}`);
    }
    if (r.recheck) {
      const c = r.recheck;
      const sb = c.searchBest;
      out.push(
        `Re-check: ${c.candidates} pipelines (the best of each model family, then the best of the rest) cross-validated again on ${c.repeats} fresh split${c.repeats === 1 ? '' : 's'}: ` +
          `best trial ${sb.trial} (cv ${fmtScore(sb.value)}) scores ${sb.fresh === null ? 'n/a' : fmtScore(sb.fresh)} there; ` +
          (c.freshBest.trial === sb.trial ? 'it stays the best' : `trial ${c.freshBest.trial} (cv ${fmtScore(c.freshBest.value)}) scores best, ${fmtScore(c.freshBest.fresh)}`),
      );
    }
    if (!r.ensemble && r.modelTrials.length === 1 && r.modelTrials[0]!.trial !== r.best.number) out.push(`Final model: trial ${r.modelTrials[0]!.trial}, the best on the fresh splits`);
    if (r.ensemble) {
      const e = r.ensemble;
      out.push(
        `Ensemble: average of ${e.members.length} pipelines (${e.members.map((m) => `trial ${m.trial} x${m.weight.toFixed(2)}`).join(', ')}), ` +
          `out-of-fold ${r.metric.name}${r.recheck ? ' on the fresh splits' : ''} ${fmtScore(e.cvScore)} vs ${fmtScore(e.bestSingleCvScore)} for the best single pipeline`,
      );
    }
    if (r.model) out.push(`Model needs ${r.model.features.length} input column${r.model.features.length === 1 ? '' : 's'}: ${r.model.features.join(', ')}`);
    if (r.model) {
      out.push(`Test ${r.metric.name}: ${fmtScore(r.testScore)} (${r.ensemble ? 'ensemble' : 'best pipeline'} refit on all searched rows)`);
      if (r.modelFile) out.push(`Model written to ${r.modelFile}; predict with: automl predict ${r.modelFile} <data.csv>`);
    } else if (interrupted) out.push('Interrupted before the best pipeline was refit: no model written.');
  } else {
    const last = [...s.trials].reverse().find((t) => t?.state === 'FAIL');
    out.push(`No trial completed${last ? `; last failure: trial ${last.number}: ${last.failReason ?? last.failKind}` : ''}.`);
  }
  if (interrupted) out.push(`Interrupted: continue with \`automl resume ${s.name}${s.storage.url !== DEFAULT_STORAGE ? ` --storage ${s.storage.url}` : ''}\``);
  process.stdout.write(out.join('\n') + '\n');
}

/** The callbacks a search, resume or worker run reports through. */
type RunHooks = Pick<SearchOptions, 'signal' | 'onNote' | 'onStart' | 'onTrialStart' | 'onTrial'>;

/**
 * Runs a search-like command with Ctrl-C handling and progress output, then prints its result.
 * `headline` says what started; `finish` prints the result.
 */
async function runWithProgress(
  quiet: boolean,
  headline: (info: SearchStartInfo) => string,
  launch: (hooks: RunHooks) => Promise<SearchResult>,
  finish: (result: SearchResult, interrupted: boolean) => void,
): Promise<number> {
  const stop = interruptible();
  let progress: Progress | null = null;
  try {
    const result = await launch({
      signal: stop.signal,
      onNote: (n) => {
        if (!quiet) process.stderr.write(`note: ${n}\n`);
      },
      onStart: (info) => {
        if (!quiet) process.stderr.write(headline(info) + '\n');
        if (info.models.includes('mlp') && !quiet) {
          void tfBackendName()
            .then((b) => process.stderr.write(`${process.stderr.isTTY ? '\r\x1b[K' : ''}note: mlp trains on TensorFlow.js, backend ${b}\n`))
            .catch(() => undefined);
        }
        progress = new Progress(process.stderr, { direction: info.direction, metric: info.metric, trials: info.trials, time: info.time, enabled: !quiet, alreadyDone: info.done });
      },
      onTrialStart: () => progress?.started_(),
      onTrial: (t) => progress?.trial(t),
    });
    (progress as Progress | null)?.end();
    finish(result, stop.interrupted());
    await result.study.close();
    return stop.interrupted() ? 130 : 0;
  } finally {
    (progress as Progress | null)?.end();
    stop.dispose();
  }
}

function runSearchCommand(data: string, f: SearchFlags): Promise<number> {
  if (f.test !== undefined && process.argv.includes('--test-size')) {
    throw new AutomlError('E_USAGE', 'give either --test <file> or --test-size <fraction>, not both');
  }
  return runWithProgress(
    Boolean(f.quiet || f.json),
    (info) =>
      `automl: study '${info.study}' in ${info.storage}: ${info.rows} rows x ${info.features} features, ${info.task}` +
      `${info.classes ? ` (${info.classes} classes)` : ''}, ${info.metric} (${info.direction}), ${info.cv}-fold CV, ` +
      `${info.strategy} search over ${info.models.join(', ')}`,
    (hooks) =>
      search({
        data,
        target: f.target,
        task: f.task,
        metric: f.metric,
        strategy: f.strategy,
        trials: f.trials,
        time: f.time,
        cv: f.cv,
        workers: f.workers,
        seed: f.seed,
        storage: f.storage,
        study: f.study,
        space: f.space,
        models: f.models,
        test: f.test,
        testSize: f.test !== undefined ? undefined : f.testSize,
        prune: f.prune,
        ensemble: f.ensemble,
        recheck: f.recheck,
        ...(f.warmStart === false ? { warmStart: false } : {}),
        reshuffleFolds: !f.fixedFolds,
        trialTimeout: f.trialTimeout,
        gridSize: f.gridSize,
        maxConsecutiveFailures: f.maxFailures,
        featureSearch: f.featureSearch === undefined ? undefined : f.featureSearch === true ? 'forward' : (f.featureSearch as 'forward' | 'backward'),
        out: f.out ?? '{study}.model.json',
        ...hooks,
      }),
    (result, interrupted) => printResult(result, Boolean(f.json), interrupted),
  );
}

function runResumeCommand(name: string, f: { storage: string; trials?: number; time?: number; workers?: number; out?: string; json?: boolean; quiet?: boolean; ensemble?: boolean; recheck?: boolean }): Promise<number> {
  return runWithProgress(
    Boolean(f.quiet || f.json),
    (info) => `automl: resuming study '${info.study}' in ${info.storage} (${info.done} trials so far)`,
    (hooks) => resumeSearch(name, { storage: f.storage, trials: f.trials, time: f.time, workers: f.workers, out: f.out ?? '{study}.model.json', ...(f.ensemble === false ? { ensemble: false } : {}), ...(f.recheck === false ? { recheck: false } : {}), ...hooks }),
    (result, interrupted) => printResult(result, Boolean(f.json), interrupted),
  );
}

function runWorkerCommand(name: string, f: { storage: string; workers?: number; data?: string; time?: number; quiet?: boolean }): Promise<number> {
  return runWithProgress(
    Boolean(f.quiet),
    (info) => `automl worker: joined study '${info.study}' in ${info.storage} (${info.done} trials so far)`,
    (hooks) => resumeSearch(name, { storage: f.storage, workers: f.workers, data: f.data, time: f.time, refit: false, untilStudyDeadline: true, ...hooks }),
    (result, interrupted) => {
      const c = result.counts;
      process.stdout.write(`worker done: study '${name}' has ${c.complete} complete, ${c.pruned} pruned, ${c.failed} failed trials (stopped by ${interrupted ? 'interrupt' : result.stoppedBy})\n`);
    },
  );
}

async function runStudies(f: { storage: string; json?: boolean }): Promise<number> {
  const storage = await openStorage(f.storage);
  try {
    const list = await storage.listStudies();
    if (f.json) {
      process.stdout.write(JSON.stringify(list) + '\n');
      return 0;
    }
    if (list.length === 0) {
      process.stdout.write(`no studies in ${storage.url}\n`);
      return 0;
    }
    process.stdout.write(
      table(
        ['study', 'direction', 'sampler', 'complete', 'pruned', 'failed', 'running', 'best', 'created'],
        list.map((s) => [s.name, s.direction, s.sampler, String(s.counts.COMPLETE), String(s.counts.PRUNED), String(s.counts.FAIL), String(s.counts.RUNNING), fmtScore(s.bestValue), new Date(s.createdAt).toISOString().slice(0, 19).replace('T', ' ')]),
      ) + '\n',
    );
    return 0;
  } finally {
    await storage.close();
  }
}

function trialJson(t: TrialRecord, config: unknown): Record<string, unknown> {
  const d = t.userAttrs.durationMs;
  return {
    number: t.number,
    state: t.state,
    value: t.value,
    config,
    foldScores: foldScoresOf(t),
    ...(keptColumnsOf(t) ? { keptColumns: keptColumnsOf(t), keptFrequency: keptFrequency(keptColumnsOf(t)!) } : {}),
    durationMs: typeof d === 'number' ? d : t.finishedAt !== null && t.startedAt !== null ? t.finishedAt - t.startedAt : null,
    ...(t.state === 'FAIL' ? { failKind: t.failKind, failReason: t.failReason } : {}),
  };
}

async function runTrials(name: string, f: { storage: string; json?: boolean; csv?: boolean }): Promise<number> {
  if (f.json && f.csv) throw new AutomlError('E_USAGE', 'give either --json or --csv, not both');
  const study = await loadStudy({ name, storage: f.storage });
  try {
    const trials = study.trials.filter((t): t is TrialRecord => t !== undefined);
    const configOf = (t: TrialRecord): unknown => (Object.keys(t.params).length > 0 ? study.configOf(t) : null);
    if (f.json) {
      process.stdout.write(JSON.stringify(trials.map((t) => trialJson(t, configOf(t)))) + '\n');
    } else if (f.csv) {
      const names = study.space.params.map((p) => p.name);
      process.stdout.write(
        toCsv(
          ['number', 'state', 'value', 'duration_ms', 'fail_reason', ...names],
          trials.map((t) => {
            const j = trialJson(t, null);
            return [t.number, t.state, t.value, j.durationMs, t.failReason, ...names.map((n) => t.params[n])];
          }),
        ),
      );
    } else {
      process.stdout.write(
        table(
          ['trial', 'state', 'value', 'time', 'model', 'details'],
          trials.map((t) => {
            const j = trialJson(t, null);
            const cfg = configOf(t) as { model?: Record<string, unknown> } | null;
            const model = cfg?.model ? String(cfg.model.type ?? '') : '';
            const params = cfg?.model ? fmtParams(Object.fromEntries(Object.entries(cfg.model).filter(([k]) => k !== 'type'))) : fmtParams(t.params);
            return [String(t.number), t.state, fmtScore(t.value), fmtDuration(j.durationMs as number | null), model, t.state === 'FAIL' ? `${t.failKind}: ${t.failReason ?? ''}` : params];
          }),
        ) + '\n',
      );
    }
    return 0;
  } finally {
    await study.close();
  }
}

async function runBest(name: string, f: { storage: string; json?: boolean }): Promise<number> {
  const study = await loadStudy({ name, storage: f.storage });
  try {
    const best = study.bestTrial;
    if (!best) {
      if (f.json) process.stdout.write('null\n');
      else process.stdout.write(`study '${name}' has no complete trial yet\n`);
      return f.json ? 0 : 1;
    }
    const config = study.configOf(best);
    if (f.json) {
      process.stdout.write(JSON.stringify({ study: name, direction: study.direction, ...trialJson(best, config) }) + '\n');
      return 0;
    }
    const top = leaderboard(study, 1)[0];
    const lines = [`study '${name}' best: trial ${best.number}, value ${fmtScore(best.value)} (${study.direction})`];
    if (top && top.foldScores.length > 0) lines.push(`fold scores: ${top.foldScores.map(fmtScore).join(', ')}`);
    if (top?.kept) lines.push(`features kept (share of folds): ${top.kept.map((k) => `${k.column} ${Math.round(k.frequency * 100)}%`).join(', ')}`);
    lines.push(`configuration: ${JSON.stringify(config, null, 2)}`);
    process.stdout.write(lines.join('\n') + '\n');
    return 0;
  } finally {
    await study.close();
  }
}

async function runPredict(modelFile: string, data: string, f: { out?: string; proba?: boolean }): Promise<number> {
  const model = loadModel(modelFile);
  if (f.proba && model.task !== 'classification') throw new AutomlError('E_USAGE', `--proba needs a classification model; ${modelFile} does regression`);
  const table_ = model.table(data);
  const preds = model.predict(table_);
  const header = [model.target];
  let rows: unknown[][] = preds.map((p) => [p]);
  if (f.proba) {
    const proba = model.predictProba(table_);
    header.push(...model.classes!.map((c) => `proba_${c}`));
    rows = rows.map((r, i) => [...r, ...model.classes!.map((c) => proba[i]![c])]);
  }
  const csv = toCsv(header, rows);
  if (f.out) {
    writeFileSync(f.out, csv);
    process.stderr.write(`wrote ${preds.length} predictions to ${f.out}\n`);
  } else process.stdout.write(csv);
  for (const n of table_.notes) process.stderr.write(`note: ${n}\n`);
  return 0;
}

/** Builds the command-line program. */
export function program(): Command {
  const cli = new Command('automl')
    .description('AutoML for tabular data: searches preprocessing + model configurations with cross-validation, stores every trial in SQLite, and saves the best model.')
    .version(VERSION)
    .showSuggestionAfterError(true)
    .exitOverride();
  const storageOpt = (): Option => new Option('--storage <url>', 'where studies live: sqlite:<file>, memory:, postgresql://...').default(DEFAULT_STORAGE);

  cli
    .command('search')
    .description('search for the best pipeline on a CSV file, then refit it, score it on held-out rows and save it')
    .argument('<data.csv>', 'training data: a CSV file with a header row')
    .requiredOption('--target <col>', 'the column to predict')
    .addOption(new Option('--task <task>', 'force the task (default: inferred from the target)').choices(['classification', 'regression']))
    .option('--metric <name>', `metric to optimize: ${safe(() => metricNames().join(', '))} (default: accuracy for classification, r2 for regression)`)
    .option('--strategy <name>', `search strategy: ${safe(() => samplerNames().join(', '))}`)
    .option('--trials <n>', 'total trials of the study', intArg('--trials', 1))
    .option('--time <duration>', 'wall-clock budget: seconds or 90s, 5m, 1h (hard: running trials are stopped at the deadline); default 60s when --trials is not given', durationArg)
    .option('--cv <k>', 'cross-validation folds', intArg('--cv', 2), 5)
    .option('--workers <n>', 'worker threads (default: number of cores)', intArg('--workers', 1))
    .option('--seed <n>', 'random seed (same seed, same trials)', intArg('--seed', 0), 0)
    .addOption(storageOpt())
    .option('--study <name>', 'study name (default: the CSV file name; a free variant is chosen if it exists)')
    .option('--space <file>', 'search space JSON file (see search-spaces/default.json)')
    .option('--models <a,b,...>', `model families to search (default: the fast built-in ones); known: ${safe(() => listModels().map((m) => m.name).join(', '))}`, listArg)
    .option('--test <test.csv>', 'labelled test file scored at the end (then every row of <data.csv> is searched)')
    .option('--test-size <fraction>', 'fraction of rows held out (stratified) for the final test score', fractionArg, 0.2)
    .option('--out <model.json>', 'where to save the refit model (default: <study>.model.json)')
    .option('--no-prune', 'do not stop unpromising trials after their first folds')
    .option('--no-ensemble', 'refit the best pipeline alone instead of averaging the best pipelines (ensemble selection on out-of-fold predictions)')
    .option('--no-recheck', 'choose the final model on the search\'s own CV scores (default: the 20 best pipelines are cross-validated again on fresh splits, up to 3, in the last 5-25% of --time, and the final model is chosen on those scores, which a long search cannot have overfitted)')
    .option('--no-warm-start', "do not start with each model family's default configuration (default: those trials run first, cheapest family first, except with --strategy grid)")
    .option('--fixed-folds', 'cross-validate every trial on the same split (default: each trial draws its own split from the seed, so the search cannot tune itself to one split)')
    .option('--trial-timeout <duration>', 'time limit per trial (FAIL with reason timeout)', durationArg)
    .option('--grid-size <n>', 'values per continuous parameter for --strategy grid', intArg('--grid-size', 1))
    .option('--max-failures <n>', 'stop the search after this many failed trials in a row (default 25)', intArg('--max-failures', 1))
    .addOption(
      new Option('--feature-search [direction]', 'after the search, greedy forward (or backward) column selection with CV on the best pipeline, kept only if better (takes the last 25% of --time)').choices([
        'forward',
        'backward',
      ]),
    )
    .option('--json', 'print one JSON object with the result instead of text')
    .option('--quiet', 'no progress output')
    .action(async (data: string, flags: SearchFlags) => {
      process.exitCode = await runSearchCommand(data, flags);
    });

  cli
    .command('resume')
    .description('continue an interrupted study with its data, split, folds and budget')
    .argument('<study>', 'study name')
    .addOption(storageOpt())
    .option('--trials <n>', 'new total trial budget (default: the one the study was started with)', intArg('--trials', 1))
    .option('--time <duration>', 'wall-clock budget for this run', durationArg)
    .option('--workers <n>', 'worker threads (default: number of cores)', intArg('--workers', 1))
    .option('--out <model.json>', 'where to save the refit model (default: <study>.model.json)')
    .option('--no-ensemble', 'refit the best pipeline alone (default: as the study was started)')
    .option('--no-recheck', 'choose the final model on the search\'s own CV scores, without re-checking the best pipelines on fresh splits')
    .option('--json', 'print one JSON object with the result')
    .option('--quiet', 'no progress output')
    .action(async (name: string, flags) => {
      process.exitCode = await runResumeCommand(name, flags);
    });

  cli
    .command('worker')
    .description('join a study stored in a shared storage (e.g. PostgreSQL) and run its trials until its budget is spent')
    .argument('<study>', 'study name (started with automl search --storage <url>)')
    .addOption(storageOpt())
    .option('--workers <n>', 'worker threads on this machine (default: number of cores)', intArg('--workers', 1))
    .option('--data <file>', 'the training CSV on this machine, if not at the path the study was started with (checked by fingerprint)')
    .option('--time <duration>', 'stop this worker after this long', durationArg)
    .option('--quiet', 'no progress output')
    .action(async (name: string, flags) => {
      process.exitCode = await runWorkerCommand(name, flags);
    });

  cli.command('studies').description('list the studies in a storage').addOption(storageOpt()).option('--json', 'print JSON').action(async (flags) => {
    process.exitCode = await runStudies(flags);
  });

  cli
    .command('trials')
    .description("list a study's trials")
    .argument('<study>', 'study name')
    .addOption(storageOpt())
    .option('--json', 'print a JSON array of { number, state, value, config, foldScores, durationMs }')
    .option('--csv', 'print CSV, one column per parameter')
    .action(async (name: string, flags) => {
      process.exitCode = await runTrials(name, flags);
    });

  cli
    .command('best')
    .description("show a study's best trial")
    .argument('<study>', 'study name')
    .addOption(storageOpt())
    .option('--json', 'print JSON')
    .action(async (name: string, flags) => {
      process.exitCode = await runBest(name, flags);
    });

  cli
    .command('predict')
    .description('predict with a saved model; writes one column named after the target, in input order')
    .argument('<model.json>', 'a model file written by automl search')
    .argument('<data.csv>', 'rows to predict (needs the columns the model was trained on; others are ignored)')
    .option('--out <preds.csv>', 'write here instead of standard output')
    .option('--proba', 'add proba_<class> columns (classification)')
    .action(async (modelFile: string, data: string, flags) => {
      process.exitCode = await runPredict(modelFile, data, flags);
    });

  registerImportance(cli);
  registerReport(cli);
  registerExport(cli);
  registerDashboard(cli);
  return cli;
}

function safe(f: () => string): string {
  try {
    return f();
  } catch {
    return '';
  }
}

/** Runs the CLI; resolves to the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const cli = program();
  try {
    await cli.parseAsync(argv as string[]);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // commander already printed help or the error
      return e.exitCode === 0 ? 0 : 2;
    }
    if (isAutomlError(e)) {
      process.stderr.write(`error [${e.code}]: ${e.message}\n`);
      return e.code === 'E_USAGE' ? 2 : 1;
    }
    process.stderr.write(`error: ${messageOf(e)}\n${e instanceof Error && e.stack ? e.stack + '\n' : ''}`);
    return 1;
  }
}

function invokedDirectly(): boolean {
  try {
    return process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}

if (invokedDirectly()) {
  main(process.argv).then((code) => {
    process.exitCode = code;
  });
}
