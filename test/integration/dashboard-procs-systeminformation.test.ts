/**
 * The dashboard's process table through systeminformation (ps), as macOS and the BSDs get it,
 * forced with SHOJI_BACKEND=systeminformation on this Linux, in a real tmux pane read with
 * capture-pane: the table lists what /proc lists (the same PIDs and command lines), `/` finds a
 * process, Enter's detail shows what ps gives and says what it cannot read, and `k` signals it
 * after the check on ps's terms. And by default the dashboard loads nothing of systeminformation.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shortCommand } from '../../src/dashboard/tables.js';
import { requireBuild, requireProgram, SHOJI, sandbox, type Sandbox, waitFor } from '../helpers/cli.js';
import { tmux, tmuxOk } from '../helpers/tmux.js';

const SOCKET = `shoji-dash-si-${process.pid}`;
let sb: Sandbox;
const children: ChildProcess[] = [];

const tm = (args: string[]) => tmux(SOCKET, args, sb.env);
const capture = (s: string) => tm(['capture-pane', '-p', '-t', s]);
const keys = (s: string, ...k: string[]) => tm(['send-keys', '-t', s, ...k]);
const type = (s: string, text: string) => tm(['send-keys', '-t', s, '-l', text]);

/** The process table's row for this PID on screen, if it is there. */
const rowOf = (text: string, pid: number) => text.split('\n').find((l) => new RegExp(`^[│x|] +${pid} `).test(l));
/** The PIDs of the table's rows on screen. */
const pidsOn = (text: string) =>
  text
    .split('\n')
    .flatMap((l) => /^[│x|] +(\d+) +\S/.exec(l)?.[1] ?? [])
    .map(Number);

/** A row's COMMAND column: from where the table's header names it, whatever columns come before. */
function commandOf(text: string, pid: number): string {
  const header = text.split('\n').find((l) => /\bPID\b.*\bCOMMAND\b/.test(l)) ?? '';
  return (rowOf(text, pid) ?? '').slice(header.indexOf('COMMAND')).trimEnd();
}

/** The %CPU column of the rows on screen: '-' for a process seen the first time. */
const cpusOn = (text: string) => text.split('\n').flatMap((l) => /^[│x|] +\d+ +\S+ +(\S+) /.exec(l)?.[1] ?? []);

/** /proc/PID/cmdline as the table shows it, or null once the process has ended. */
function cmdlineOf(pid: number): string | null {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0+$/, '').replace(/\0/g, ' ');
  } catch {
    return null;
  }
}

/** `shoji dashboard` in a new tmux session, with these variables on top of the sandbox's. */
function dashboard(session: string, extra: Record<string, string>): void {
  const vars = Object.entries({ ...sb.env, ...extra })
    .filter(([k, v]) => k !== 'TERM' && v !== undefined)
    .map(([k, v]) => `${k}='${v}'`)
    .join(' ');
  const run = `env -i ${vars} TERM=\\$TERM ${process.execPath} ${SHOJI} dashboard`;
  tm(['new-session', '-d', '-s', session, '-x', '180', '-y', '50', `sh -c "${run}; echo DASHBOARD-EXITED \\$?; exec sleep 60"`]);
}

async function quit(session: string): Promise<void> {
  if (!tmuxOk(SOCKET, ['has-session', '-t', session], sb.env)) return;
  keys(session, 'q');
  await waitFor('the dashboard to exit', () => /DASHBOARD-EXITED 0/.test(capture(session)), 20_000);
}

