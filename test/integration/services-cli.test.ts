/**
 * The services module through the real, built shoji, on a fixture root (SHOJI_ROOT) whose
 * run/systemd/system says systemd booted it, with a stand-in systemctl first on PATH that
 * prints what systemd 252 prints for `list-units --failed --plain --no-legend`. systemctl is a
 * process, so the module is collected in the background: `shoji collect services` (what a
 * one-shot `shoji status` starts, detached) and then `shoji status` shows its reading; a
 * systemctl that never answers does not hold `shoji status` up.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { requireBuild, runShoji, sandbox, type Sandbox, waitFor } from '../helpers/cli.js';
import { fixtureTree, type FixtureTree } from '../helpers/context.js';

const FAILED_TWO = `logrotate.service              loaded failed failed Rotate log files
systemd-networkd-wait-online.service loaded failed failed Wait for Network to be Configured
`;

let sb: Sandbox;
let tree: FixtureTree;
let bin: string;
let env: NodeJS.ProcessEnv;
/** Stand-ins still running when a test ends (a hung systemctl), ended by pid. */
const started: number[] = [];

beforeAll(() => requireBuild());
beforeEach(() => {
  sb = sandbox();
  tree = fixtureTree();
  bin = join(tree.dir, 'bin');
  mkdirSync(bin);
  mkdirSync(join(tree.root, 'run', 'systemd', 'system'), { recursive: true });
  writeFileSync(join(sb.configDir, 'config.yaml'), 'icons: ascii\nleft: []\nright: [services, hostname]\n');
  env = { ...sb.env, PATH: `${bin}:${sb.env.PATH}`, SHOJI_ROOT: tree.root };
});
afterEach(() => {
  for (const pid of started.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already ended
    }
  }
  sb.cleanup();
  tree.cleanup();
});

function systemctl(script: string): void {
  writeFileSync(join(bin, 'systemctl'), `#!/bin/sh\n${script}`);
  chmodSync(join(bin, 'systemctl'), 0o755);
}

const alive = (pid: number) => {
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
};

describe('the services segment of shoji status', () => {
  it('shows the failed units once collected in the background, critical', async () => {
    writeFileSync(join(bin, 'systemctl.out'), FAILED_TWO);
    systemctl('cat "$0.out"\n');
    const collected = await runShoji(['collect', 'services'], env);
    expect(collected.stderr).toBe('');
    const r = await runShoji(['status', '--format', 'json', '--side', 'right'], env);
    const segment = JSON.parse(r.stdout).right.find((s: { id: string }) => s.id === 'services');
    expect(segment).toMatchObject({ text: '2 failed', state: 'critical', data: { failed: 2, down: 2 } });
    expect((await runShoji(['status', '--format', 'plain', '--side', 'right'], env)).stdout).toMatch(/^svc 2 failed \S+\n$/);
  });

  it('a systemctl that never answers does not hold the status line up', async () => {
    const pidFile = join(bin, 'systemctl.pid');
    systemctl(`echo $$ > "${pidFile}"\nexec sleep 600\n`);
    const r = await runShoji(['status', '--format', 'plain', '--side', 'right'], env);
    expect(r.code).toBe(0);
    // The hostname, beside it, is on the line.
    expect(r.stdout).toMatch(/^\S+\n$/);
    // The background `shoji collect` it started is the one waiting for systemctl: still running
    // after `shoji status` has printed its line and exited.
    const pid = await waitFor('the background collect to start systemctl', () => Number(readFileSync(pidFile, 'utf8')) || false);
    started.push(pid);
    expect(alive(pid)).toBe(true);
  });

  it('is left out where systemd did not boot the host (a container), and systemctl is never run', async () => {
    const ran = join(bin, 'systemctl.ran');
    systemctl(`touch "${ran}"\n`);
    const container = { ...env, SHOJI_ROOT: join(tree.dir, 'nothing') };
    expect((await runShoji(['collect', 'services'], container)).code).toBe(0);
    const r = await runShoji(['status', '--format', 'plain', '--side', 'right', '--explain'], container);
    expect(r.stdout).not.toContain('svc');
    expect(r.stderr).toMatch(/services: not available/);
    expect(existsSync(ran)).toBe(false);
  });
});
