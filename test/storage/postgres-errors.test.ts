import { describe, expect, it } from 'vitest';
import { AutomlError } from '../../src/util/errors.js';
import { isBrokenConnection, isRetryable, pgErrorText, splitSchema } from '../../src/storage/postgres-errors.js';

const pgError = (code: string, message = 'x'): Error => Object.assign(new Error(message), { code });

describe('PostgreSQL error handling', () => {
  it('retries what the server rolled back, never what may have been applied', () => {
    for (const code of ['40001', '40P01', '23505', '55P03', '57P01']) expect(isRetryable(pgError(code), true), code).toBe(true);
    for (const code of ['23502', '42P01', '22P02', 'ECONNRESET']) expect(isRetryable(pgError(code), true), code).toBe(false);
    // A connection lost while a statement was in flight: it may have committed.
    expect(isRetryable(new Error('Connection terminated unexpectedly'), true)).toBe(false);
    expect(isRetryable(new AutomlError('E_STUDY_NOT_FOUND', 'no'), true)).toBe(false);
  });

  it('retries failures to connect, except a refused login or a missing database', () => {
    expect(isRetryable(pgError('ECONNREFUSED'), false)).toBe(true);
    expect(isRetryable(pgError('57P03'), false)).toBe(true);
    expect(isRetryable(new Error('timeout exceeded when trying to connect'), false)).toBe(true);
    for (const code of ['28P01', '28000', '3D000']) expect(isRetryable(pgError(code), false), code).toBe(false);
  });

  it('closes connections only on socket or protocol errors', () => {
    expect(isBrokenConnection(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isBrokenConnection(pgError('ECONNRESET'))).toBe(true);
    expect(isBrokenConnection(pgError('40P01'))).toBe(false);
  });

  it('describes errors with their SQLSTATE and detail', () => {
    const e = Object.assign(new Error('duplicate key value violates unique constraint "x".'), { code: '23505', detail: 'Key (a)=(1) already exists.' });
    expect(pgErrorText(e)).toBe('duplicate key value violates unique constraint "x" (Key (a)=(1) already exists) [23505]');
  });

  it("takes automl's schema parameter out of the URL and keeps the others", () => {
    expect(splitSchema('postgresql://u@h/db', '')).toEqual({ connectionString: 'postgresql://u@h/db', schema: undefined });
    expect(splitSchema('postgresql://u@h/db?schema=team_a', '')).toEqual({ connectionString: 'postgresql://u@h/db', schema: 'team_a' });
    expect(splitSchema('postgres://u:p@h:5433/db?sslmode=require&schema=s1&application_name=x', '')).toEqual({
      connectionString: 'postgres://u:p@h:5433/db?sslmode=require&application_name=x',
      schema: 's1',
    });
  });
});
