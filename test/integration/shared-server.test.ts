/**
 * shoji on a machine another user logs into too: what that user prepares in /tmp, in a folder
 * left writable, or in a cache folder never makes shoji run their code, show their text, or
 * write where they point. Real users (created with useradd when the suite runs as root), the
 * real built shoji, and the real job scripts tmux and screen run.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import vm from 'node:vm';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BUNDLE, requireBuild, ROOT, SHOJI, waitFor } from '../helpers/cli.js';
import { NO_SECOND_USER, runAs, testUser, type TestUser } from '../helpers/users.js';

let victim: TestUser;
let attacker: TestUser;
let scratch: string;
let victimHome: string;
const children: ChildProcess[] = [];

beforeAll(() => {
  if (NO_SECOND_USER) return;
  requireBuild();
  victim = testUser('shoji-victim');
  attacker = testUser('shoji-attacker');
});

function setUp(): void {
  scratch = mkdtempSync(join(tmpdir(), 'shoji-shared-'));
  chmodSync(scratch, 0o755);
  victimHome = join(scratch, 'victim-home');
  mkdirSync(victimHome, { mode: 0o700 });
  chownSync(victimHome, victim.uid, victim.gid);
  rmSync(`/tmp/shoji-${victim.uid}`, { recursive: true, force: true });
}

afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  if (victim) rmSync(`/tmp/shoji-${victim.uid}`, { recursive: true, force: true });
  // A daemon told to stop may still be writing its last log line into the victim's home.
  if (scratch) rmSync(scratch, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
});

/** The victim's environment: a login without XDG_RUNTIME_DIR (cron, su, many SSH set-ups). */
function victimEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { HOME: victimHome, LANG: 'C.UTF-8', TERM: 'xterm-256color', AWS_EC2_METADATA_DISABLED: 'true', ...extra };
}

function asVictim(args: string[], extra: NodeJS.ProcessEnv = {}) {
  return runAs(victim, process.execPath, [SHOJI, ...args], { env: victimEnv(extra), cwd: '/' });
}

/** Write a file as the attacker would (owned by them), with the given mode. */
function attackerWrites(path: string, content: string, mode = 0o644): void {
  writeFileSync(path, content);
  chownSync(path, attacker.uid, attacker.gid);
  chmodSync(path, mode);
}

function attackerFolder(path: string, mode = 0o777): void {
  mkdirSync(path, { recursive: true });
  chownSync(path, attacker.uid, attacker.gid);
  chmodSync(path, mode);
}

function victimConfig(yaml: string): string {
  const dir = join(victimHome, '.config', 'shoji');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'config.yaml'), yaml);
  spawnSync('chown', ['-R', `${victim.uid}:${victim.gid}`, join(victimHome, '.config')]);
  return dir;
}

const fallbackRuntime = () => join(victimHome, '.cache', 'shoji', `run-${hostname().replace(/[^A-Za-z0-9._-]/g, '_')}`);

