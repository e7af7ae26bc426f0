/**
 * The gpu module through the real, built shoji, on a fixture sysfs (SHOJI_SYS_ROOT) and the
 * stand-in nvidia-smi first on PATH (test/helpers/fake-nvidia-smi.ts):
 * - the one-shot `shoji status`: an AMD card at once from sysfs; NVIDIA GPUs not at all while no
 *   long-lived shoji process samples them (it starts no nvidia-smi), and from the shared sample
 *   while one does;
 * - two long-lived processes (`shoji exporter`, each collecting every module) served by one
 *   nvidia-smi, both exporting the same GPUs; the holder stopped (SIGTERM) takes its nvidia-smi
 *   with it and the other takes over; a holder killed outright (SIGKILL) leaves an nvidia-smi that
 *   dies at its next line, and the other takes over again;
 * - the exporter's text for the GPUs passes `promtool check metrics` with no warning.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { requireBuild, requireProgram, runShoji, SHOJI, type Sandbox, sandbox, waitFor } from '../helpers/cli.js';
import { type FixtureTree, fixtureTree } from '../helpers/context.js';
import { alive, type FakeNvidiaSmi, fakeNvidiaSmi, pciGpu, REAL_ROWS } from '../helpers/fake-nvidia-smi.js';

let sb: Sandbox;
let tree: FixtureTree;
let fake: FakeNvidiaSmi;
const exporters = new Set<ChildProcess>();

beforeAll(() => requireBuild());
beforeEach(() => {
  tree = fixtureTree();
  fake = fakeNvidiaSmi([REAL_ROWS.rtx3080, REAL_ROWS.rtx2080]);
  sb = sandbox({ SHOJI_SYS_ROOT: tree.sysRoot, PATH: fake.path, LANG: 'C.UTF-8' });
  writeFileSync(join(sb.configDir, 'config.yaml'), 'icons: ascii\nleft: []\nright: [gpu]\nmodules:\n  gpu:\n    interval: 0.5\n    sample_seconds: 0.5\n');
});
afterEach(async () => {
  await Promise.all([...exporters].map((p) => stop(p)));
  sb.cleanup();
  tree.cleanup();
  fake.cleanup();
});

function nvidiaGpus() {
  pciGpu(tree.write, '0000:01:00.0', '0x10de');
  pciGpu(tree.write, '0000:0a:00.0', '0x10de');
}

const status = (format = 'plain') => runShoji(['status', '--format', format, '--side', 'right'], sb.env);

/** `shoji exporter` on a free loopback port; its URL once it listens. */
async function exporter(): Promise<{ proc: ChildProcess; url: string }> {
  const proc = spawn(process.execPath, [SHOJI, 'exporter', '--listen', '127.0.0.1:0'], { env: sb.env, stdio: ['ignore', 'ignore', 'pipe'] });
  exporters.add(proc);
  let err = '';
  proc.stderr!.on('data', (d) => {
    err += d;
  });
  const url = await waitFor('the exporter to listen', () => /listening on (\S+)/.exec(err)?.[1], 30_000);
  return { proc, url };
}

function stop(proc: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  exporters.delete(proc);
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
  return new Promise((r) => {
    proc.once('exit', () => r());
    proc.kill(signal);
  });
}

const metrics = async (url: string) => (await fetch(url)).text();
const holderPid = () => (JSON.parse(readFileSync(join(sb.env.SHOJI_RUNTIME_DIR!, 'gpu-nvidia.lock'), 'utf8')) as { pid: number }).pid;

