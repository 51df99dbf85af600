/** Colour on the terminal, only where it helps: the best result, failures, warnings, the phase. */
import { styleText } from 'node:util';

/** What a piece of text is, which decides its colour. */
export type Role = 'best' | 'fail' | 'warn' | 'phase' | 'dim';

const STYLES: Record<Role, Parameters<typeof styleText>[0]> = {
  best: 'green',
  fail: 'red',
  warn: 'yellow',
  phase: ['bold', 'cyan'],
  dim: 'dim',
};

/**
 * Whether to colour what is written to `stream`: never with NO_COLOR set (non-empty); with
 * FORCE_COLOR set (not `0` or `false`) always, even into a pipe; otherwise only on a terminal
 * that is not TERM=dumb.
 */
export function colorWanted(stream: { readonly isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  const force = env['FORCE_COLOR'];
  if (force !== undefined) return force !== '0' && force !== 'false';
  return stream.isTTY === true && env['TERM'] !== 'dumb';
}

/** Paints text by its role, or leaves it plain. */
export type Paint = (role: Role, text: string) => string;

/** A painter that colours (with Node's own `util.styleText`) when `on`, else returns the text as is. */
export function painter(on: boolean): Paint {
  // The decision is ours (colorWanted), so styleText must not check a stream of its own.
  return on ? (role, text) => (text === '' ? text : styleText(STYLES[role], text, { validateStream: false })) : (_role, text) => text;
}
