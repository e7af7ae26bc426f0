/**
 * A user's scripts, byobu style: each executable `N_name` in shoji's scripts folder (and in an
 * existing ~/.byobu/bin) becomes a module `custom:name` refreshed every N seconds. What a script
 * may print and how it is shown is documented for users in plugins/custom/index.ts (and from
 * there in docs/modules.md).
 *
 * This is host machinery, like user-plugins.ts, not a module of its own: the registry finds the
 * scripts at run time and builds one module per script, and nothing in src/core imports from
 * plugins/ (docs/architecture.md).
 *
 * A script anyone else could have written is never run: it and its folders must be owned by you
 * (or root) and not writable by group or others (trust.ts).
 */
import { accessSync, constants, statSync } from 'node:fs';
import { join } from 'node:path';
import * as T from 'typebox';
import type { ShojiModule, State } from './contract.js';
import { STATES } from './contract.js';
import { type DataOf, declareData } from './data.js';
import { listDir } from './read.js';
import { runnableProblem } from './trust.js';

const SCRIPT_NAME = /^(\d+)_([A-Za-z0-9][A-Za-z0-9._-]*)$/;
const MAX_OUTPUT = 64 * 1024;

export interface ScriptFile {
  /** Module id: custom:<name>. */
  id: string;
  path: string;
  intervalSeconds: number;
}

/** Script folders in the order they shadow each other: shoji's own first. */
export function scriptDirs(configDir: string, home: string, byobuScripts: boolean): string[] {
  return byobuScripts ? [join(configDir, 'scripts'), join(home, '.byobu', 'bin')] : [join(configDir, 'scripts')];
}

/**
 * Executable N_name files; editor backups (name~) are skipped, as byobu does. A script that is
 * not executable, or that another user could have written, is not run: `onRefused` hears why.
 */
export function findScripts(dirs: string[], onRefused: (file: string, why: string) => void = () => {}): ScriptFile[] {
  const byId = new Map<string, ScriptFile>();
  for (const dir of dirs) {
    for (const entry of listDir(dir).sort()) {
      const m = SCRIPT_NAME.exec(entry);
      if (!m) continue;
      const path = join(dir, entry);
      try {
        if (!statSync(path).isFile()) continue;
      } catch {
        continue; // a dangling link, or gone
      }
      const unsafe = runnableProblem(path, dir);
      if (unsafe) {
        onRefused(path, `${unsafe}: refusing to run it`);
        continue;
      }
      try {
        accessSync(path, constants.X_OK);
      } catch {
        onRefused(path, `not executable, so not run (chmod +x ${path})`);
        continue;
      }
      const id = `custom:${m[2]}`;
      // byobu's man page: "N should not be less than 5"; we allow 1 but never busy-loop on 0.
      if (!byId.has(id)) byId.set(id, { id, path, intervalSeconds: Math.max(1, Number(m[1])) });
    }
  }
  return [...byId.values()];
}

/** What every script module publishes (docs/modules.md shows it under custom). */
export const scriptData = declareData(() => ({ script: T.String({ description: "The script's path" }) }), {
  description: 'Published with every reading of a script module.',
});
export type ScriptData = DataOf<typeof scriptData>;

/** Turn a script's stdout into text/state, or null when it printed nothing. */
export function parseScriptOutput(stdout: string): { text: string; state: State; short?: string; icon?: string } | null {
  const cleaned = stdout.replace(/\u0005\{[^}]*\}/g, '');
  const trimmed = cleaned.trim();
  if (trimmed === '') return null;
  if (trimmed.startsWith('{')) {
    let obj: Record<string, unknown> | undefined;
    try {
      obj = JSON.parse(trimmed) as Record<string, unknown>;
    } catch {
      obj = undefined; // not JSON after all: show it as text
    }
    if (obj && typeof obj === 'object') {
      const text = typeof obj.text === 'string' ? obj.text : typeof obj.full_text === 'string' ? obj.full_text : '';
      if (text.trim() === '') return null;
      const state = STATES.includes(obj.state as State) ? (obj.state as State) : 'idle';
      const short = typeof obj.short_text === 'string' ? obj.short_text : typeof obj.short === 'string' ? obj.short : undefined;
      const icon = typeof obj.icon === 'string' ? obj.icon : undefined;
      return { text, state, short, icon };
    }
  }
  const line = trimmed.split('\n').find((l) => l.trim() !== '') ?? '';
  return { text: line.trim(), state: 'idle' };
}

/**
 * Run a script in its own process group, so that on a timeout the whole group goes — a shell
 * script's `sleep` child would otherwise keep the output pipe open and the collect pending.
 */
async function run(path: string, signal: AbortSignal, env: NodeJS.ProcessEnv): Promise<string> {
  // Loaded here, not at the top: node:child_process costs ~7 ms to load, which every
  // `shoji status` would pay even when no script is due.
  const { spawn } = await import('node:child_process');
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new Error('timed out'));
    const child = spawn(path, [], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let settled = false;
    const killGroup = () => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    const finish = (err: Error | null) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      // Close our ends of the pipes: a child that escaped the group (setsid) may hold theirs
      // open for ever, and each timeout would leak two descriptors in a long-lived daemon.
      child.stdout.destroy();
      child.stderr.destroy();
      if (err) reject(err);
      else resolve(stdout);
    };
    const onAbort = () => {
      killGroup();
      finish(new Error('timed out'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (stdout.length > MAX_OUTPUT) {
        killGroup();
        finish(new Error(`printed more than ${MAX_OUTPUT} bytes`));
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      if (stderr.length < 4096) stderr += chunk;
    });
    child.on('error', (err) => finish(new Error(err.message.split('\n')[0])));
    child.on('close', (code, sig) => {
      if (code === 0) return finish(null);
      const why = code !== null ? `exited with status ${code}` : `killed by ${sig}`;
      const firstErr = stderr.trim().split('\n')[0];
      finish(new Error(firstErr ? `${why}: ${firstErr}` : why));
    });
  });
}

/** One module per script. */
export function scriptModule(file: ScriptFile): ShojiModule<Record<string, never>, ScriptData> {
  return {
    id: file.id,
    description: `script ${file.path}`,
    options: { schema: { type: 'object', properties: {}, additionalProperties: false }, defaults: {} },
    data: scriptData,
    interval: file.intervalSeconds,
    timeoutMs: Math.min(10_000, Math.max(2_000, file.intervalSeconds * 1000)),
    async collect(ctx) {
      const parsed = parseScriptOutput(await run(file.path, ctx.signal, ctx.env));
      if (!parsed) return { reading: null };
      return { reading: { ...parsed, icon: parsed.icon ?? 'script' }, data: { script: file.path } };
    },
  };
}
