/**
 * src/app/builtins.ts is generated from the folders under plugins/: a new built-in module is a
 * new folder and nothing else. The committed file must match what the generator writes.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';

const GENERATOR = join(ROOT, 'scripts', 'builtins.mjs');
const scratch: string[] = [];
afterEach(() => {
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A tree with the generator and the given plugin folders (id -> index.ts text). */
function tree(plugins: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'shoji-builtins-'));
  scratch.push(root);
  mkdirSync(join(root, 'scripts'));
  mkdirSync(join(root, 'src', 'app'), { recursive: true });
  copyFileSync(GENERATOR, join(root, 'scripts', 'builtins.mjs'));
  for (const [id, text] of Object.entries(plugins)) {
    mkdirSync(join(root, 'plugins', id), { recursive: true });
    writeFileSync(join(root, 'plugins', id, 'index.ts'), text);
  }
  return root;
}

const run = (root: string, ...args: string[]) => spawnSync(process.execPath, [join(root, 'scripts', 'builtins.mjs'), ...args], { encoding: 'utf8' });

it('the committed src/app/builtins.ts is what the generator writes from plugins/', () => {
  const r = spawnSync(process.execPath, [GENERATOR, '--check'], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
});

it('lists every folder whose index.ts exports a module, in name order, and no other', () => {
  const root = tree({
    'cpu-temp': 'export default defineModule({});\n',
    battery: 'export default defineModule({});\n',
    custom: 'export function findScripts() {}\n',
  });
  expect(run(root).status).toBe(0);
  const text = readFileSync(join(root, 'src', 'app', 'builtins.ts'), 'utf8');
  expect(text).toContain("import battery from '../../plugins/battery/index.js';");
  expect(text).toContain("import cpuTemp from '../../plugins/cpu-temp/index.js';");
  expect(text).not.toContain('custom');
  expect(text).toMatch(/\[\n {2}battery,\n {2}cpuTemp,\n\];/);
});

it('--check fails, saying what to run, when a folder was added since', () => {
  const root = tree({ battery: 'export default defineModule({});\n' });
  expect(run(root).status).toBe(0);
  mkdirSync(join(root, 'plugins', 'temperature'));
  writeFileSync(join(root, 'plugins', 'temperature', 'index.ts'), 'export default defineModule({});\n');
  const r = run(root, '--check');
  expect(r.status).toBe(1);
  expect(r.stderr).toContain('node scripts/builtins.mjs');
});

it('refuses a folder name that is not an id', () => {
  const root = tree({ Bad_Name: 'export default defineModule({});\n' });
  const r = run(root);
  expect(r.status).not.toBe(0);
  expect(r.stderr).toContain('plugins/Bad_Name');
});
