/**
 * One-line descriptions of thrown values, for the messages of failed trials. Here rather than in
 * protocol/ because it is not protocol: both the worker side (an objective that threw) and the
 * coordinator (a worker thread that crashed) describe errors, and neither may import the other.
 */
import { AutomlError, show } from './errors.js';

/** A one-line description of a thrown value: `TypeError: x is not a function`, `[E_DATA] ...`. */
export function describeError(e: unknown): string {
  if (e instanceof AutomlError) return `[${e.code}] ${e.message}`;
  if (e instanceof Error) {
    const msg = e.message || '(no message)';
    return e.name && e.name !== 'Error' ? `${e.name}: ${msg}` : msg;
  }
  if (typeof e === 'string') return e;
  return `threw a non-Error value: ${show(e, 200)}`;
}
