/**
 * A process's start where there is no /proc, as the epoch second, and when two such starts are
 * one process's: systeminformation's process list and the dashboard's check before a signal
 * (src/dashboard/proc-actions.ts) both need it, and neither loads the other.
 */

/**
 * processes() gives a start as local "YYYY-MM-DD HH:MM:SS", worked out as now minus ps's elapsed
 * time, so it moves by a second from one list to the next. A PID whose start is within this of
 * the one it had keeps that one: its identity (and %CPU, and the dashboard's cache of it) holds.
 */
export const START_JITTER_S = 2;

/** Whether a PID's start (epoch seconds, as strings) is the same process's, allowing for processes()'s rounding. */
export function sameStart(a: string, b: string): boolean {
  return a !== '' && b !== '' && Math.abs(Number(a) - Number(b)) <= START_JITTER_S;
}

/** processes()'s local start time as epoch seconds, or '' when it gives none. */
export function startSecond(started: string): string {
  const ms = new Date(started.replace(' ', 'T')).getTime();
  return Number.isFinite(ms) ? String(Math.floor(ms / 1000)) : '';
}