describe('the gpu segment of shoji status', () => {
  it('shows an AMD card from sysfs at once, with no process', async () => {
    pciGpu(tree.write, '0000:03:00.0', '0x1002');
    const dev = 'sys/bus/pci/devices/0000:03:00.0';
    for (const [f, v] of Object.entries({
      vendor: '0x1002',
      device: '0x73bf',
      gpu_busy_percent: 37,
      mem_info_vram_used: 4402311168,
      mem_info_vram_total: 17163091968,
    })) {
      tree.write(`${dev}/${f}`, `${v}\n`);
    }
    tree.write(`${dev}/uevent`, 'DRIVER=amdgpu\nPCI_SLOT_NAME=0000:03:00.0\n');
    tree.write(`${dev}/hwmon/hwmon3/temp1_input`, '61000\n');
    tree.write('sys/class/drm/card1/dev', '226:1\n');
    symlinkSync(join('..', '..', '..', 'bus', 'pci', 'devices', '0000:03:00.0'), join(tree.sysRoot, 'class', 'drm', 'card1', 'device'));
    const r = await status();
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('GPU 37% 4.1G/16G 61°C\n');
    const ascii = await runShoji(['status', '--format', 'plain', '--side', 'right'], { ...sb.env, LANG: 'C' });
    expect(ascii.stdout).toBe('GPU 37% 4.1G/16G 61 degC\n');
  });

  it('starts no nvidia-smi on the one-shot path: NVIDIA GPUs show once a long-lived process samples them', async () => {
    nvidiaGpus();
    const alone = await runShoji(['status', '--format', 'plain', '--side', 'right', '--explain'], sb.env);
    expect(alone.stdout).toBe('\n');
    expect(alone.stderr).toBe('right: gpu: nothing to show (hidden until it has)\n');
    expect(fake.starts()).toEqual([]);

    await exporter();
    await waitFor('the sample file', () => readFileSync(join(sb.env.SHOJI_RUNTIME_DIR!, 'gpu-nvidia.json'), 'utf8'));
    const r = await waitFor('the GPUs on the line', async () => {
      const s = await status();
      return s.stdout !== '\n' && s;
    });
    expect(r.stdout).toBe('GPU 1:86% 2.3G/7.8G 45°C\n');
    const json = JSON.parse((await status('json')).stdout).right[0];
    expect(json.data.gpus.map((g: { name: string }) => g.name)).toEqual(['NVIDIA GeForce RTX 3080', 'GeForce RTX 2080']);
    expect(fake.starts()).toHaveLength(1);
  });
});

describe('one nvidia-smi for every shoji process of the user', () => {
  it('serves two exporters; the holder stopped or killed, the other takes over', async () => {
    nvidiaGpus();
    const a = await exporter();
    const b = await exporter();
    const series = 'shoji_gpu_utilization_ratio{gpu="1",name="GeForce RTX 2080",uuid="GPU-22b2c6ac-2d49-4863-197c-9c469071178a"} 0.86';
    for (const e of [a, b]) await waitFor('the GPUs in /metrics', async () => (await metrics(e.url)).includes(series), 20_000);
    expect(fake.starts()).toHaveLength(1);
    const first = fake.starts()[0];

    // Stopped: the holder's nvidia-smi goes with it, and the other starts its own.
    const [holder, other] = holderPid() === a.proc.pid ? [a, b] : [b, a];
    await stop(holder.proc);
    await waitFor('the first nvidia-smi to end', () => !alive(first.pid));
    const second = (await waitFor('the other exporter to take over', () => fake.starts().length === 2 && fake.starts(), 20_000))[1];
    expect(holderPid()).toBe(other.proc.pid);

    // Killed outright: no exit handler runs; its nvidia-smi dies of SIGPIPE at its next line.
    const c = await exporter();
    await stop(other.proc, 'SIGKILL');
    await waitFor('the orphaned nvidia-smi to die', () => !alive(second.pid));
    await waitFor('the third exporter to take over', () => fake.starts().length === 3, 20_000);
    await waitFor('its sample in /metrics', async () => (await metrics(c.url)).includes(series), 20_000);
    expect(holderPid()).toBe(c.proc.pid);
  });

  it("passes promtool's check of the GPU families", async () => {
    requireProgram('promtool');
    nvidiaGpus();
    const e = await exporter();
    const text = await waitFor('the GPUs in /metrics', async () => {
      const t = await metrics(e.url);
      return t.includes('shoji_gpu_memory_total_bytes{') && t;
    });
    const gpuLines = text
      .split('\n')
      .filter((l) => /shoji_gpu_/.test(l))
      .join('\n');
    expect(gpuLines).toContain('shoji_gpu_temperature_celsius{gpu="0",name="NVIDIA GeForce RTX 3080",uuid="GPU-8fe3a97d-51f6-a669-0d80-b4530b81b816"} 54');
    // The RTX 3080 gave "[N/A]" for utilisation and power: no sample, rather than a 0.
    expect(gpuLines).not.toContain('shoji_gpu_utilization_ratio{gpu="0"');
    expect(gpuLines).not.toContain('shoji_gpu_power_watts{gpu="0"');
    const check = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(check.stdout + check.stderr).toBe('');
    expect(check.status).toBe(0);
  });
});
