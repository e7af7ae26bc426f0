/**
 * Loading blessed, only when the dashboard opens (it costs ~20 ms and a few MiB that the status
 * line must never pay), from node_modules: it reads its own files at run time, so the build
 * leaves it out of the bundles. Two fixes are applied once, here:
 *
 * - terminfo: blessed reads ncurses' 32-bit-number terminfo files wrongly (see terminfo.ts);
 *   each file is converted to the format it understands before it parses it.
 * - colours: blessed caches 8-colour matches of '#rrggbb' while it loads and then answers every
 *   hex colour from that cache; the cache is emptied (and render/blessed.ts sends numbers).
 */
import { createRequire } from 'node:module';
import type { Widgets } from 'blessed';
import { toLegacyTerminfo } from './terminfo.js';

export type Blessed = typeof import('blessed');
export type Screen = Widgets.Screen;
export type Box = Widgets.BoxElement;

let loaded: Blessed | undefined;

export function loadBlessed(): Blessed {
  if (loaded) return loaded;
  const require = createRequire(import.meta.url);
  const blessed = require('blessed') as Blessed;
  const Tput = require('blessed/lib/tput.js') as { prototype: { parseTerminfo(data: Buffer, file: string): unknown } };
  const parse = Tput.prototype.parseTerminfo;
  Tput.prototype.parseTerminfo = function (this: unknown, data: Buffer, file: string) {
    return parse.call(this, toLegacyTerminfo(data), file);
  };
  const colors = require('blessed/lib/colors.js') as { _cache: Record<number, number> };
  colors._cache = {};
  loaded = blessed;
  return blessed;
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
