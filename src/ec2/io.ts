/**
 * How the `ec2-cost` command talks to the terminal: its own module so that the price refresh
 * (refresh/, loaded only for --refresh-prices) and the command (run.ts, which loads it) both
 * use it without importing each other.
 */
import { fstatSync, writeSync } from 'node:fs';

export interface Io {
  env: NodeJS.ProcessEnv;
  out(text: string): void;
  err(text: string): void;
  /** Whether stderr is a terminal (the refresh shows a progress bar only then). */
  stderrIsTTY: boolean;
}

export const defaultIo = (): Io => ({
  env: process.env,
  out: (t) => writeSync(1, t),
  err: (t) => writeSync(2, t),
  stderrIsTTY: isTerminal(2),
});

/** Without touching process.stderr, which would load the stream machinery on every run. */
function isTerminal(fd: number): boolean {
  try {
    return fstatSync(fd).isCharacterDevice();
  } catch {
    return false;
  }
}
