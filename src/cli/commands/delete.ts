/**
 * `automl delete <study>`: removes a study and all its trials from a storage, in one transaction
 * (SQLite and PostgreSQL), never touching another study. On a terminal it asks first (type the
 * study name, or y); when standard input is not a terminal it refuses without `--yes`, so that a
 * script never deletes by accident. Model files saved from the study stay where they are.
 */
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { openStorage, redactUrl } from '../../storage/open.js';
import type { StudySummary } from '../../storage/storage.js';
import { AutomlError } from '../../util/errors.js';
import { storageOption, withExamples } from '../args.js';

interface DeleteFlags {
  storage: string;
  yes?: boolean;
  json?: boolean;
}

/** The streams the confirmation uses (the process's own, or test doubles). */
export interface PromptStreams {
  readonly input: NodeJS.ReadableStream & { readonly isTTY?: boolean };
  readonly output: NodeJS.WritableStream;
}

/**
 * Asks `question` on `output` and reads one line from `input`: true when the answer is the study
 * name, `y` or `yes` (any case, surrounding spaces ignored); false for anything else, including
 * an empty line or the end of input.
 */
export async function confirmByName(question: string, name: string, io: PromptStreams): Promise<boolean> {
  const rl = createInterface({ input: io.input, output: io.output, terminal: false });
  try {
    io.output.write(question);
    const answer = await new Promise<string>((resolve) => {
      rl.once('line', resolve);
      rl.once('close', () => resolve(''));
    });
    const a = answer.trim();
    return a === name || /^y(es)?$/i.test(a);
  } finally {
    rl.close();
  }
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Reads the study's summary without creating anything (a mistyped SQLite path stays a mistake, not a new file). */
async function summaryOf(url: string, name: string): Promise<StudySummary> {
  const storage = await openStorage(url, { readonly: true });
  try {
    const all = await storage.listStudies();
    const found = all.find((s) => s.name === name);
    if (!found) {
      const names = all.map((s) => s.name);
      throw new AutomlError('E_STUDY_NOT_FOUND', `no study named '${name}' in ${redactUrl(storage.url)}; nothing deleted${names.length ? `; studies there: ${names.join(', ')}` : ' (it has no studies)'}`);
    }
    return found;
  } finally {
    await storage.close();
  }
}

async function run(name: string, f: DeleteFlags, io: PromptStreams): Promise<number> {
  const summary = await summaryOf(f.storage, name);
  const c = summary.counts;
  const trials = c.WAITING + c.RUNNING + c.COMPLETE + c.FAIL + c.PRUNED;
  const where = redactUrl(f.storage);
  if (!f.yes) {
    if (!io.input.isTTY) {
      throw new AutomlError('E_USAGE', `refusing to delete study '${name}' (${plural(trials, 'trial')}) without confirmation: standard input is not a terminal; pass --yes to delete it`);
    }
    const running = c.RUNNING > 0 ? `\n${plural(c.RUNNING, 'trial')} of it ${c.RUNNING === 1 ? 'is' : 'are'} RUNNING: a search or worker may still be using it.` : '';
    const question = `Delete study '${name}' and its ${plural(trials, 'trial')} from ${where}? This cannot be undone.${running}\nType the study name (or y) to delete, anything else to keep it: `;
    if (!(await confirmByName(question, name, io))) {
      process.stderr.write(`kept study '${name}': nothing deleted\n`);
      return 1;
    }
  }
  const storage = await openStorage(f.storage);
  let deleted: boolean;
  try {
    deleted = await storage.deleteStudy(name);
  } finally {
    await storage.close();
  }
  if (!deleted) throw new AutomlError('E_STUDY_NOT_FOUND', `study '${name}' is no longer in ${where} (deleted meanwhile); nothing deleted`);
  const modelFile = `${name}.model.json`;
  const kept = existsSync(modelFile)
    ? `${modelFile} here is not deleted: a model file does not need its study, it still predicts and serves; remove it yourself if you no longer need it`
    : `model files saved from the study (such as ${modelFile}) are not deleted: they still predict and serve; remove them yourself if you no longer need them`;
  if (f.json) process.stdout.write(JSON.stringify({ study: name, storage: where, deleted: true, trials }) + '\n');
  else process.stdout.write(`deleted study '${name}' and its ${plural(trials, 'trial')} from ${where}\n`);
  process.stderr.write(`note: ${kept}\n`);
  return 0;
}

/** Adds `automl delete` to the program. */
export function register(program: Command): void {
  const command = program
    .command('delete')
    .description('delete a study and all its trials from a storage (one transaction; other studies are untouched; saved model files are not deleted). Asks first on a terminal')
    .argument('<study>', 'study name')
    .addOption(storageOption())
    .option('--yes', 'delete without asking (needed when standard input is not a terminal, e.g. in scripts)')
    .option('--json', 'print one JSON object { study, storage, deleted, trials } instead of text')
    .action(async (name: string, flags: DeleteFlags) => {
      process.exitCode = await run(name, flags, { input: process.stdin, output: process.stderr });
    });
  withExamples(command, ['automl search datasets/iris.csv --target species --trials 5 --study iris-try', 'automl delete iris-try', 'automl delete iris-try --yes --storage sqlite:automl.db']);
}
