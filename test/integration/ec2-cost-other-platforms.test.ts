/**
 * `ec2-cost` off EC2 on a Mac: the built command run with process.platform (and, for Apple
 * silicon, process.arch) forced by a preloaded file, against an empty /proc and /sys, as a Mac
 * has neither. It answers "what would this machine cost on EC2" with this machine's vCPUs and
 * memory (Node's os module) and the forced architecture, and says no traffic was counted. Its
 * runs are recorded in the ledger under a boot named by its start, so `--month` has history.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ONE_SHOT_MIN_WRITE_INTERVAL_S } from '../../src/ec2/ledger/store.js';
import { requireBuild, ROOT } from '../helpers/cli.js';

let dir: string;
beforeAll(() => {
  requireBuild();
  dir = mkdtempSync(join(tmpdir(), 'shoji-ec2-mac-'));
  for (const d of ['proc', 'sys', 'home']) mkdirSync(join(dir, d));
  writeFileSync(join(dir, 'darwin.cjs'), "Object.defineProperty(process, 'platform', { value: 'darwin' });\n");
  writeFileSync(
    join(dir, 'darwin-arm64.cjs'),
    "Object.defineProperty(process, 'platform', { value: 'darwin' });\nObject.defineProperty(process, 'arch', { value: 'arm64' });\n",
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function ec2CostOn(preload: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    LANG: 'C.UTF-8',
    HOME: join(dir, 'home'),
    SHOJI_PROC_ROOT: join(dir, 'proc'),
    SHOJI_SYS_ROOT: join(dir, 'sys'),
    SHOJI_CACHE_DIR: join(dir, 'cache'),
    SHOJI_STATE_DIR: join(dir, 'state'),
    SHOJI_CONFIG_DIR: join(dir, 'config'),
    AWS_EC2_METADATA_DISABLED: 'true',
    NODE_OPTIONS: `--require ${join(dir, preload)}`,
  };
  return new Promise((resolve) => {
    execFile(process.execPath, [join(ROOT, 'bin', 'ec2-cost'), ...args], { env, encoding: 'utf8', timeout: 30_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

const size = `at least ${cpus().length} vCPUs and ${(Math.floor(totalmem() / 1048576) / 1024).toFixed(1)} GiB`;

describe('ec2-cost on a Mac (platform forced)', () => {
  it('fits this machine’s vCPUs and memory, and says no traffic was counted', async () => {
    const r = await ec2CostOn('darwin.cjs', ['--detail']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Cheapest current types with ${size} (`);
    expect(r.stdout).toContain('no network counters to read on darwin');
  });

  it('on Apple silicon (arm64): Graviton types', async () => {
    const r = await ec2CostOn('darwin-arm64.cjs', ['--detail']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Cheapest current types with ${size} (arm64)`);
    const types = [...r.stdout.matchAll(/^ {2}([a-z][a-z0-9-]*\.[a-z0-9]+) /gm)].map((m) => m[1]);
    expect(types.length).toBeGreaterThan(0);
    for (const t of types) expect(t).toMatch(/^[a-z]+\d+[a-z]*g[a-z]*\./);
  });
});

describe('the ledger on a Mac (platform forced)', () => {
  it('records each run under the boot named by its start, so --month has history; --detail says where the uptime came from', async () => {
    const first = await ec2CostOn('darwin.cjs', ['--detail']);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/h since boot \([\d,.]+ s from the system's boot time; billed/);
    expect(first.stdout).toContain("Since boot (from the system's boot time): an OS reboot");
    expect(first.stdout).not.toContain('/proc/uptime');
    const ledger = () => JSON.parse(readFileSync(join(dir, 'state', 'ec2', 'ledger.json'), 'utf8')) as { boots: { bootId: string; samples: number }[] };
    const [boot] = ledger().boots;
    expect(boot.bootId).toMatch(/^boottime-\d+$/);
    // A one-shot run skips its write when the ledger was written moments before: date the first
    // run's write back past that, as if the next run came later.
    const before = Date.now() / 1000 - ONE_SHOT_MIN_WRITE_INTERVAL_S - 10;
    utimesSync(join(dir, 'state', 'ec2', 'ledger.json'), before, before);
    const month = await ec2CostOn('darwin.cjs', ['--month', '--detail']);
    expect(month.code).toBe(0);
    expect(month.stdout).toMatch(/^Boots +1 counted/m);
    expect(month.stdout).toContain(`1. ${boot.bootId}: booted `);
    expect(ledger().boots.map((b) => [b.bootId, b.samples])).toEqual([[boot.bootId, 2]]);
  }, 30_000);
});
