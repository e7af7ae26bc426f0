/**
 * The docs point at files that exist, inside the repository: every relative link in README.md
 * and docs/*.md (and its #anchor), every repository path they name in `code`, and every docs/
 * file the code's comments send a reader to. A reader of a checkout has only the checkout.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..', '..');
const DOCS = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

/** Markdown without its fenced code blocks (a link inside one is an example, not a link). */
function withoutFences(text: string): string {
  return text.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[ \t]*$/gm, (block) => block.replace(/[^\n]/g, ' '));
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as dashes. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
}

function anchors(file: string): Set<string> {
  const text = withoutFences(readFileSync(join(ROOT, file), 'utf8'));
  return new Set([...text.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)].map((m) => slug(m[1])));
}

const lineOf = (text: string, index: number) => text.slice(0, index).split('\n').length;
const insideRepo = (path: string) => !relative(ROOT, path).startsWith('..');
/** A repository file as a doc names it; `src/x.js` is the source src/x.ts. */
const exists = (path: string) => existsSync(path) || (path.endsWith('.js') && existsSync(path.replace(/\.js$/, '.ts')));

/** What is wrong with one link target written in `file`, or null. */
function linkProblem(file: string, target: string): string | null {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return null; // https:, mailto:: not checked here
  const [path, anchor] = target.split('#', 2);
  const resolved = path === '' ? join(ROOT, file) : resolve(ROOT, dirname(file), decodeURIComponent(path));
  if (!insideRepo(resolved)) return `${target} is outside the repository`;
  if (!existsSync(resolved)) return `${target} does not exist`;
  if (anchor !== undefined && resolved.endsWith('.md') && !anchors(relative(ROOT, resolved)).has(anchor)) return `${target}: no heading makes #${anchor}`;
  return null;
}

function docProblems(file: string): string[] {
  const raw = readFileSync(join(ROOT, file), 'utf8');
  const text = withoutFences(raw);
  const problems: string[] = [];
  const links = [...text.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g), ...text.matchAll(/^\s*\[[^\]]+\]:\s*(\S+)/gm)];
  for (const m of links) {
    const why = linkProblem(file, m[1]);
    if (why) problems.push(`${file}:${lineOf(text, m.index)}: link ${why}`);
  }
  // A path in `code` that starts with a folder of the repository names a file of it.
  for (const m of text.matchAll(/`((?:src|plugins|test|scripts|bin|docs|themes|data)\/[\w./-]*)`/g)) {
    if (!exists(join(ROOT, m[1]))) problems.push(`${file}:${lineOf(text, m.index)}: \`${m[1]}\` does not exist`);
  }
  // Anything else that reaches out of the checkout, in code or prose, fenced or not.
  for (const m of raw.matchAll(/(?:\.\.\/)+shared\/|\/work\/|\bshared\/docs\//g)) {
    problems.push(`${file}:${lineOf(raw, m.index)}: '${m[0]}' is outside the repository`);
  }
  return problems;
}

/** docs/ files named in comments of the code, the tests, the build scripts and bin/. */
function codeReferences(): { where: string; path: string }[] {
  const files = ['src', 'plugins', 'test', 'scripts', 'bin'].flatMap((dir) =>
    readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
      .map((f) => join(dir, f))
      .filter((f) => !f.includes('fixtures') && statSync(join(ROOT, f)).isFile() && (/\.(ts|mts|mjs|cjs|js)$/.test(f) || dir === 'bin')),
  );
  const refs: { where: string; path: string }[] = [];
  for (const file of files) {
    if (file === relative(ROOT, import.meta.filename)) continue; // the examples below
    const text = readFileSync(join(ROOT, file), 'utf8');
    for (const m of text.matchAll(/(?:[\w.-]+\/)*docs\/[\w.-]+\.(?:md|yaml)\b/g)) refs.push({ where: `${file}:${lineOf(text, m.index)}`, path: m[0] });
  }
  return refs;
}

describe('doc links', () => {
  it('reads the README and every page in docs/', () => {
    expect(DOCS).toContain('README.md');
    expect(DOCS).toContain('docs/plugins.md');
    expect(DOCS.length).toBeGreaterThan(5);
  });

  it('every relative link, #anchor and repository path in the docs resolves inside the repository', () => {
    expect(DOCS.flatMap(docProblems)).toEqual([]);
  });

  it('every docs/ file the code refers to exists in the repository', () => {
    const refs = codeReferences();
    expect(refs.length).toBeGreaterThan(10);
    const missing = refs.filter((r) => !insideRepo(resolve(ROOT, r.path)) || !existsSync(join(ROOT, r.path)));
    expect(missing.map((r) => `${r.where}: ${r.path}`)).toEqual([]);
  });

  it('names what is wrong, where', () => {
    expect(linkProblem('README.md', 'docs/config.md')).toBe('docs/config.md does not exist');
    expect(linkProblem('docs/benchmarks.md', '../../shared/docs/design.md')).toBe('../../shared/docs/design.md is outside the repository');
    expect(linkProblem('docs/ec2-cost.md', '#assumptions')).toBeNull();
    expect(linkProblem('docs/ec2-cost.md', '#no-such-heading')).toBe('#no-such-heading: no heading makes #no-such-heading');
    expect(linkProblem('docs/dashboard.md', 'config.example.yaml')).toBeNull();
    expect(linkProblem('README.md', 'https://example.org/x')).toBeNull();
    expect(slug('The free allowance (`--free-tier`)')).toBe('the-free-allowance---free-tier');
  });
});
