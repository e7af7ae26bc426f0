/**
 * A module names its icon with a text fallback (contract.ts `icons`): a new module shows its
 * word until the icon sets learn its glyph, an icon set that has the key wins, and a text that
 * could break the line (not ASCII, a control character, too long) is never drawn. User plugins
 * send theirs from their worker like the rest of their metadata.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AnyModule } from '../../src/core/contract.js';
import type { ModuleStatus } from '../../src/core/scheduler.js';
import { loadIconSet } from '../../src/core/theme.js';
import { stopAllPlugins } from '../../src/core/plugin-host.js';
import { loadUserPlugins } from '../../src/core/user-plugins.js';
import { toSegments } from '../../src/core/view.js';
import { segmentLabel } from '../../src/render/segments.js';
import { requireBuild } from '../helpers/cli.js';
import { type FixtureTree, fixtureTree } from '../helpers/context.js';
import { resolved } from '../helpers/resolved.js';

const UTF8 = { LANG: 'C.UTF-8' };

function module(icons: unknown, icon = 'thermo'): AnyModule {
  return {
    id: 'thermo',
    description: 'a module whose icon no icon set knows',
    options: { schema: { type: 'object', properties: {}, additionalProperties: false }, defaults: {} },
    interval: 5,
    icons: icons as Record<string, string>,
    collect: () => ({ reading: { text: '61C', state: 'good', icon } }),
  };
}

function status(icon = 'thermo'): ModuleStatus {
  return { reading: { text: '61C', state: 'good', icon }, hasValue: true, failures: 0, available: true } as ModuleStatus;
}

/** The label the status line draws for the module with these icon texts, under an icon set. */
function label(icons: unknown, set: 'nerd' | 'unicode' | 'ascii', opts: { icon?: string; ascii?: boolean } = {}): string {
  const def = module(icons, opts.icon);
  const [seg] = toSegments([resolved(def)], new Map([['thermo', status(opts.icon)]]));
  return segmentLabel(seg, { icons: loadIconSet(set, UTF8), ascii: opts.ascii ?? false });
}

describe("a module's own icon text", () => {
  it('is drawn when the icon set has no glyph for the key, in every set and under a locale that is not UTF-8', () => {
    for (const set of ['nerd', 'unicode', 'ascii'] as const) {
      expect(label({ thermo: 'temp ' }, set)).toBe('temp 61C');
      expect(label({ thermo: 'temp ' }, set, { ascii: true })).toBe('temp 61C');
    }
  });

  it('gives way to the icon set when the set has the key', () => {
    const cpuGlyph = loadIconSet('unicode', UTF8).icons.cpu;
    expect(cpuGlyph).toBeTruthy();
    expect(label({ cpu: 'CPU ' }, 'unicode', { icon: 'cpu' })).toBe(`${cpuGlyph}61C`);
  });

  it('is left out when it is not short printable ASCII, or not a string', () => {
    for (const bad of ['\x1b[31m', 'tempé ', 'thirteen char', '', 5]) {
      expect(label({ thermo: bad }, 'nerd'), JSON.stringify(bad)).toBe('61C');
    }
    expect(label(['temp '], 'nerd')).toBe('61C');
    expect(label(null, 'nerd')).toBe('61C');
  });

  it('never takes a key from the object prototype', () => {
    expect(label({}, 'nerd', { icon: 'constructor' })).toBe('61C');
  });
});

describe("a user plugin's icon text", () => {
  let tree: FixtureTree;
  beforeEach(() => {
    requireBuild();
    tree = fixtureTree();
  });
  afterEach(() => tree.cleanup());
  afterAll(() => stopAllPlugins());

  it('comes from its worker with the rest of its metadata', async () => {
    const config = join(tree.dir, 'config');
    mkdirSync(join(config, 'plugins'), { recursive: true });
    chmodSync(config, 0o755);
    chmodSync(join(config, 'plugins'), 0o755);
    const file = join(config, 'plugins', 'thermo.mjs');
    writeFileSync(
      file,
      `export default { id: 'thermo', description: 'd', options: {}, interval: 5, icons: { thermo: 'temp ', bad: 7 },
        collect: () => ({ reading: { text: '61C', state: 'good', icon: 'thermo' } }) };\n`,
    );
    chmodSync(file, 0o644);
    const { modules, problems } = await loadUserPlugins(config);
    expect(problems).toEqual([]);
    expect(modules[0].def.icons).toEqual({ thermo: 'temp ' });
  });
});
