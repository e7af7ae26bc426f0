/**
 * The trust check for user plugins and every file they load: the same rules as for scripts
 * (src/core/trust.ts runnableProblem). A file inside the plugins folder is checked with every
 * folder up to it; a file elsewhere (a package, a shared helper) with its own folder, and the
 * folders above either must be safe too. Used by the host for the entry file and, inside the
 * plugin's worker, by the loader hooks and the require() guard for everything it imports.
 */
import { dirname, sep } from 'node:path';
import { runnableProblem } from './trust.js';

function isInside(file: string, folder: string): boolean {
  return file.startsWith(folder.endsWith(sep) ? folder : folder + sep);
}

/**
 * Why `file` may not be run, or null. `top` is the plugins folder as configured, `realTop` its
 * real path (the files the loader reports are real paths; the plugins folder may be a link).
 */
export function pluginFileProblem(file: string, top: string, realTop = top): string | null {
  const stop = isInside(file, top) ? top : isInside(file, realTop) ? realTop : dirname(file);
  return runnableProblem(file, stop);
}
