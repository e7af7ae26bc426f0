/**
 * Test helpers for modules: a real temporary directory tree standing in for /proc, /sys and /,
 * and a ModuleContext pointing at it. Tests write real files; nothing is mocked.
 */
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { ModuleContext, ShojiModule, Collected, Reading } from '../../src/core/contract.js';

export interface FixtureTree {
  /** The temporary directory holding proc/, sys/ and root/. */
  dir: string;
  procRoot: string;
  sysRoot: string;
  root: string;
  /** Write a file under the tree: write('proc/stat', '...'), write('sys/class/x', '...'). */
  write(relative: string, content: string): string;
  cleanup(): void;
}

/** `base`: the folder to make it in (a test whose output shows its paths wants one of a fixed length). */
export function fixtureTree(base = tmpdir()): FixtureTree {
  const dir = mkdtempSync(join(base, 'shoji-fixture-'));
  for (const d of ['proc', 'sys', 'root']) mkdirSync(join(dir, d));
  return {
    dir,
    procRoot: join(dir, 'proc'),
    sysRoot: join(dir, 'sys'),
    root: join(dir, 'root'),
    write(relative, content) {
      const path = join(dir, relative);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, content);
      return path;
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A context for running a module against a fixture tree. `clock.advance(ms)` moves the
 * monotonic clock, so rate tests control the elapsed time exactly.
 */
export function moduleContext<O>(
  mod: ShojiModule<O, any, any>,
  tree: Pick<FixtureTree, 'procRoot' | 'sysRoot' | 'root' | 'dir'>,
  options: Partial<O> = {},
  env: NodeJS.ProcessEnv = {},
): ModuleContext<O> & { clock: { ms: number; advance(ms: number): void } } {
  const clock = {
    ms: 1_000_000,
    advance(ms: number) {
      clock.ms += ms;
    },
  };
  return {
    options: { ...mod.options.defaults, ...options } as O,
    procRoot: tree.procRoot,
    sysRoot: tree.sysRoot,
    root: tree.root,
    now: () => clock.ms,
    wallNow: () => Date.UTC(2026, 10, 23, 12, 0, 0) + clock.ms,
    signal: new AbortController().signal,
    env,
    stateDir: join(tree.dir, 'state'),
    configDir: join(tree.dir, 'config'),
    clock,
  };
}

/** Run collect twice-style helpers: returns the result and threads the memo for the next call. */
export async function collectWith<O, D, M>(mod: ShojiModule<O, D, M>, ctx: ModuleContext<O>, memo?: M): Promise<Collected<D, M>> {
  return await mod.collect(ctx, memo);
}

/**
 * A collect's reading with what the module published (Collected.data) as its `data`, so a test
 * can compare both at once; null when the module shows nothing. Data left in the reading itself
 * (where plugins put it before Collected.data) does not count.
 */
export function readingWithData<D>(collected: Collected<D, unknown>): Reading<D> | null {
  return collected.reading === null ? null : { ...collected.reading, data: collected.data };
}
