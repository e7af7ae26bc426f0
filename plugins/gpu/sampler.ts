/**
 * The one nvidia-smi of this user on this host: `nvidia-smi --query-gpu=... --format=csv,noheader,
 * nounits -lms N`, a single process that prints every GPU's line each period, run by one
 * long-lived shoji process (the tmux daemon, the screen stream, the dashboard or the exporter,
 * whichever took the lock first) for all of them. Loaded only in those processes (the gpu
 * module imports this file lazily when ctx.longLived is set): the one-shot `shoji status` never
 * starts a process for the GPU.
 *
 * - One per user per host: the process holding the lock (src/core/lock.ts, in shoji's runtime
 *   folder, taken over when its holder is gone) runs nvidia-smi and writes each batch of lines to
 *   the sample file (sample-file.ts) atomically; every other process reads that file. The others
 *   try for the lock again on each re-check, so when the holder exits one of them takes over.
 *   The lock is released and taken again every hour, so a holder's pid reused by another
 *   program after a crash holds nobody up for longer than the lock's stale age.
 * - Never waking a GPU: before nvidia-smi starts, and on every re-check (every 15 s), each NVIDIA
 *   GPU's runtime power status is read (pci.ts). While every one is suspended nvidia-smi is not
 *   run (and is stopped if it was); while some are, it is asked about the others only (`-i` with
 *   their PCI addresses, comma-separated, as `nvidia-smi -i 1,2,4` takes indexes), and started
 *   again when that set changes.
 * - Its end: killed when this process exits, and when the module stops being used (no collect
 *   for 90 s, or three of its own intervals if longer). A shoji process killed outright leaves it
 *   to the pipe: nvidia-smi dies of SIGPIPE at its next line.
 * - A child that dies is started again after 1 s, doubling up to 5 minutes while it keeps dying
 *   young (under a minute), and each death is logged with its last line of stderr.
 * - nvidia-smi is looked for in the absolute folders of PATH only, never the working folder.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { writeFileAtomic } from '../../src/core/atomic.js';
import { acquireLock, type LockPolicy } from '../../src/core/lock.js';
import { findExecutable } from '../../src/core/find-program.js';
import { type NvidiaRow, parseLine, QUERY_FIELDS } from './nvidia-csv.js';
import { isSuspended, nvidiaAddresses } from './pci.js';
import { LOCK_FILE, SAMPLE_FILE, type SampleFile } from './sample-file.js';

export const RECHECK_MS = 15_000;
const IDLE_AT_LEAST_MS = 90_000;
const RENEW_LOCK_MS = 3600_000;
const LOCK_POLICY: LockPolicy = { staleAfterMs: 3 * RENEW_LOCK_MS, retries: 0, retryMs: 0, takeOverUnreadable: false };
const FIRST_BACKOFF_MS = 1000;
const MAX_BACKOFF_MS = 300_000;
/** A child that ran this long was healthy: the next death starts the back-off afresh. */
const HEALTHY_MS = 60_000;
/** Rows of a GPU that stopped being printed are dropped after this many periods. */
const ROW_KEPT_PERIODS = 3;

export interface SamplerSettings {
  /** shoji's runtime folder: the lock and the sample file go here. */
  dir: string;
  sysRoot: string;
  env: NodeJS.ProcessEnv;
  periodMs: number;
  log(message: string): void;
}

/** The line of text a program wrote, one line, escapes visible, short: for the log. */
const shown = (text: string) => JSON.stringify(text.trim().split('\n').pop()?.slice(0, 200) ?? '');

export class NvidiaSampler {
  private release: (() => void) | null = null;
  private lockedAt = 0;
  private child: ChildProcess | null = null;
  private childArgs = '';
  private childStartedAt = 0;
  private backoffMs = FIRST_BACKOFF_MS;
  private restartAt = 0;
  private restartTimer: NodeJS.Timeout | null = null;
  private recheck: NodeJS.Timeout | null = null;
  private lastTouch = 0;
  private touchGap = 0;
  private rows = new Map<string, { row: NvidiaRow; at: number }>();
  private said = new Set<string>();
  private readonly onExit = () => this.stop();

