import { describe, expect, it } from 'vitest';
import { openStorage, parseStorageUrl, redactUrl } from '../../src/storage/open.js';
import { SECRET_URLS } from './secret-urls.js';

/*
 * Issue 17: no message may show a password given in a storage URL, in any form `pg` accepts or a
 * user may type: user-info (with unencoded @ / : ? #), query parameters, key=value strings, URLs
 * that `new URL` cannot parse. Every secret below contains "Zq9", which nothing else does.
 */

function texts(e: unknown): string {
  const err = e as { message?: string; details?: unknown; code?: string };
  return `${err.code ?? ''} ${err.message ?? String(e)} ${JSON.stringify(err.details ?? null)}`;
}

describe('storage URL passwords are never shown (issue 17)', () => {
  it('refuses a password with an unencoded / ? or # before pg can show a piece of it', () => {
    for (const u of ['postgresql://u:Zq9Se@c/ret@h/db', 'postgresql://u:ab/c@h/db', 'postgresql://u:a?b@h/db', 'postgresql://u:a#b@h/db']) {
      expect(() => parseStorageUrl(u), u).toThrow(expect.objectContaining({ code: 'E_STORAGE_URL' }));
    }
    for (const u of ['postgresql://u:a%2Fb@h/db', 'postgresql://u:a@b@h/db', 'postgresql://h/db?options=a@b', 'postgresql://u@h/db']) {
      expect(parseStorageUrl(u), u).toMatchObject({ kind: 'postgres' });
    }
  });

  it(`has at least 30 forms (${SECRET_URLS.length})`, () => {
    expect(SECRET_URLS.length).toBeGreaterThanOrEqual(30);
  });

  it.each(SECRET_URLS.map((u) => [u]))('redactUrl hides the password of %s', (url) => {
    expect(redactUrl(url)).not.toContain('Zq9');
  });

  it('still shows what identifies the storage', () => {
    expect(redactUrl('postgresql://u:Zq9Secret@db.example:5432/automl?schema=s')).toBe('postgresql://u:***@db.example:5432/automl?schema=s');
    expect(redactUrl('postgresql://u@h/db')).toBe('postgresql://u@h/db');
    expect(redactUrl('postgresql://h/db?password=Zq9&sslmode=require')).toBe('postgresql://h/db?password=***&sslmode=require');
    expect(redactUrl('sqlite:a/b.db')).toBe('sqlite:a/b.db');
  });

  it.each(SECRET_URLS.map((u) => [u]))('opening %s fails without the password in the error', async (url) => {
    let err: unknown = null;
    try {
      parseStorageUrl(url);
      const s = await openStorage(url);
      await s.close();
    } catch (e) {
      err = e;
    }
    expect(err).not.toBeNull();
    expect((err as { code?: string }).code).toMatch(/^E_STORAGE/);
    expect(texts(err)).not.toContain('Zq9');
  }, 20_000);
});
