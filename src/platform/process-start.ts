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

/**
 * processes()'s start time as epoch seconds, or '' when it gives none. systeminformation writes it
 * as now minus ps's elapsed time, shifted by the zone's offset NOW (lib/processes.js,
 * parseElapsedTime), not the offset in force on the start's date; read as a local time, a start
 * from before a daylight-saving change would come out an hour off, and the check before a signal
 * (`now - etime`) would take the process for another one. So the same offset is taken off here.
 */
export function startSecond(started: string, now: Date = new Date()): string {
  const shiftedMs = Date.parse(`${started.replace(' ', 'T')}Z`);
  return Number.isFinite(shiftedMs) ? String(Math.floor(shiftedMs / 1000) + now.getTimezoneOffset() * 60) : '';
}
