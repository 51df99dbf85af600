import { AutomlError, messageOf } from '../util/errors.js';

/**
 * SQLSTATEs after which the server has rolled the statement or transaction back and a retry
 * resolves it: serialization failure, deadlock, unique violation (a racing insert), lock not
 * available, and a server that is starting, shutting down or out of connection slots.
 */
const RETRY_SQLSTATES = new Set(['40001', '40P01', '23505', '55P03', '57P03', '53300', '57P01']);

/** Errors of connecting (no statement sent yet) that a later attempt may not get. */
const CONNECT_FATAL = new Set(['28P01', '28000', '3D000', '42501', '08004']);

function codeOf(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** True when `e` carries an SQLSTATE, i.e. the server answered and the connection is fine. */
function isSqlState(code: string | undefined): boolean {
  return code !== undefined && /^[0-9A-Z]{5}$/.test(code);
}

/**
 * Whether an operation that failed with `e` may run again. `sent` is false when the failure was
 * in getting a connection, before anything was sent: then any error but a refused login or a
 * missing database is retried (the server may be restarting). Once a statement was sent, only
 * errors after which the server rolled back are retried; a connection lost mid-statement is not,
 * since the statement may have been applied.
 */
export function isRetryable(e: unknown, sent: boolean): boolean {
  if (e instanceof AutomlError) return false;
  const code = codeOf(e);
  if (!sent) return !(code !== undefined && CONNECT_FATAL.has(code));
  return code !== undefined && RETRY_SQLSTATES.has(code);
}

/** Whether the connection that raised `e` is unusable (no SQLSTATE: a socket or protocol error). */
export function isBrokenConnection(e: unknown): boolean {
  return !(e instanceof AutomlError) && !isSqlState(codeOf(e));
}

/** A one-line description of a pg error with its SQLSTATE and detail. */
export function pgErrorText(e: unknown): string {
  const code = codeOf(e);
  const detail = (e as { detail?: unknown } | null)?.detail;
  let text = messageOf(e).replace(/\.$/, '');
  if (e instanceof AggregateError && e.errors.length > 0) text = e.errors.map((x) => messageOf(x)).join('; ');
  if (typeof detail === 'string' && detail) text += ` (${detail.replace(/\.$/, '')})`;
  if (code) text += ` [${code}]`;
  return text;
}

/**
 * Takes automl's own `schema` parameter out of a connection URL, leaving the others (sslmode,
 * host=/socket/dir, ...) for `pg`. Throws E_STORAGE_URL for a malformed query string.
 */
export function splitSchema(url: string, shown: string): { connectionString: string; schema: string | undefined } {
  const q = url.indexOf('?');
  if (q < 0) return { connectionString: url, schema: undefined };
  let params: URLSearchParams;
  try {
    params = new URLSearchParams(url.slice(q + 1));
  } catch (e) {
    throw new AutomlError('E_STORAGE_URL', `Storage URL "${shown}" has a malformed query string: ${messageOf(e)}.`, { value: shown });
  }
  const schema = params.get('schema') ?? undefined;
  params.delete('schema');
  const rest = params.toString();
  return { connectionString: url.slice(0, q) + (rest ? `?${rest}` : ''), schema };
}