describe('the process table on systeminformation (ps)', () => {
  beforeAll(() => {
    requireBuild();
    requireProgram('tmux');
    sb = sandbox();
    writeFileSync(join(sb.configDir, 'config.yaml'), 'modules:\n  updates: { enabled: false }\n');
    writeFileSync(join(sb.dir, 'tmux.conf'), 'set -g status off\nset -g exit-empty off\nset -g history-limit 0\n');
    tm(['-f', join(sb.dir, 'tmux.conf'), 'start-server']);
    tm(['set', '-g', 'default-terminal', 'tmux-256color']);
  });

  afterAll(async () => {
    for (const s of ['si', 'direct']) await quit(s).catch(() => undefined);
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    tmuxOk(SOCKET, ['kill-server'], sb?.env);
    sb?.cleanup();
  });

  it('lists the PIDs and command lines /proc lists; / finds a sleep; Enter says what ps cannot give; k ends it', async () => {
    const seconds = `1010.${process.pid}`;
    const child = spawn('sleep', [seconds], { stdio: 'ignore' });
    children.push(child);
    const ended = new Promise((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    const pid = child.pid!;
    // The command lines before the dashboard starts: a row is compared only when its PID still
    // names the same command line after the table was read (on a busy machine PIDs come and go).
    const before = new Map(readdirSync('/proc').flatMap((p) => (/^\d+$/.test(p) ? [[Number(p), cmdlineOf(Number(p))] as const] : [])));
    dashboard('si', { SHOJI_BACKEND: 'systeminformation' });
    // The first list has no %CPU yet ('-'); from the second on, every process seen before has one.
    const first = await waitFor('the first list', () => pidsOn(capture('si')).length > 5 && capture('si'), 60_000);
    expect(cpusOn(first).every((c) => c === '-')).toBe(true);
    const table = await waitFor(
      'a table with %CPU',
      () => {
        const c = capture('si');
        const cpus = cpusOn(c);
        return cpus.length > 5 && cpus.filter((v) => /^\d+\.\d$/.test(v)).length > cpus.length / 2 && c;
      },
      60_000,
    );
    // Every row on screen is a process /proc has (or had a moment ago), with its command line.
    const shown = pidsOn(table);
    const alive = shown.filter((p) => existsSync(`/proc/${p}`));
    expect(alive.length).toBeGreaterThan(shown.length * 0.5); // short-lived ones may have ended since
    const steady = alive.filter((p) => before.has(p) && before.get(p) === cmdlineOf(p));
    expect(steady.length).toBeGreaterThan(0);
    for (const p of steady) {
      const cmdline = cmdlineOf(p) ?? '';
      // ps's command column, as systeminformation splits it, loses the arguments after a ':' (docs/platforms.md).
      if (cmdline === '' || cmdline.includes(':')) continue;
      const column = commandOf(table, p).slice(0, 15).trimEnd();
      // The table shortens a command that does not fit its column: its program by name, then its arguments' paths.
      const forms = [cmdline, shortCommand(cmdline, cmdline.length - 1), shortCommand(cmdline, 0)].map((f) => f.slice(0, 15).trimEnd());
      expect([p, forms.includes(column) ? column : forms]).toEqual([p, column]);
    }

    keys('si', '/');
    type('si', `sleep ${seconds}`);
    keys('si', 'Enter');
    const found = await waitFor('the filter to leave only the sleep', () => {
      const c = capture('si');
      return /Processes 1 of \d+/.test(c) && rowOf(c, pid) && c;
    });
    expect(rowOf(found, pid)).toContain(`sleep ${seconds}`);
    expect(rowOf(found, pid)).toMatch(/ root /);

    keys('si', 'Enter');
    const detail = await waitFor('the detail', () => {
      const c = capture('si');
      return new RegExp(`Process ${pid}`).test(c) && /Not read/.test(c) && c;
    });
    expect(detail).toMatch(new RegExp(`Command +sleep ${seconds.replace('.', '\\.')}`));
    expect(detail).toMatch(new RegExp(`PID, user +${pid}, root`));
    expect(detail).toMatch(/State +S \(sleeping\)/);
    expect(detail).toMatch(/Started +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/);
    expect(detail).toMatch(/Not read +swap, threads, open files, I\/O and cgroup/);
    keys('si', 'Escape');
    await waitFor('back to the table', () => !/Esc: back/.test(capture('si')) && rowOf(capture('si'), pid));

    keys('si', 'k');
    await waitFor('the signal menu', () => /SIGUSR2/.test(capture('si')));
    keys('si', 'Enter');
    await waitFor('the confirmation', () => /Send SIGTERM to/.test(capture('si')));
    keys('si', 'y');
    expect(await ended).toBe('SIGTERM');
    await waitFor('the table to say it ended', () => new RegExp(`PID ${pid} \\(sleep\\) has ended`).test(capture('si')), 20_000);
    await quit('si');
  }, 180_000);

  it('by default on Linux the dashboard loads nothing of systeminformation', async () => {
    const hook = join(sb.dir, 'hook.cjs');
    const log = join(sb.dir, 'loaded.log');
    writeFileSync(
      hook,
      "const M = require('node:module'); const fs = require('node:fs'); const load = M._load;\n" +
        `M._load = function (request, ...rest) { if (/systeminformation/.test(request)) fs.appendFileSync(${JSON.stringify(log)}, request + "\\n"); return load.call(this, request, ...rest); };\n`,
    );
    dashboard('direct', { NODE_OPTIONS: `--require ${hook}` });
    await waitFor('a table with %CPU', () => /PID.*%CPU/.test(capture('direct')) && pidsOn(capture('direct')).length > 5, 60_000);
    await new Promise((r) => setTimeout(r, 3000)); // a second list, and the panels' collects
    await quit('direct');
    expect(existsSync(log) ? readFileSync(log, 'utf8') : '').toBe('');
  }, 120_000);
});
