/** The dashboard process's heap settings (a file of its own: its test runs it in a fresh process). */
import { setFlagsFromString } from 'node:v8';

/**
 * Keep V8's young generation at its starting size (1 MiB a half) for the dashboard's life.
 * Left to grow, it reached 16 MiB a half within the first second (start-up allocates a lot) and
 * stayed there until V8 found the allocation rate low, often a minute later, and with thousands of
 * processes never: 30 MiB of the dashboard's ~105 MiB resident memory, for ~1 MiB of garbage a
 * second. Kept small, that garbage costs a small scavenge about every second (~1 ms each,
 * measured). The flag is read each time V8 would grow that space, so setting it here, in this
 * process only, is enough; the status line and other commands keep V8's default.
 */
export function keepYoungGenerationSmall(): void {
  setFlagsFromString('--semi-space-growth-factor=1');
}
