/**
 * Dependencies point one way (docs/architecture.md): every import of every .ts file under src/
 * and plugins/ is checked against the layers, and no files import each other in a circle.
 * A failure names the file, the line and the import.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type ImportRef, importsOf } from '../helpers/imports.js';

const ROOT = resolve(import.meta.dirname, '..', '..');

type Layer = 'plugins' | 'platform' | 'core' | 'render' | 'app' | 'host' | 'dashboard' | 'ec2' | 'fleet' | 'exporter' | 'cli' | 'main';

/** What each layer may import, besides Node's built-ins and packages (docs/architecture.md). */
const MAY_IMPORT: Record<Layer, readonly Layer[]> = {
  plugins: ['core', 'platform', 'ec2', 'fleet'], // and only its own folder among plugins
  platform: ['platform', 'core'],
  core: ['core', 'render'],
  render: ['render', 'core'],
  app: ['app', 'core', 'render', 'plugins'],
  host: ['host', 'app', 'core', 'render'],
  dashboard: ['dashboard', 'host', 'app', 'core', 'render', 'fleet', 'platform'],
  ec2: ['ec2', 'core', 'render', 'platform'],
  fleet: ['fleet', 'core', 'render'],
  exporter: ['exporter', 'host', 'app', 'core', 'render'],
  cli: ['cli', 'app', 'core', 'render', 'host', 'dashboard', 'ec2', 'fleet', 'exporter', 'platform'],
  main: ['main', 'cli', 'app', 'core', 'render', 'host', 'dashboard', 'ec2', 'fleet', 'exporter', 'platform'],
};

/**
 * Single files that may import more than their layer, each for one stated reason. A new entry
 * here is a decision to write down in docs/architecture.md as well.
 */
const FILE_EXCEPTIONS: { from: string; to: RegExp; why: string }[] = [
  {
    from: 'src/ec2/run.ts',
    to: /^src\/cli\/spec\.ts$/,
    why: 'the ec2-cost command takes the parsed arguments that src/cli/spec.ts declares',
  },
];

/**
 * Imports that close a known cycle, each meant to go (docs/architecture.md says how). A new
 * cycle is fixed, not added here.
 */
const KNOWN_BACK_EDGES: { from: string; to: string; why: string }[] = [];

/** The layer of a file (a path relative to the repository), or why it has none. */
function layerOf(file: string): Layer | { outside: string } {
  if (file.startsWith('plugins/')) return 'plugins';
  if (file === 'src/main.ts' || file === 'src/ec2/cli-entry.ts') return 'main'; // the two entries of the bundles
  const folder = /^src\/([^/]+)\//.exec(file)?.[1];
  if (folder && folder in MAY_IMPORT && folder !== 'main' && folder !== 'plugins') return folder as Layer;
  return { outside: file.startsWith('src/') ? `${file}: a folder the layering does not know (add it to docs/architecture.md and this test)` : file };
}

function tsFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => relative(ROOT, join(e.parentPath, e.name)))
    .sort();
}

/** The repository file a relative specifier names ('./x.js' is the source ./x.ts), or null. */
function resolveSpecifier(from: string, specifier: string): string | null {
  const target = resolve(ROOT, dirname(from), specifier);
  for (const candidate of [target.replace(/\.js$/, '.ts'), target, `${target}.ts`, join(target, 'index.ts')]) {
    if (existsSync(candidate) && candidate.endsWith('.ts')) return relative(ROOT, candidate);
  }
  return null;
}

interface Edge extends ImportRef {
  from: string;
  to: string;
}

function projectImports(files: string[]): { edges: Edge[]; unresolved: string[] } {
  const edges: Edge[] = [];
  const unresolved: string[] = [];
  for (const from of files) {
    for (const ref of importsOf(readFileSync(join(ROOT, from), 'utf8'))) {
      if (!ref.specifier.startsWith('.')) continue; // Node's built-ins and packages
      const to = resolveSpecifier(from, ref.specifier);
      if (to === null) unresolved.push(`${from}:${ref.line}: ${ref.kind} '${ref.specifier}' names no .ts file`);
      else edges.push({ ...ref, from, to });
    }
  }
  return { edges, unresolved };
}

/** What is wrong with one import, or null when the layering allows it. */
function violation(edge: Edge): string | null {
  const where = `${edge.from}:${edge.line}: ${edge.kind} '${edge.specifier}'`;
  const from = layerOf(edge.from);
  const to = layerOf(edge.to);
  if (typeof from !== 'string') return `${where}: ${from.outside}`;
  if (typeof to !== 'string') return `${where}: ${to.outside} is outside every layer`;
  if (FILE_EXCEPTIONS.some((e) => e.from === edge.from && e.to.test(edge.to))) return null;
  if (from === 'plugins' && to === 'plugins') {
    // Its own folder, as docs/architecture.md's table says; never another plugin's.
    if (edge.from.split('/')[1] === edge.to.split('/')[1]) return null;
    return `${where}: a plugin imports no other plugin (${edge.to}); share through src/core`;
  }
  if (MAY_IMPORT[from].includes(to)) return null;
  return `${where}: ${edge.to} is in ${to}, and ${from} may import only ${MAY_IMPORT[from].join(', ')} (docs/architecture.md)`;
}

