/**
 * Loading blessed, only when the dashboard opens (it costs ~20 ms and a few MiB that the status
 * line must never pay), from node_modules: it reads its own files at run time, so the build
 * leaves it out of the bundles. Only the two widgets the dashboard makes are loaded: blessed's
 * index loads all 34 (about 45 files, ~30 ms of CPU before the first frame in a profile).
 * Three fixes are applied once, here:
 *
 * - terminfo: blessed reads ncurses' 32-bit-number terminfo files wrongly (see terminfo.ts);
 *   each file is converted to the format it understands before it parses it.
 * - colours: blessed caches 8-colour matches of '#rrggbb' while it loads and then answers every
 *   hex colour from that cache; the cache is emptied (and render/blessed.ts sends numbers).
 * - tmux's version: inside tmux, blessed starts `tmux -V` while it makes the screen (~30 ms of
 *   CPU before the first frame, and a process start), only to choose how to turn on all-motion
 *   mouse reports for tmux 2 and later; it is answered "2" without the process, as blessed
 *   answers itself when the command fails. tmux 1 is from 2015.
 */
import { createRequire } from 'node:module';
import type { Widgets } from 'blessed';
import { toLegacyTerminfo } from './terminfo.js';

/** The widgets the dashboard makes. */
export interface Blessed {
  screen: typeof import('blessed').screen;
  box: typeof import('blessed').box;
}
export type Screen = Widgets.Screen;
export type Box = Widgets.BoxElement;

let loaded: Blessed | undefined;

export function loadBlessed(): Blessed {
  if (loaded) return loaded;
  const require = createRequire(import.meta.url);
  const screen = require('blessed/lib/widgets/screen.js') as Blessed['screen'];
  const box = require('blessed/lib/widgets/box.js') as Blessed['box'];
  const Tput = require('blessed/lib/tput.js') as { prototype: { parseTerminfo(data: Buffer, file: string): unknown } };
  const parse = Tput.prototype.parseTerminfo;
  Tput.prototype.parseTerminfo = function (this: unknown, data: Buffer, file: string) {
    return parse.call(this, toLegacyTerminfo(data), file);
  };
  const colors = require('blessed/lib/colors.js') as { _cache: Record<number, number> };
  colors._cache = {};
  const childProcess = require('node:child_process') as { execFileSync: (...args: unknown[]) => unknown };
  const makeScreen = ((options: never) => {
    const execFileSync = childProcess.execFileSync;
    childProcess.execFileSync = (file: unknown, args: unknown, ...rest: unknown[]) =>
      file === 'tmux' && Array.isArray(args) && args[0] === '-V' ? 'tmux 2\n' : execFileSync(file, args, ...rest);
    try {
      return screen(options);
    } finally {
      childProcess.execFileSync = execFileSync;
    }
  }) as Blessed['screen'];
  loaded = { screen: makeScreen, box };
  return loaded;
}

/**
 * Stop a labelled box from rendering the whole screen again each time it changes size. blessed
 * answers every resize of a box with a label with a screen.render() on the next tick, to move
 * the label of a scrolled box; the dashboard's panels do not scroll, and their frame renders once
 * after placing them all. At start-up, while a dozen panels take their places as the first
 * readings come in, those extra renders were ~350 ms of CPU in a profile at 160x48, before the
 * first frame with values.
 */
export function withoutResizeRender(box: Box): Box {
  const labelResize = (box as unknown as { _labelResize?: () => void })._labelResize;
  if (labelResize) box.removeListener('resize', labelResize);
  return box;
}