describe.skipIf(!!NO_SECOND_USER)(`another local user (${NO_SECOND_USER || 'real users'})`, () => {
  it('never uses a /tmp/shoji-UID that another user made first, and says so', () => {
    setUp();
    const trap = `/tmp/shoji-${victim.uid}`;
    attackerFolder(trap);
    // What the attacker hopes the victim's shoji will trust: a config cache and saved readings.
    attackerWrites(join(trap, 'config-cache.json'), JSON.stringify({ file: 'x', text: '', key: '', config: { left: ['hostname'], right: [] } }), 0o666);
    attackerWrites(
      join(trap, 'status-state.json'),
      JSON.stringify({
        version: 2,
        bootId: readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim(),
        modules: { datetime: { reading: { text: 'PWNED', state: 'idle' }, hasValue: true, failures: 0, lastRunMono: 0, dueMono: 9e15, optionsKey: '{}' } },
      }),
      0o666,
    );
    victimConfig('left: []\nright: [datetime]\n');
    const before = readdirSync(trap).sort();
    const r = asVictim(['status', '--format', 'plain']);
    expect(r.status).toBe(0);
    expect(r.stdout).not.toContain('PWNED');
    expect(r.stdout).toMatch(/\d\d:\d\d/);
    expect(r.stderr).toContain(`shoji: refusing ${trap}: it is owned by uid ${attacker.uid}, not by you (uid ${victim.uid})`);
    // Nothing of the victim's went into the trap; the line's state went to a folder in their home.
    expect(readdirSync(trap).sort()).toEqual(before);
    const fallback = fallbackRuntime();
    expect(statSync(fallback).mode & 0o777).toBe(0o700);
    expect(statSync(fallback).uid).toBe(victim.uid);
    expect(existsSync(join(fallback, 'status-state.json'))).toBe(true);
  });

  it('refuses a /tmp/shoji-UID of your own that others can write to, and uses one you made 0700', () => {
    setUp();
    const own = `/tmp/shoji-${victim.uid}`;
    mkdirSync(own);
    chownSync(own, victim.uid, victim.gid);
    chmodSync(own, 0o777);
    victimConfig('left: []\nright: [datetime]\n');
    const refused = asVictim(['status', '--format', 'plain']);
    expect(refused.stderr).toContain(`refusing ${own}: it is writable by others (mode 777)`);
    rmSync(own, { recursive: true });
    const made = asVictim(['status', '--format', 'plain']);
    expect(made.stderr).toBe('');
    expect(statSync(own).mode & 0o777).toBe(0o700);
    expect(existsSync(join(own, 'status-state.json'))).toBe(true);
  });

  it('never runs a script from a scripts folder others can write to, and says why in shoji modules', () => {
    setUp();
    const config = victimConfig('left: []\nright: [custom, datetime]\n');
    const scripts = join(config, 'scripts');
    attackerFolder(scripts, 0o777); // left open by a careless chmod; the attacker drops a script in
    const marker = join(victimHome, 'ran-as-victim');
    attackerWrites(join(scripts, '1_evil'), `#!/bin/sh\ntouch ${marker}\necho evil\n`, 0o755);
    const r = asVictim(['status', '--format', 'plain']);
    expect(r.stdout).not.toContain('evil');
    const modules = asVictim(['modules']);
    expect(existsSync(marker)).toBe(false);
    expect(modules.stdout).toContain(`${join(scripts, '1_evil')} is owned by uid ${attacker.uid}`);
    chownSync(join(scripts, '1_evil'), victim.uid, victim.gid);
    chownSync(scripts, victim.uid, victim.gid);
    const stillOpen = asVictim(['modules']);
    expect(stillOpen.stdout).toContain(`${scripts} is writable by others (chmod o-w ${scripts})`);
    expect(existsSync(marker)).toBe(false);
  });

  it('never reads a code cache from a folder another user can write to', () => {
    setUp();
    // The victim cannot write shoji's dist/, so code caches go to $XDG_CACHE_HOME/shoji/v8,
    // here a folder the attacker made. They plant a cache compiled from their own code, padded
    // to the bundle's length: V8 checks a cache against the source's length only.
    const cacheHome = join(scratch, 'cache-home');
    attackerFolder(join(cacheHome, 'shoji', 'v8'));
    chmodSync(cacheHome, 0o777);
    chmodSync(join(cacheHome, 'shoji'), 0o777);
    const marker = join(victimHome, 'ran-as-victim');
    const real = readFileSync(BUNDLE, 'utf8');
    let evil = `require('fs').writeFileSync(${JSON.stringify(marker)}, 'x');`;
    evil += ' '.repeat(real.length - evil.length);
    const wrap = (s: string) => `(function (exports, require, module, __filename, __dirname) { ${s}\n});`;
    const cached = new vm.Script(wrap(evil), { filename: BUNDLE }).createCachedData();
    const st = statSync(BUNDLE);
    const name = `shoji@status-${process.version}-${process.arch}-${st.size}-${Math.floor(st.mtimeMs)}.bin`;
    attackerWrites(join(cacheHome, 'shoji', 'v8', name), '', 0o666);
    writeFileSync(join(cacheHome, 'shoji', 'v8', name), cached);
    const r = asVictim(['status', '--format', 'plain'], { XDG_CACHE_HOME: cacheHome });
    expect(existsSync(marker)).toBe(false);
    expect(r.status).toBe(0);
    // With a cache folder of the victim's own, caches are written and used as before.
    const ownCache = join(victimHome, 'own-cache');
    mkdirSync(ownCache, { mode: 0o700 });
    chownSync(ownCache, victim.uid, victim.gid);
    asVictim(['status', '--format', 'plain'], { XDG_CACHE_HOME: ownCache });
    expect(readdirSync(join(ownCache, 'shoji', 'v8')).some((f) => f.startsWith('shoji@status-'))).toBe(true);
  });

  it('an unwritable runtime folder: the tmux job says so on the line, the reason is in the log, and nothing is left behind', async () => {
    setUp();
    const run = join(scratch, 'run');
    mkdirSync(run, { mode: 0o500 });
    chownSync(run, victim.uid, victim.gid);
    chmodSync(run, 0o500);
    const server = spawn('sleep', ['60'], { uid: victim.uid, gid: victim.gid, stdio: 'ignore' });
    children.push(server);
    await new Promise((r) => server.once('spawn', r));
    const r = runAs(victim, join(ROOT, 'bin', 'shoji-tmux-job'), ['left', String(server.pid), process.execPath], {
      env: victimEnv({ SHOJI_RUNTIME_DIR: run }),
      timeout: 20_000,
    });
    expect(r.status).toBe(1);
    const log = join(victimHome, '.local', 'state', 'shoji', 'shoji.log');
    expect(r.stdout.trim()).toMatch(new RegExp(`^shoji: daemon did not start: .*EACCES.* \\(see ${log.replace(/[.]/g, '\\.')}\\)$`));
    expect(r.stdout).toContain(': cannot create it: EACCES');
    expect(readFileSync(log, 'utf8')).toContain(`refusing ${join(run, `tmux-${server.pid}`)}: cannot create it: EACCES`);
    expect(readdirSync(run)).toEqual([]);
  });

  it('a pid file naming a live process that is not the daemon (pid 1, a sleep) never freezes the line', async () => {
    setUp();
    const run = join(scratch, 'run');
    mkdirSync(run, { mode: 0o700 });
    chownSync(run, victim.uid, victim.gid);
    const server = spawn('sleep', ['60'], { uid: victim.uid, gid: victim.gid, stdio: 'ignore' });
    children.push(server);
    await new Promise((r) => server.once('spawn', r));
    victimConfig('left: [hostname]\nright: [datetime]\n');
    const dir = join(run, `tmux-${server.pid}`);
    for (const holder of ['1', String(server.pid)]) {
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { mode: 0o700 });
      writeFileSync(join(dir, 'daemon.pid'), `${holder}\n`);
      spawnSync('chown', ['-R', `${victim.uid}:${victim.gid}`, dir]);
      const job = spawn(join(ROOT, 'bin', 'shoji-tmux-job'), ['left', String(server.pid), process.execPath], {
        env: victimEnv({ PATH: process.env.PATH, SHOJI_RUNTIME_DIR: run }),
        uid: victim.uid,
        gid: victim.gid,
      });
      children.push(job);
      let out = '';
      job.stdout!.on('data', (d) => (out += d));
      await waitFor(`the left side with ${holder} in daemon.pid`, () => out.includes(hostname().split('.')[0].slice(0, 8)), 20_000);
      const daemon = Number(readFileSync(join(dir, 'daemon.pid'), 'utf8'));
      expect(readFileSync(`/proc/${daemon}/cmdline`, 'latin1')).toContain(`tmux-daemon\0--server-pid\0${server.pid}`);
      process.kill(daemon, 'SIGTERM');
      job.kill('SIGKILL');
      await waitFor(
        'the daemon to stop',
        () => {
          try {
            process.kill(daemon, 0);
            return false;
          } catch {
            return true;
          }
        },
        20_000,
      );
    }
  });
});
