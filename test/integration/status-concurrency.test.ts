/**
 * 20 `shoji status` calls at once, as 20 tmux clients refreshing together do: every call
 * prints its line, and the state file they all rewrite is never seen half-written. A reader
 * reads it in a loop while the writers run: a file written in place (truncate, then write)
 * shows up as an empty or cut-off file there, where a check made after the writers finished
 * would only see the last, whole, write.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { requireBuild, runShoji, sandbox, type RunResult, type Sandbox } from '../helpers/cli.js';

let sb: Sandbox;
beforeAll(() => requireBuild());
beforeEach(() => {
  sb = sandbox();
  writeFileSync(join(sb.configDir, 'config.yaml'), 'icons: ascii\nleft: [hostname]\nright: [load, cpu, memory, uptime, processes]\n');
});
afterEach(() => sb.cleanup());

/**
 * Module entries the writers do not run but carry over (each merges what it ran into what is
 * on disk): they make every write about a mebibyte, so a write in place takes long enough to
 * be seen. Several, since one saved value may hold at most 64 KiB of text.
 */
const PADDING = Array.from({ length: 16 }, (_, i) => [`padding-${i}`, `${i}`.padEnd(60 * 1024, 'x')] as const);

/** The file as the first call left it, padded, and with every module due again. */
function seed(file: string): void {
  const state = JSON.parse(readFileSync(file, 'utf8'));
  const template = state.modules.load;
  expect(template, 'the first call saved the load module').toBeDefined();
  for (const m of Object.values(state.modules) as { dueMono?: number; dueWall?: number }[]) {
    if ('dueMono' in m) m.dueMono = 0;
    if ('dueWall' in m) m.dueWall = 0;
  }
  for (const [id, memo] of PADDING) state.modules[id] = { ...template, memo };
  writeFileSync(file, JSON.stringify(state), { mode: 0o600 });
}

/** Why a read of the state file is not a whole file, or null. */
function tornBecause(text: string): string | null {
  try {
    const state = JSON.parse(text);
    const lost = PADDING.filter(([id, memo]) => state.modules[id]?.memo !== memo).map(([id]) => id);
    return lost.length > 0 ? `${text.length} bytes: ${lost.join(', ')} lost` : null;
  } catch (err) {
    return `${text.length} bytes: ${(err as Error).message}`;
  }
}

/**
 * Each call normally takes well under a second; on two cores shared with the rest of the
 * suite one took 24 s. The limit only stops a hung call: what is checked is the file.
 */
const CALL_LIMIT_MS = 120_000;

/**
 * A round whose reads all fell before the first write or after the last proves nothing: the
 * reader shares two cores with 20 node processes and the rest of the suite, and CI once saw
 * it starved for a whole round. Such a round is run again, up to this many times.
 */
const MAX_ROUNDS = 5;

interface Round {
  runs: RunResult[];
  torn: string[];
  reads: number;
  /** Distinct whole texts seen, the seeded one included. */
  versions: number;
}

/** 20 calls at once, with the file read in a loop until the last has exited. */
async function round(file: string): Promise<Round> {
  seed(file);
  let running = true;
  const calls = Promise.all(Array.from({ length: 20 }, () => runShoji(['status', '--format', 'plain'], sb.env, undefined, CALL_LIMIT_MS))).finally(
    () => (running = false),
  );
  const torn: string[] = [];
  const seen = new Set<string>();
  let reads = 0;
  let last = '';
  while (running) {
    const text = readFileSync(file, 'utf8');
    reads++;
    // Parse a mebibyte only when it changed: a cheap loop reads often even when starved.
    if (text !== last) {
      last = text;
      const why = tornBecause(text);
      if (why) torn.push(why);
      else seen.add(text);
    }
    await new Promise((r) => setImmediate(r)); // let the writers' exits be heard
  }
  return { runs: await calls, torn, reads, versions: seen.size };
}

it(
  '20 concurrent calls never leave the state file half-written, even for a moment',
  async () => {
    const file = join(sb.env.SHOJI_RUNTIME_DIR!, 'status-state.json');
    expect((await runShoji(['status', '--format', 'plain'], sb.env)).code).toBe(0);

    const rounds: Round[] = [];
    do rounds.push(await round(file));
    while (rounds.length < MAX_ROUNDS && rounds.at(-1)!.versions < 2);

    const torn = rounds.flatMap((r) => r.torn);
    const reads = rounds.reduce((n, r) => n + r.reads, 0);
    expect(torn.slice(0, 5), `${torn.length} of ${reads} reads saw a half-written file`).toEqual([]);
    // The reads overlapped the writes: some round saw the file change while calls still ran.
    expect(Math.max(...rounds.map((r) => r.versions)), `versions seen in each of ${rounds.length} rounds`).toBeGreaterThan(1);
    for (const r of rounds.flatMap((r) => r.runs)) {
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/load /);
      expect(r.stderr).toBe('');
    }
    expect(tornBecause(readFileSync(file, 'utf8'))).toBeNull();
    expect(Object.keys(JSON.parse(readFileSync(file, 'utf8')).modules)).toEqual(expect.arrayContaining(['load', 'cpu', 'memory']));
    expect((await runShoji(['status', '--format', 'plain'], sb.env)).code).toBe(0);
  },
  4 * 60_000,
);