  constructor(private settings: SamplerSettings) {}

  get samplePath(): string {
    return join(this.settings.dir, SAMPLE_FILE);
  }

  /** Whether this process holds the lock (runs nvidia-smi, or would if a GPU were awake). */
  get holding(): boolean {
    return this.release !== null;
  }

  /** The running child's pid, if any (tests). */
  get childPid(): number | undefined {
    return this.child?.pid;
  }

  /** A collect used the module: keep sampling, with these settings (the latest config's). */
  touch(settings: SamplerSettings): void {
    const now = Date.now();
    if (this.lastTouch > 0) this.touchGap = now - this.lastTouch;
    this.lastTouch = now;
    const periodChanged = settings.periodMs !== this.settings.periodMs;
    this.settings = settings;
    if (periodChanged) this.stopChild();
    if (this.recheck === null) {
      process.once('exit', this.onExit);
      this.recheck = setInterval(() => this.tick(), RECHECK_MS);
      this.recheck.unref();
      this.tick();
    } else if (!this.holding || periodChanged) {
      // Another process's sampler may be gone: take over at once rather than at the next re-check.
      this.tick();
    }
  }

  /** The re-check: idle, lock, GPUs asleep, child running. Exported for tests through the class. */
  tick(now = Date.now()): void {
    if (now - this.lastTouch > Math.max(IDLE_AT_LEAST_MS, 3 * this.touchGap)) {
      this.stop();
      return;
    }
    if (this.holding && now - this.lockedAt > RENEW_LOCK_MS) {
      this.release!();
      this.release = null;
    }
    if (!this.holding && !this.takeLock(now)) {
      this.stopChild();
      return;
    }
    const { sysRoot } = this.settings;
    const gpus = nvidiaAddresses(sysRoot);
    const awake = gpus.filter((a) => !isSuspended(sysRoot, a));
    if (awake.length === 0) {
      if (this.child) this.settings.log('gpu: every NVIDIA GPU is runtime-suspended: nvidia-smi stopped, so as not to keep one awake');
      this.stopChild();
      this.removeSample();
      return;
    }
    const args = [`--query-gpu=${QUERY_FIELDS.join(',')}`, '--format=csv,noheader,nounits', '-lms', String(this.settings.periodMs)];
    if (awake.length < gpus.length) args.push('-i', awake.join(','));
    const key = args.join(' ');
    if (this.child && this.childArgs !== key) this.stopChild();
    if (!this.child && this.restartTimer === null) this.start(args, key);
  }

  private takeLock(now: number): boolean {
    try {
      const got = acquireLock(join(this.settings.dir, LOCK_FILE), LOCK_POLICY, now);
      if (!got.ok) return false;
      this.release = got.release;
      this.lockedAt = now;
      return true;
    } catch (err) {
      this.sayOnce(`lock:${(err as Error).message}`, `gpu: cannot take the sampler's lock: ${(err as Error).message}`);
      return false;
    }
  }