/** Every cycle among the files, as a chain of imports (Tarjan's strongly connected components). */
function cycles(edges: Edge[]): string[][] {
  const next = new Map<string, Edge[]>();
  for (const e of edges) next.set(e.from, [...(next.get(e.from) ?? []), e]);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    for (const { to } of next.get(v) ?? []) {
      if (!index.has(to)) {
        visit(to);
        low.set(v, Math.min(low.get(v)!, low.get(to)!));
      } else if (stack.includes(to)) low.set(v, Math.min(low.get(v)!, index.get(to)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    for (let w = stack.pop()!; ; w = stack.pop()!) {
      component.push(w);
      if (w === v) break;
    }
    if (component.length > 1 || (next.get(v) ?? []).some((e) => e.to === v)) found.push(component.sort());
  };
  for (const v of new Set(edges.map((e) => e.from))) if (!index.has(v)) visit(v);
  return found.map((component) =>
    edges.filter((e) => component.includes(e.from) && component.includes(e.to)).map((e) => `${e.from}:${e.line} ${e.kind} '${e.specifier}'`),
  );
}

const FILES = [...tsFiles('src'), ...tsFiles('plugins')];

describe('layering', () => {
  const { edges, unresolved } = projectImports(FILES);

  it('reads imports from every source file', () => {
    expect(FILES.length).toBeGreaterThan(100);
    expect(edges.length).toBeGreaterThan(300);
    expect(unresolved).toEqual([]);
  });

  it('every import stays within what its layer may import', () => {
    expect(edges.map(violation).filter((v) => v !== null)).toEqual([]);
  });

  it('nothing under src/core or src/render imports from plugins/ (the built-in modules come in through src/app)', () => {
    const intoPlugins = edges.filter((e) => /^src\/(core|render)\//.test(e.from) && e.to.startsWith('plugins/'));
    expect(intoPlugins.map((e) => `${e.from}:${e.line}: ${e.kind} '${e.specifier}'`)).toEqual([]);
  });

  it('no files import each other in a circle (type-only and lazy imports count)', () => {
    const known = (e: Edge) => KNOWN_BACK_EDGES.some((k) => k.from === e.from && k.to === e.to);
    expect(cycles(edges.filter((e) => !known(e)))).toEqual([]);
  });

  it('each known back edge still exists (remove it from KNOWN_BACK_EDGES when it goes)', () => {
    for (const k of KNOWN_BACK_EDGES)
      expect(
        edges.some((e) => e.from === k.from && e.to === k.to),
        `${k.from} -> ${k.to}`,
      ).toBe(true);
  });

  it('names the file, line and import of a forbidden import', () => {
    const edge: Edge = { from: 'src/render/tmux.ts', to: 'src/host/log.ts', specifier: '../host/log.js', kind: 'import', line: 7 };
    expect(violation(edge)).toBe(
      "src/render/tmux.ts:7: import '../host/log.js': src/host/log.ts is in host, and render may import only render, core (docs/architecture.md)",
    );
    expect(violation({ ...edge, from: 'plugins/cpu/index.ts', to: 'plugins/load/index.ts', specifier: '../load/index.js' })).toMatch(
      /^plugins\/cpu\/index\.ts:7: import '\.\.\/load\/index\.js': a plugin imports no other plugin/,
    );
    expect(violation({ ...edge, from: 'src/nowhere/x.ts', to: 'src/core/contract.ts' })).toMatch(/a folder the layering does not know/);
  });

  it('finds a cycle, naming each import in it', () => {
    const a: Edge = { from: 'src/ec2/a.ts', to: 'src/ec2/b.ts', specifier: './b.js', kind: 'import type', line: 3 };
    const b: Edge = { from: 'src/ec2/b.ts', to: 'src/ec2/a.ts', specifier: './a.js', kind: 'import()', line: 9 };
    expect(cycles([a, b])).toEqual([["src/ec2/a.ts:3 import type './b.js'", "src/ec2/b.ts:9 import() './a.js'"]]);
  });
});

describe('importsOf (the scanner the layering check reads imports with)', () => {
  it('finds every form of import, and none in comments, strings, templates or regular expressions', () => {
    const text = [
      "// import a from './comment.js';",
      "/* export * from './block.js' */",
      "import x, { y } from './a.js';",
      'import type { T } from "./types.js";',
      "import type from './default-named-type.js';",
      "import './side-effect.js';",
      "export * from './star.js';",
      "export type { U } from './u.js';",
      "export { v as w } from './v.js';",
      'export { local };',
      'export const z = 1;',
      "const re = /'/; const d = a / b / c;",
      'const s = \'import q from "./string.js"\';',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the source text of a template literal, on purpose
      "const t = `a${ { k: '}' }.k }b ${ `inner ${1}` } import('./in-template.js')`;",
      'const m = import.meta.url;',
      "const lazy = await import('./lazy.js');",
      "type L = typeof import('./typeof.js');",
      'const dyn = import(someVariable);',
      'const tpl = import(`./template.js`);',
      "if (x) { y(); } /regex'/.test(s);",
      'export {',
      '  p,',
      "} from './multi-line.js';",
    ].join('\n');
    expect(importsOf(text).map((r) => `${r.line} ${r.kind} ${r.specifier}`)).toEqual([
      '3 import ./a.js',
      '4 import type ./types.js',
      '5 import ./default-named-type.js',
      '6 import ./side-effect.js',
      '7 export from ./star.js',
      '8 export from ./u.js',
      '9 export from ./v.js',
      '16 import() ./lazy.js',
      '17 import() ./typeof.js',
      '19 import() ./template.js',
      '21 export from ./multi-line.js',
    ]);
  });

  it('misses no import statement that starts a line in any source file', () => {
    // A check on the scanner: a plain regex over each file's import and export statements.
    const statement = /^(?:import|export)\b[^;]*?\bfrom\s*['"]([^'"]+)['"]|^import\s*['"]([^'"]+)['"]/gm;
    for (const file of FILES) {
      const text = readFileSync(join(ROOT, file), 'utf8');
      const scanned = new Set(importsOf(text).map((r) => r.specifier));
      for (const m of text.matchAll(statement)) expect(scanned.has(m[1] ?? m[2]), `${file}: '${m[1] ?? m[2]}'`).toBe(true);
    }
  });
});
