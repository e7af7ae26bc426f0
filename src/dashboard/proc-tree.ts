/**
 * The process table as a tree (`T`): each process under its parent, indented, siblings in the
 * table's sort order. A process whose parent is not shown (filtered out, or PID 1's parent 0)
 * starts a tree of its own, so a filter never hides a match for want of its ancestors.
 */
import type { ProcRow } from './procs.js';

export interface TreeRow {
  row: ProcRow;
  /** 0 for a root, 1 for its children... */
  depth: number;
  /** Whether it is the last of its siblings (the branch drawn before it turns the corner). */
  last: boolean;
}

/** Rows in tree order; `rows` must be in the order siblings should keep (the current sort). */
export function treeOrder(rows: readonly ProcRow[]): TreeRow[] {
  const shown = new Set(rows.map((r) => r.pid));
  const children = new Map<number, ProcRow[]>();
  const roots: ProcRow[] = [];
  for (const r of rows) {
    if (r.ppid !== r.pid && shown.has(r.ppid)) {
      const list = children.get(r.ppid);
      if (list) list.push(r);
      else children.set(r.ppid, [r]);
    } else roots.push(r);
  }
  const out: TreeRow[] = [];
  const seen = new Set<number>();
  // Depth-first with an explicit stack: a deep chain of processes must not overflow the call stack.
  const stack: TreeRow[] = roots.map((row, i) => ({ row, depth: 0, last: i === roots.length - 1 })).reverse();
  while (stack.length > 0) {
    const t = stack.pop()!;
    if (seen.has(t.row.pid)) continue; // a parent loop (a PID reused mid-sample) is drawn once
    seen.add(t.row.pid);
    out.push(t);
    const kids = children.get(t.row.pid) ?? [];
    for (let i = kids.length - 1; i >= 0; i--) stack.push({ row: kids[i], depth: t.depth + 1, last: i === kids.length - 1 });
  }
  // Rows in a loop of parents with no root among them are still shown, as roots.
  for (const r of rows) if (!seen.has(r.pid)) out.push({ row: r, depth: 0, last: true });
  return out;
}

/** The indentation before a command in tree view: two cells per level and a branch. */
export function treePrefix(t: Pick<TreeRow, 'depth' | 'last'>, ascii: boolean): string {
  if (t.depth === 0) return '';
  const branch = ascii ? (t.last ? '`- ' : '|- ') : t.last ? '└─ ' : '├─ ';
  // Past 30 levels the indentation would only push the command off the screen.
  return `${'  '.repeat(Math.min(t.depth, 30) - 1)}${branch}`;
}