  private start(args: string[], key: string): void {
    const wait = this.restartAt - Date.now();
    if (wait > 0) {
      this.restartTimer = setTimeout(() => {
        this.restartTimer = null;
        if (this.recheck !== null) this.tick();
      }, wait);
      this.restartTimer.unref();
      return;
    }
    const program = findExecutable('nvidia-smi', this.settings.env.PATH);
    if (program === null) {
      this.sayOnce('missing', "gpu: nvidia-smi is not in PATH's folders: NVIDIA GPUs are not sampled");
      return;
    }
    let child: ChildProcess;
    try {
      child = spawn(program, args, { stdio: ['ignore', 'pipe', 'pipe'], env: this.settings.env });
    } catch (err) {
      this.settings.log(`gpu: cannot start ${program}: ${(err as Error).message}`);
      this.scheduleRestart();
      return;
    }
    // Never what keeps this process running: it exits when its own work is done, and kills the child then.
    child.unref();
    (child.stdout as unknown as Socket).unref();
    (child.stderr as unknown as Socket).unref();
    this.child = child;
    this.childArgs = key;
    this.childStartedAt = Date.now();
    this.said.delete('missing');
    let pending = '';
    let lastErr = '';
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      pending += chunk;
      const nl = pending.lastIndexOf('\n');
      if (nl < 0) {
        if (pending.length > 64 * 1024) pending = ''; // no line that long is nvidia-smi's
        return;
      }
      const lines = pending.slice(0, nl).split('\n');
      pending = pending.slice(nl + 1);
      this.take(lines);
    });
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      lastErr = (lastErr + chunk).slice(-1000);
    });
    child.on('error', (err) => {
      lastErr = err.message;
    });
    child.on('close', (code, signal) => {
      if (this.child !== child) return; // stopped on purpose
      this.child = null;
      const ranMs = Date.now() - this.childStartedAt;
      if (ranMs >= HEALTHY_MS) this.backoffMs = FIRST_BACKOFF_MS;
      const how = signal ? `was killed (${signal})` : `exited with status ${code}`;
      this.settings.log(
        `gpu: nvidia-smi ${how} after ${Math.round(ranMs / 1000)} s${lastErr ? `: ${shown(lastErr)}` : ''}; starting it again in ${this.backoffMs / 1000} s`,
      );
      this.scheduleRestart();
    });
  }

  private scheduleRestart(): void {
    this.restartAt = Date.now() + this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, MAX_BACKOFF_MS);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      if (this.recheck !== null) this.tick();
    }, this.restartAt - Date.now());
    this.restartTimer.unref();
  }

  /** A batch of lines: each GPU's latest row, written whole for every process to read. */
  private take(lines: string[]): void {
    const now = Date.now();
    let any = false;
    for (const line of lines) {
      const row = parseLine(line);
      if (row === null) continue;
      this.rows.set(row.busId, { row, at: now });
      any = true;
    }
    if (!any) return;
    const keepFor = ROW_KEPT_PERIODS * this.settings.periodMs;
    for (const [bus, r] of this.rows) if (now - r.at > keepFor) this.rows.delete(bus);
    const sample: SampleFile = {
      pid: process.pid,
      writtenAt: now,
      periodMs: this.settings.periodMs,
      gpus: [...this.rows.values()].map((r) => r.row).sort((a, b) => a.index - b.index),
    };
    try {
      writeFileAtomic(this.samplePath, JSON.stringify(sample));
    } catch (err) {
      this.sayOnce(`write:${(err as Error).message}`, `gpu: cannot write ${this.samplePath}: ${(err as Error).message}`);
    }
  }

  private stopChild(): void {
    const child = this.child;
    this.child = null;
    this.childArgs = '';
    if (this.restartTimer !== null) clearTimeout(this.restartTimer);
    this.restartTimer = null;
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    this.rows.clear();
  }

  private removeSample(): void {
    rmSync(this.samplePath, { force: true });
  }

  /** Stop everything: the child, the re-checks, the lock (this process exits, or the module is no longer used). */
  stop(): void {
    const had = this.child !== null;
    this.stopChild();
    if (this.recheck !== null) clearInterval(this.recheck);
    this.recheck = null;
    process.removeListener('exit', this.onExit);
    if (this.holding) {
      if (had) this.removeSample();
      this.release!();
      this.release = null;
    }
    this.lastTouch = 0;
    this.touchGap = 0;
  }

  private sayOnce(key: string, message: string): void {
    if (this.said.has(key)) return;
    this.said.add(key);
    this.settings.log(message);
  }
}

/** This process's samplers, by runtime folder (one in practice; tests use several). */
const samplers = new Map<string, NvidiaSampler>();

/** Keep this process's sampler for `settings.dir` going (a collect of the gpu module in a long-lived process). */
export function keepSampling(settings: SamplerSettings): NvidiaSampler {
  let s = samplers.get(settings.dir);
  if (!s) {
    s = new NvidiaSampler(settings);
    samplers.set(settings.dir, s);
  }
  s.touch(settings);
  return s;
}

/** Stop every sampler of this process (tests; a host that stops its modules). */
export function stopSampling(): void {
  for (const s of samplers.values()) s.stop();
  samplers.clear();
}
