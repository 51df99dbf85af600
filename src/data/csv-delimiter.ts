/**
 * The field delimiter: detecting it from a file's first lines, and reading it from a user's
 * option (`,`, `;`, `\t`, `tab`, `|`, ...).
 */
import { AutomlError, show } from '../util/errors.js';
import { CsvTokenizer } from './csv-tokenizer.js';

/** Delimiters tried by detection, in order of preference. */
export const DELIMITERS = [',', ';', '\t', '|'] as const;

const NAMES: Record<string, string> = { ',': 'comma', ';': 'semicolon', '\t': 'tab', '|': 'pipe' };
const ALIASES: Record<string, string> = {
  ',': ',',
  comma: ',',
  ';': ';',
  semicolon: ';',
  '\t': '\t',
  '\\t': '\t',
  tab: '\t',
  '|': '|',
  pipe: '|',
};

/** How a delimiter is shown in messages: `";" (semicolon)`, `tab`. */
export function delimiterName(d: string): string {
  return d === '\t' ? 'tab' : `${show(d)}${NAMES[d] ? ` (${NAMES[d]})` : ''}`;
}

/** Reads a delimiter option: `,` `;` `|` `\t` or the names comma, semicolon, tab, pipe. */
export function parseDelimiter(value: string): string {
  const d = ALIASES[value.toLowerCase()];
  if (d === undefined) {
    throw new AutomlError('E_CONFIG', `delimiter ${show(value)} is not supported; use one of , ; | \\t (or comma, semicolon, tab, pipe)`, { param: 'delimiter', value });
  }
  return d;
}

const SAMPLE_RECORDS = 50;

/**
 * Field counts of the first records of `head` split on `delim` (quotes respected), or null when
 * that delimiter makes the sample unparseable.
 */
function fieldCounts(head: Buffer, delim: string): number[] | null {
  const counts: number[] = [];
  const stop = new Error('enough');
  const tok = new CsvTokenizer('', delim.charCodeAt(0), {
    record(_b, _f, n) {
      counts.push(n);
      if (counts.length >= SAMPLE_RECORDS) throw stop;
    },
  });
  try {
    tok.run(head, 0, head.length, false);
  } catch (e) {
    if (e !== stop) return null;
  }
  return counts;
}

/**
 * The delimiter of a CSV, from its first bytes (after any byte-order mark): the one that splits
 * the header into at least two fields and every sampled record into as many. A comma wins when
 * it qualifies; otherwise the qualifying delimiter giving the most fields; a comma when none does.
 */
export function detectDelimiter(head: Buffer): string {
  let best = ',';
  let bestFields = 1;
  for (const d of DELIMITERS) {
    const counts = fieldCounts(head, d);
    if (!counts || counts.length === 0) continue;
    const h = counts[0]!;
    if (h < 2 || counts.some((c) => c !== h)) continue;
    if (d === ',') return d;
    if (h > bestFields) {
      best = d;
      bestFields = h;
    }
  }
  return best;
}

/**
 * A hint for a header read as one column that looks split by another delimiter, e.g.
 * `the header looks separated by ";": pass --delimiter ";"`; undefined otherwise.
 */
export function delimiterHint(header: readonly string[], used: string): string | undefined {
  if (header.length !== 1) return undefined;
  const d = DELIMITERS.find((c) => c !== used && header[0]!.includes(c));
  if (d === undefined) return undefined;
  const arg = d === '\t' ? 'tab' : `'${d}'`;
  return `the header ${show(header[0]!)} looks separated by ${delimiterName(d)}: pass --delimiter ${arg}`;
}
