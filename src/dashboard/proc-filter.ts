/**
 * Which rows of the process table are shown: the filter typed after `/` (command, arguments or
 * user), the user chosen with `u`, and kernel threads (hidden unless `H` shows them).
 *
 * Pure functions over rows; the rows must be described (user and command line filled in) for
 * the text filter to see them, which ui.ts does only while a filter applies.
 */
import type { ProcRow } from './procs.js';

export interface ProcView {
  /** Text typed after `/`: matched case-insensitively anywhere in the command line, name or user. */
  text: string;
  /** Only this user's processes (`u`), or every user's. */
  user: string | null;
  /** Show kernel threads (`H`). */
  kernelThreads: boolean;
}

export const DEFAULT_VIEW: ProcView = { text: '', user: null, kernelThreads: false };

/**
 * A kernel thread: kthreadd (PID 2) and its children. They have no command line either, but a
 * zombie has none too, so the parent is what decides. (In a PID namespace without kthreadd,
 * such as a container, there are none to see.)
 */
export function isKernelThread(row: Pick<ProcRow, 'pid' | 'ppid'>): boolean {
  return row.pid === 2 || row.ppid === 2;
}

/** Does this row pass the text filter? Needs `describe`d rows for command and user. */
export function matchesText(row: ProcRow, text: string): boolean {
  if (!text) return true;
  const needle = text.toLowerCase();
  return [row.command ?? '', row.name, row.user ?? ''].some((hay) => hay.toLowerCase().includes(needle));
}

/** Does the view need user and command line for every row (not only the rows on screen)? */
export function needsDescription(view: ProcView): boolean {
  return view.text !== '' || view.user !== null;
}

/** The rows the view shows, in their order. */
export function filterProcs(rows: readonly ProcRow[], view: ProcView): ProcRow[] {
  return rows.filter((r) => (view.kernelThreads || !isKernelThread(r)) && (view.user === null || r.user === view.user) && matchesText(r, view.text));
}

/** The users present among the rows, sorted, for the `u` menu. */
export function usersPresent(rows: readonly ProcRow[]): string[] {
  return [...new Set(rows.map((r) => r.user).filter((u): u is string => Boolean(u)))].sort();
}

/**
 * One key typed into the `/` filter: the new text, or 'done' (Enter) / 'clear' (Esc). Enter is
 * blessed's 'enter'; the 'return' it sends after it is ignored, like any key without a character.
 */
export function filterKey(text: string, ch: string, full: string): string | 'done' | 'clear' {
  if (full === 'escape') return 'clear';
  if (full === 'enter') return 'done';
  if (full === 'backspace') return [...text].slice(0, -1).join('');
  // Printable characters only: a control character or an escape sequence never reaches the title.
  if ([...ch].length === 1 && !/[\p{Cc}\p{Cf}]/u.test(ch)) return text + ch;
  return text;
}
