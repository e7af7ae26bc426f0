/**
 * Module loader hooks for a user plugin's worker (built to dist/plugin-hooks.mjs and registered
 * by plugin-worker.ts with node:module's register(); Node runs them on a thread of their own).
 * Every ES module the plugin loads, the entry file, its helpers, the packages they import,
 * import() at any later time, passes the same trust check as the plugin before its source is
 * read; a file that fails makes the import fail with the file and what is wrong.
 * Node's built-ins and data: URLs (code the plugin holds itself) need no check.
 */
import { fileURLToPath } from 'node:url';
import { pluginFileProblem } from './plugin-trust.js';

let top = '';
let realTop = '';

export function initialize(data: { top: string; realTop: string }): void {
  top = data.top;
  realTop = data.realTop;
}

type NextLoad = (url: string, context: unknown) => Promise<unknown>;

export async function load(url: string, context: unknown, nextLoad: NextLoad): Promise<unknown> {
  if (url.startsWith('file:')) {
    const file = fileURLToPath(url);
    const why = pluginFileProblem(file, top, realTop);
    if (why) throw new Error(`refusing to load ${file}: ${why}`);
  } else if (!url.startsWith('node:') && !url.startsWith('data:')) {
    throw new Error(`refusing to load ${url}: plugins load files, node: built-ins and data: URLs only`);
  }
  return nextLoad(url, context);
}
