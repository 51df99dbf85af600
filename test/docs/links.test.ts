/**
 * The README and docs/*.md link only inside the repository, and every link resolves: the file
 * exists and, for `file#anchor` or `#anchor`, the heading exists (GitHub's anchor rules: lower
 * case, punctuation dropped, spaces to hyphens).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const pages = ['README.md', 'CHANGELOG.md', ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

/** Markdown text without fenced code blocks and inline code (their brackets are not links). */
function prose(text: string): string {
  return text.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '');
}

function anchors(file: string): Set<string> {
  const out = new Set<string>();
  for (const m of prose(readFileSync(file, 'utf8')).matchAll(/^#{1,6} (.+)$/gm)) {
    out.add(m[1]!.trim().toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, '').replace(/ /g, '-'));
  }
  return out;
}

describe('documentation links', () => {
  for (const page of pages) {
    it(`${page}: every link stays in the repository and resolves`, () => {
      const file = join(root, page);
      const text = prose(readFileSync(file, 'utf8'));
      expect(text, 'a link outside the repository').not.toMatch(/\]\(\s*https?:|<https?:\/\//);
      const links = [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!);
      for (const link of links) {
        expect(link, `${page}: ${link}`).not.toMatch(/^[a-z][a-z0-9+.-]*:/i);
        const [path, anchor] = link.split('#') as [string, string | undefined];
        const target = path === '' ? file : join(dirname(file), path);
        expect(existsSync(target), `${page}: ${link}: no file ${relative(root, target)}`).toBe(true);
        expect(relative(root, target).startsWith('..'), `${page}: ${link} leaves the repository`).toBe(false);
        if (anchor !== undefined) expect(anchors(target).has(anchor), `${page}: ${link}: no heading #${anchor} in ${relative(root, target)}`).toBe(true);
      }
    });
  }

  it('the README has its table of contents right after the quickstart', () => {
    const headings = [...readFileSync(join(root, 'README.md'), 'utf8').matchAll(/^## (.+)$/gm)].map((m) => m[1]);
    expect(headings.slice(0, 3)).toEqual(['Quickstart', 'Contents', 'Install']);
  });
});
