import { describe, expect, it } from 'vitest';
import { openStorage, parseStorageUrl, redactUrl } from '../../src/storage/open.js';

/*
 * Issue 17: no message may show a password given in a storage URL, in any form `pg` accepts or a
 * user may type: user-info (with unencoded @ / : ? #), query parameters, key=value strings, URLs
 * that `new URL` cannot parse. Every secret below contains "Zq9", which nothing else does.
 */
const HOST = '127.0.0.1:1';
export const SECRET_URLS: readonly string[] = [
  `postgresql://u:Zq9Secret@${HOST}/db`,
  `postgres://u:Zq9Secret@${HOST}/db`,
  `POSTGRESQL://u:Zq9Secret@${HOST}/db`,
  `postgresql://u:Zq9Secret@${HOST}/db?schema=s`,
  `postgresql://u:Zq9Secret@${HOST}/db?schema=bad-name!`,
  `postgresql://u:Zq9Se@cret@${HOST}/db`,
  `postgresql://u:Zq9/Secret@${HOST}/db`,
  `postgresql://u:Zq9@/Sec@${HOST}/db`,
  `postgresql://u:Zq9%40Secret@${HOST}/db`,
  `postgresql://${HOST}/db?password=Zq9Secret`,
  `postgresql://u@${HOST}/db?user=u&password=Zq9Secret`,
  `postgresql://u@${HOST}/db?password=Zq9Secret&schema=s`,
  `postgresql://u@${HOST}/db?sslpassword=Zq9Secret`,
  `postgresql://u@${HOST}/db?PASSWORD=Zq9Secret`,
  `postgresql://:Zq9Secret@${HOST}/db`,
  `postgresql://u:Zq9Secret@/db?host=127.0.0.1&port=1`,
  `postgresql://u:Zq9Secret@${HOST}`,
  `postgresql://u:Zq9Secret@[::1]:1/db`,
  `postgresql://u:Zq9 Secret@${HOST}/db`,
  `postgresql://u:Zq9:Sec:ret@${HOST}/db`,
  `postgresql://u:Zq9Secret@127.0.0.1:notaport/db`,
  `postgresql://u:Zq9Secret@`,
  `  postgresql://u:Zq9Secret@${HOST}/db  `,
  `postgresql://u:Zq9Secret@${HOST}/db#frag`,
  `postgresql://u:Zq9?Secret@${HOST}/db`,
  `postgresql://u:Zq9#Secret@${HOST}/db`,
  `postgresql://u:Zq9Secret@${HOST}/db?options=-c%20x%3Dy&password=Zq9Other`,
  `postgresql://u:Zq9Secret@${HOST},127.0.0.1:2/db`,
  `postgresql://u%3Ax:Zq9Secret@${HOST}/db`,
  `postgresql://u:Zq9Secret@${HOST}/db?schema=s&schema=t`,
  `postgresql://u:Zq9%2FSe%3Acret@${HOST}/db`,
  `host=127.0.0.1 port=1 password=Zq9Secret user=u`,
  `host=127.0.0.1 password='Zq9 Secret' dbname=x`,
  `password=Zq9Secret`,
  `mysql://u:Zq9Secret@h/db`,
  `http://u:Zq9Secret@h/x.db`,
  `postgresql:u:Zq9Secret@${HOST}/db`,
];

function texts(e: unknown): string {
  const err = e as { message?: string; details?: unknown; code?: string };
  return `${err.code ?? ''} ${err.message ?? String(e)} ${JSON.stringify(err.details ?? null)}`;
}

describe('storage URL passwords are never shown (issue 17)', () => {
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
