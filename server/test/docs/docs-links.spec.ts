import { describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, resolve } from 'node:path';
import { documentationFiles, headingAnchors, linkTargets } from './markdown';

/**
 * The documentation travels with a clone or an image: every relative link in README.md and docs/ must
 * reach a file (and heading) inside the repository, and nothing may point at the sibling folder that
 * only exists on the machine the project was developed on.
 */
const ROOT = resolve('.');
const OUTSIDE = /\.\.\/shared|\bshared\/CONTRACT\.md\b|CONTRACT\.md/;

function brokenLinks(file: string): string[] {
  const markdown = readFileSync(join(ROOT, file), 'utf8');
  const problems: string[] = [];
  for (const target of linkTargets(markdown)) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // http:, https:, mailto:
    const [pathPart, anchor] = target.split('#', 2) as [string, string | undefined];
    const path = pathPart ? normalize(join(dirname(join(ROOT, file)), decodeURIComponent(pathPart))) : join(ROOT, file);
    if (!path.startsWith(ROOT + '/') && path !== ROOT) {
      problems.push(`${file}: ${target} leaves the repository`);
      continue;
    }
    if (!existsSync(path)) {
      problems.push(`${file}: ${target} — no such file`);
      continue;
    }
    if (anchor !== undefined) {
      if (statSync(path).isDirectory() || !path.endsWith('.md')) {
        problems.push(`${file}: ${target} — an anchor on something that is not a Markdown file`);
      } else if (!headingAnchors(readFileSync(path, 'utf8')).has(anchor)) {
        problems.push(`${file}: ${target} — no heading with anchor #${anchor}`);
      }
    }
  }
  return problems;
}

describe('documentation links', () => {
  const files = documentationFiles(ROOT);

  it('covers the README and the three guides', () => {
    expect(files).toEqual(expect.arrayContaining(['README.md', 'docs/api.md', 'docs/rule-writing.md', 'docs/operations.md']));
  });

  it('has no dead relative link or anchor in README.md and docs/', () => {
    expect(files.flatMap(brokenLinks)).toEqual([]);
  });

  it('never links to or mentions the folder outside the repository', () => {
    const offenders = files.filter((f) => OUTSIDE.test(readFileSync(join(ROOT, f), 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('finds a dead link and a dead anchor when there is one (the checker itself works)', () => {
    const anchors = headingAnchors('# API reference\n## Lists and paging\n## Lists and paging\n### `GET /x` — y');
    expect([...anchors]).toEqual(['api-reference', 'lists-and-paging', 'lists-and-paging-1', 'get-x--y']);
    expect(linkTargets('see [a](docs/a.md#b) and `[c](d.md)` and ![i](img.png "t")\n```\n[e](f.md)\n```')).toEqual(['docs/a.md#b', 'img.png']);
  });
});
