/**
 * Running the real, built shoji (dist/shoji.cjs via bin/) in a scratch environment:
 * its own config, state and runtime folders, so tests never touch the user's.
 */
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SHOJI = join(ROOT, 'bin', 'shoji');
export const BUNDLE = join(ROOT, 'dist', 'shoji.cjs');

export function requireBuild(): void {
  if (!existsSync(BUNDLE)) throw new Error('dist/shoji.cjs is missing: run `npm run build` (npm test does)');
}

/** Fail with the fix in the message, not with a timeout, when a program the test drives is missing. */
export function requireProgram(name: string): void {
  const found = (process.env.PATH ?? '').split(':').some((dir) => dir && existsSync(join(dir, name)));
  if (!found) throw new Error(`${name} is not installed: \`bash .ci/run\` installs it (apt-get install ${name})`);
}

export interface Sandbox {
  dir: string;
  configDir: string;
  env: NodeJS.ProcessEnv;
  cleanup(): void;
}

export function sandbox(extraEnv: NodeJS.ProcessEnv = {}): Sandbox {
  const dir = mkdtempSync(join(tmpdir(), 'shoji-it-'));
  const configDir = join(dir, 'config');
  mkdirSync(configDir, { recursive: true });
  mkdirSync(join(dir, 'home'), { recursive: true });
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: join(dir, 'home'),
    LANG: 'C.UTF-8',
    TERM: 'xterm-256color',
    SHOJI_CONFIG_DIR: configDir,
    SHOJI_STATE_DIR: join(dir, 'state'),
    SHOJI_CACHE_DIR: join(dir, 'cache'),
    SHOJI_RUNTIME_DIR: join(dir, 'run'),
    AWS_EC2_METADATA_DISABLED: 'true',
    ...extraEnv,
  };
  return { dir, configDir, env, cleanup: () => removeSandbox(dir) };
}

/** The PIDs of the processes that run with this sandbox's folders in their environment (shoji started in it). */
export function processesOf(sb: Pick<Sandbox, 'dir'>): number[] {
  const mark = `SHOJI_STATE_DIR=${join(sb.dir, 'state')}\0`;
  return readdirSync('/proc').flatMap((e) => {
    if (!/^\d+$/.test(e)) return [];
    try {
      return readFileSync(`/proc/${e}/environ`, 'latin1').includes(mark) ? [Number(e)] : [];
    } catch {
      return []; // ended, or another user's
    }
  });
}

/**
 * Remove a sandbox, retried: a shoji the test just stopped (a tmux kill-server hangs up on it)
 * may still be writing its state or log as it exits, and a removal racing it fails with
 * ENOTEMPTY. Should something still be writing after that, the folder is left and what is in it
 * named on stderr (to find the writer), rather than failing tests that passed.
 */
function removeSandbox(dir: string): void {
  try {
    rmSync(dir, { recursive: true, force: true, maxRetries: 20, retryDelay: 100 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOTEMPTY') throw err;
    const left = spawnSync('find', [dir, '-newermt', '-10 seconds'], { encoding: 'utf8' }).stdout.trim();
    process.stderr.write(`sandbox ${dir} left behind: still written to after the test (recent: ${left || 'none'})\n`);
  }
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run shoji; `timeoutMs` only stops a hung call (a test about speed measures it, never this). */
export function runShoji(args: string[], env: NodeJS.ProcessEnv, bin = SHOJI, timeoutMs = 20_000): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { env, timeout: timeoutMs, encoding: 'utf8' }, (err, stdout, stderr) => {
      const code = err ? (((err as NodeJS.ErrnoException & { code?: number }).code as unknown as number) ?? 1) : 0;
      resolve({ code: typeof code === 'number' ? code : 1, stdout, stderr });
    });
  });
}

export function runShojiSync(args: string[], env: NodeJS.ProcessEnv): RunResult {
  const r = spawnSync(process.execPath, [SHOJI, ...args], { env, encoding: 'utf8', timeout: 20_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * An assertion error (vitest's expect): what a probe throws when what it saw is wrong, as
 * opposed to not there yet.
 */
export function isAssertionError(err: unknown): boolean {
  return err instanceof Error && err.name === 'AssertionError';
}

/**
 * Poll `probe` until it returns something truthy. A falsy value, or an ordinary error (a file
 * not written yet, a server not up yet), means "not yet" and is retried; a failed `expect`
 * inside the probe is not: it fails the wait at once, so a bad frame seen once fails the test
 * even if a later frame would have passed.
 */
export async function waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v) return v;
      last = v;
    } catch (err) {
      if (isAssertionError(err)) throw err;
      last = err;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what} (last: ${String(last)})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
