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

/** A kernel thread, as the host's process list marks it (src/platform: kthreadd and its children on Linux). */
export function isKernelThread(row: Pick<ProcRow, 'kernelThread'>): boolean {
  return row.kernelThread;
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

/** The `u` menu: every user, then each user present; typing jumps to the first name it starts. */
export interface UserMenu {
  /** null first: every user. */
  entries: (string | null)[];
  choice: number;
  typed: string;
}

export function openUserMenu(users: readonly string[], current: string | null): UserMenu {
  const entries = [null, ...users];
  return { entries, choice: Math.max(0, entries.indexOf(current)), typed: '' };
}

export type UserMenuResult = { kind: 'open'; menu: UserMenu } | { kind: 'cancel' } | { kind: 'pick'; user: string | null };

/** One key in the `u` menu: Up/Down move, Enter picks, Esc cancels, letters jump to a user. */
export function userMenuKey(m: UserMenu, ch: string, full: string): UserMenuResult {
  if (full === 'escape') return { kind: 'cancel' };
  if (full === 'enter') return { kind: 'pick', user: m.entries[m.choice] };
  if (full === 'down') return { kind: 'open', menu: { ...m, choice: Math.min(m.entries.length - 1, m.choice + 1), typed: '' } };
  if (full === 'up') return { kind: 'open', menu: { ...m, choice: Math.max(0, m.choice - 1), typed: '' } };
  const typed = filterKey(m.typed, ch, full);
  if (typed === 'done' || typed === 'clear' || typed === m.typed) return { kind: 'open', menu: m };
  const at = m.entries.findIndex((u) => u?.toLowerCase().startsWith(typed.toLowerCase()));
  return { kind: 'open', menu: { ...m, typed, choice: at >= 0 ? at : m.choice } };
}

/** The menu's lines, plain text; the choice marked with '>'. */
export function userMenuLines(m: UserMenu, rows: number): string[] {
  const room = Math.max(1, rows - 2);
  const first = Math.max(0, Math.min(m.choice - Math.floor(room / 2), m.entries.length - room));
  const shown = m.entries.slice(first, first + room).map((u, i) => `${first + i === m.choice ? '>' : ' '} ${u ?? '(every user)'}`);
  return [...shown, '', m.typed ? `jump: ${m.typed}` : 'type to jump, Enter: pick, Esc: cancel'];
}
