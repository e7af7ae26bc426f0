/**
 * gpu on fixture trees and a stand-in nvidia-smi (test/helpers/fake-nvidia-smi.ts, real output
 * lines of public issue threads):
 * - nvidia-smi's CSV parsed as untrusted text: "[N/A]" and "[Not Supported]" absent, not zero;
 * - AMD cards through the amdgpu files as the driver writes them (Documentation/gpu/amdgpu/:
 *   gpu_busy_percent in %, mem_info_vram_* in bytes, hwmon temp1_input in m°C, power1_average
 *   or power1_input in µW), a runtime-suspended card shown asleep and not read;
 * - the sampler in a long-lived process: one nvidia-smi, its lines in the shared sample file; a
 *   suspended GPU never asked (no start at all while every one sleeps, `-i` with the others
 *   while some do); a killed child started again and logged; stopped with the module.
 */
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ModuleContext } from '../../../src/core/contract.js';
import gpu, { type GpuMemo, type GpuOptions } from '../../../plugins/gpu/index.js';
import { parseLine, parseOutput } from '../../../plugins/gpu/nvidia-csv.js';
import { canonicalAddress } from '../../../plugins/gpu/pci.js';
import { readFreshSample } from '../../../plugins/gpu/sample-file.js';
import { keepSampling, stopSampling } from '../../../plugins/gpu/sampler.js';
import { waitFor } from '../../helpers/cli.js';
import { type FixtureTree, fixtureTree, moduleContext } from '../../helpers/context.js';
import { alive, type FakeNvidiaSmi, fakeNvidiaSmi, pciGpu, QUERY, REAL_ROWS } from '../../helpers/fake-nvidia-smi.js';
import { expectDataAsDeclared } from '../../helpers/published-data.js';

const MIB = 1024 * 1024;
const NVIDIA = '0x10de';
const AMD = '0x1002';

describe("nvidia-smi's CSV", () => {
  it('reads each field, in bytes, ratios, °C and W; [N/A] and [Not Supported] are absent values, not zeros', () => {
    expect(parseLine(REAL_ROWS.rtx2080)).toEqual({
      index: 1,
      uuid: 'GPU-22b2c6ac-2d49-4863-197c-9c469071178a',
      name: 'GeForce RTX 2080',
      busId: '0000:0a:00.0',
      utilization: 0.86,
      memoryUsed: 2345 * MIB,
      memoryTotal: 7979 * MIB,
      celsius: 45,
      watts: 176.98,
      powerLimitWatts: 200,
    });
    expect(parseLine(REAL_ROWS.rtx3080)).toEqual({
      index: 0,
      uuid: 'GPU-8fe3a97d-51f6-a669-0d80-b4530b81b816',
      name: 'NVIDIA GeForce RTX 3080',
      busId: '0000:01:00.0',
      memoryUsed: 1211 * MIB,
      memoryTotal: 10240 * MIB,
      celsius: 54,
    });
    expect(parseLine(REAL_ROWS.gtx770)).not.toHaveProperty('utilization');
    expect(parseLine(REAL_ROWS.gtx770)).not.toHaveProperty('watts');
  });

  it('skips what is not a GPU line, and strips control characters from a name', () => {
    const out = [
      'Failed to initialize NVML: Driver/library version mismatch',
      '0, GPU-x, Evil\x1b]0;owned\x07 Card, 00000000:01:00.0, 5, 1, 2, 3, 4, 5',
      '0, GPU-x, Cut, 00000000:01:00.0, 5',
      'x, GPU-x, Bad index, 00000000:01:00.0, 5, 1, 2, 3, 4, 5',
      '0, GPU-x, Bad bus, 01:00, 5, 1, 2, 3, 4, 5',
      '0, GPU-x, A name, with a comma, 00000000:02:00.0, 1e9, 1, 2, 3, 4, 5',
    ];
    const rows = parseOutput(out.join('\n'));
    expect(rows.map((r) => r.name)).toEqual(['Evil]0;owned Card', 'A name, with a comma']);
    expect(rows[1]).not.toHaveProperty('utilization'); // "1e9" is not a plain decimal
  });

  it("compares nvidia-smi's 8-digit PCI domain with sysfs's 4", () => {
    expect(canonicalAddress('00000000:0A:00.0')).toBe('0000:0a:00.0');
    expect(canonicalAddress('0000:0a:00.0')).toBe('0000:0a:00.0');
    expect(canonicalAddress('0a:00.0')).toBeNull();
  });
});

let tree: FixtureTree;
let runDir: string;
beforeEach(() => {
  tree = fixtureTree();
  runDir = join(mkdtempSync(join(tmpdir(), 'shoji-gpu-run-')), 'run');
});
afterEach(() => {
  stopSampling();
  tree.cleanup();
  rmSync(join(runDir, '..'), { recursive: true, force: true });
});

/** An amdgpu card as the driver lays it out: class/drm/cardN/device links to its PCI device. */
function amdCard(card: number, address: string, files: Record<string, string | number>, hwmon: Record<string, string | number>, status = 'active') {
  pciGpu(tree.write, address, AMD, status);
  const dev = `sys/bus/pci/devices/${address}`;
  tree.write(`${dev}/device`, '0x73bf\n');
  tree.write(
    `${dev}/uevent`,
    `DRIVER=amdgpu\nPCI_CLASS=30000\nPCI_ID=1002:73BF\nPCI_SUBSYS_ID=1DA2:E438\nPCI_SLOT_NAME=${address}\nMODALIAS=pci:v00001002d000073BFsv00001DA2sd0000E438bc03sc00i00\n`,
  );
  for (const [f, v] of Object.entries(files)) tree.write(`${dev}/${f}`, `${v}\n`);
  for (const [f, v] of Object.entries(hwmon)) tree.write(`${dev}/hwmon/hwmon3/${f}`, `${v}\n`);
  tree.write(`sys/class/drm/card${card}/dev`, `226:${card}\n`);
  symlinkSync(join('..', '..', '..', 'bus', 'pci', 'devices', address), join(tree.sysRoot, 'class', 'drm', `card${card}`, 'device'));
  tree.write(`sys/class/drm/card${card}-DP-1/status`, 'connected\n');
}

function context(options: Partial<GpuOptions> = {}, env: NodeJS.ProcessEnv = {}, log?: string[]): ModuleContext<GpuOptions> {
  const ctx = moduleContext(gpu, tree, options, { PATH: '/usr/bin:/bin', SHOJI_RUNTIME_DIR: runDir, ...env });
  return { ...ctx, wallNow: () => Date.now(), ...(log ? { longLived: { log: (m: string) => log.push(m) } } : {}) };
}

describe('AMD through sysfs', () => {
  it("reads a card's busy %, VRAM, edge temperature and average power; not a connector, not another vendor's card", async () => {
    // An RX 6800 XT (16 GiB: 17163091968 bytes of VRAM as amdgpu reports it).
    amdCard(
      1,
      '0000:03:00.0',
      { gpu_busy_percent: 37, mem_info_vram_used: 4402311168, mem_info_vram_total: 17163091968, vendor: AMD },
      {
        name: 'amdgpu',
        temp1_input: 61000,
        temp1_label: 'edge',
        power1_average: 35000000,
        power1_cap: 255000000,
      },
    );
    tree.write('sys/class/drm/card0/device/vendor', '0x8086\n'); // an Intel iGPU
    const ctx = context();
    expect(await gpu.available!(ctx)).toBe(true);
    const { reading, data } = await gpu.collect(ctx, undefined);
    expectDataAsDeclared(gpu, data);
    expect(data).toEqual({
      gpus: [
        {
          id: 'card1',
          index: 1,
          vendor: 'amd',
          name: 'AMD GPU 0x73bf',
          busId: '0000:03:00.0',
          asleep: false,
          utilization: 0.37,
          memoryUsed: 4402311168,
          memoryTotal: 17163091968,
          celsius: 61,
          watts: 35,
          powerLimitWatts: 255,
        },
      ],
      shown: 'card1',
      nvidia: 'none',
    });
    expect(reading).toMatchObject({ text: '37% 4.1G/16G 61°C', short: '37%', state: 'good', icon: 'gpu' });
    expect(reading!.detail).toEqual([{ label: 'card1 AMD GPU 0x73bf', value: '37%, 4.1G/16G, 61°C, 35.0W/255W' }]);
  });

  it('takes power1_input where there is no power1_average (RDNA3), and the product name where amdgpu gives it', async () => {
    amdCard(
      0,
      '0000:0c:00.0',
      {
        gpu_busy_percent: 99,
        mem_info_vram_used: 1073741824,
        mem_info_vram_total: 25753026560,
        vendor: AMD,
        product_name: 'Radeon RX 7900 XTX',
        unique_id: '9f2d1a2b3c4d5e6f',
      },
      {
        temp1_input: 84000,
        power1_input: 310000000,
      },
    );
    const { reading, data } = await gpu.collect(context(), undefined);
    expect(data!.gpus[0]).toMatchObject({ name: 'Radeon RX 7900 XTX', uuid: '9f2d1a2b3c4d5e6f', watts: 310, utilization: 0.99 });
    // 99 % busy is info, 84 °C a warning: the worse wins.
    expect(reading).toMatchObject({ text: '99% 1G/24G 84°C', state: 'warning' });
    expect((await gpu.collect(context({ temperature_warning: 90, utilization_info: 100 }), undefined)).reading!.state).toBe('good');
  });

  it('shows a runtime-suspended card asleep, with no values, and says "asleep" when every GPU is', async () => {
    amdCard(1, '0000:03:00.0', { gpu_busy_percent: 37, mem_info_vram_used: 1, mem_info_vram_total: 2, vendor: AMD }, { temp1_input: 61000 }, 'suspended');
    const { reading, data } = await gpu.collect(context(), undefined);
    expectDataAsDeclared(gpu, data);
    expect(data!.gpus).toEqual([{ id: 'card1', index: 1, vendor: 'amd', name: 'AMD GPU 0x73bf', busId: '0000:03:00.0', asleep: true }]);
    expect(reading).toMatchObject({ text: 'asleep', state: 'idle' });
    expect(data).not.toHaveProperty('shown');
  });

  it('is not available, and quiet, on a host without a GPU', async () => {
    tree.write('sys/class/drm/card0/device/vendor', '0x1af4\n'); // virtio-gpu
    const ctx = context();
    expect(await gpu.available!(ctx)).toBe(false);
    expect((await gpu.collect(ctx, undefined)).reading).toBeNull();
  });
});

describe('NVIDIA through one nvidia-smi', () => {
  let fake: FakeNvidiaSmi;
  beforeEach(() => {
    fake = fakeNvidiaSmi([REAL_ROWS.rtx3080, REAL_ROWS.rtx2080]);
  });
  afterEach(() => fake.cleanup());

  /** The starts once there are `n` (a start is recorded by the script itself, a moment after the spawn). */
  const started = (n: number) => waitFor(`${n} start(s) of nvidia-smi`, () => fake.starts().length >= n && fake.starts());

  const twoGpus = (second = 'active') => {
    pciGpu(tree.write, '0000:01:00.0', NVIDIA);
    tree.write('sys/bus/pci/devices/0000:01:00.1/vendor', `${NVIDIA}\n`); // its HDMI audio function
    tree.write('sys/bus/pci/devices/0000:01:00.1/class', '0x040300\n');
    pciGpu(tree.write, '0000:0a:00.0', NVIDIA, second);
  };

  it('is not available without nvidia-smi in PATH, and says why', async () => {
    twoGpus();
    expect(await gpu.available!(context())).toEqual({ available: false, why: "an NVIDIA GPU is here, but nvidia-smi is not in PATH's folders" });
    // A relative folder in PATH is looked up from the working folder: never looked in, even where it holds one.
    const fromHere = relative(process.cwd(), fake.bin);
    expect(await gpu.available!(context({}, { PATH: `${fromHere}:.` }))).toMatchObject({ available: false });
    expect(await gpu.available!(context({}, { PATH: `${fromHere}:${fake.bin}` }))).toBe(true);
  });

  it("leaves out an NVIDIA GPU that is not NVIDIA's driver's (passed to a VM through vfio-pci, on nouveau, on none): nvidia-smi cannot ask it", async () => {
    pciGpu(tree.write, '0000:01:00.0', NVIDIA, 'active', 'vfio-pci');
    pciGpu(tree.write, '0000:02:00.0', NVIDIA, 'active', 'nouveau');
    pciGpu(tree.write, '0000:03:00.0', NVIDIA, 'active', '');
    const ctx = context({ sample_seconds: 0.5 }, { PATH: fake.path }, []);
    expect(await gpu.available!(ctx)).toBe(false);
    expect((await gpu.collect(ctx, undefined)).reading).toBeNull();
    pciGpu(tree.write, '0000:0a:00.0', NVIDIA);
    expect(await gpu.available!(ctx)).toBe(true);
    await gpu.collect(ctx, undefined);
    expect((await started(1)).map((s) => s.args)).toEqual([`--query-gpu=${QUERY} --format=csv,noheader,nounits -lms 500`]);
  });

  it('a long-lived process starts one nvidia-smi as asked; every collect reads its sample', async () => {
    twoGpus();
    const log: string[] = [];
    const ctx = context({ sample_seconds: 0.5 }, { PATH: fake.path }, log);
    const first = await gpu.collect(ctx, undefined);
    expect(first.reading).toMatchObject({ text: '--%', pending: true });
    expect(first.data!.nvidia).toBe('starting');
    const sample = (await waitFor('the first sample', () => readFreshSample(runDir, Date.now())))!;
    expect(sample.gpus.map((g) => g.name)).toEqual(['NVIDIA GeForce RTX 3080', 'GeForce RTX 2080']);
    const { reading, data, memo } = await gpu.collect(ctx, first.memo);
    expectDataAsDeclared(gpu, data);
    expect(data).toMatchObject({ shown: '1', nvidia: 'sampled' });
    expect(data!.gpus[0]).toEqual({
      id: '0',
      index: 0,
      vendor: 'nvidia',
      name: 'NVIDIA GeForce RTX 3080',
      uuid: 'GPU-8fe3a97d-51f6-a669-0d80-b4530b81b816',
      busId: '0000:01:00.0',
      asleep: false,
      memoryUsed: 1211 * MIB,
      memoryTotal: 10240 * MIB,
      celsius: 54,
    });
    // The busier of two, named: the RTX 3080 gives no utilisation.
    expect(reading).toMatchObject({ text: '1:86% 2.3G/7.8G 45°C', short: '1:86%', state: 'info' });
    expect(reading!.detail).toContainEqual({ label: '0 NVIDIA GeForce RTX 3080', value: '--%, 1.2G/10G, 54°C' });
    expect(memo!.names['0000:0a:00.0']).toEqual({ index: 1, name: 'GeForce RTX 2080', uuid: 'GPU-22b2c6ac-2d49-4863-197c-9c469071178a' });
    await gpu.collect(ctx, memo);
    expect(await started(1)).toEqual([{ pid: expect.any(Number), args: `--query-gpu=${QUERY} --format=csv,noheader,nounits -lms 500` }]);
    expect(log).toEqual([]);
  });

  it('the one-shot path shows nothing for a GPU nobody samples, and never starts nvidia-smi', async () => {
    twoGpus();
    const { reading, data } = await gpu.collect(context({}, { PATH: fake.path }), undefined);
    expect(reading).toBeNull();
    expect(data).toMatchObject({ nvidia: 'not-sampled', gpus: [] });
    expect(fake.starts()).toEqual([]);
  });

  it('never starts nvidia-smi while every NVIDIA GPU is suspended, and starts it once one wakes', async () => {
    pciGpu(tree.write, '0000:01:00.0', NVIDIA, 'suspended');
    const log: string[] = [];
    const ctx = context({ sample_seconds: 0.5 }, { PATH: fake.path }, log);
    const memo: GpuMemo = { names: { '0000:01:00.0': { index: 0, name: 'NVIDIA GeForce RTX 3080', uuid: 'GPU-8fe3a97d-51f6-a669-0d80-b4530b81b816' } } };
    const { reading, data } = await gpu.collect(ctx, memo);
    expectDataAsDeclared(gpu, data);
    expect(reading).toMatchObject({ text: 'asleep', state: 'idle' });
    expect(data).toMatchObject({ nvidia: 'asleep', gpus: [{ id: '0', name: 'NVIDIA GeForce RTX 3080', asleep: true }] });
    const sampler = keepSampling({ dir: runDir, sysRoot: tree.sysRoot, env: ctx.env, periodMs: 500, log: () => {} });
    sampler.tick(); // the slow re-check: still asleep
    expect(sampler.holding).toBe(true);
    // A start is a spawn in tick(): none, and the script never ran (it records each start first thing).
    expect(sampler.childPid).toBeUndefined();
    expect(fake.starts()).toEqual([]);
    tree.write('sys/bus/pci/devices/0000:01:00.0/power/runtime_status', 'active\n');
    sampler.tick();
    expect(sampler.childPid).toEqual(expect.any(Number));
    expect(await started(1)).toHaveLength(1);
    await waitFor('a sample', () => readFreshSample(runDir, Date.now()));
    // Asleep again (a GPU cannot sleep while asked: another program woke it, then let it go): stopped.
    const pid = fake.starts()[0].pid;
    tree.write('sys/bus/pci/devices/0000:01:00.0/power/runtime_status', 'suspended\n');
    sampler.tick();
    await waitFor('nvidia-smi to stop', () => !alive(pid));
    expect(readFreshSample(runDir, Date.now())).toBeNull();
    expect(log).toEqual([]);
  });

  it('asks only the GPUs awake while one sleeps (-i), and again for all when it wakes', async () => {
    twoGpus('suspended');
    const ctx = context({ sample_seconds: 0.5 }, { PATH: fake.path }, []);
    await gpu.collect(ctx, undefined);
    expect((await started(1)).map((s) => s.args)).toEqual([`--query-gpu=${QUERY} --format=csv,noheader,nounits -lms 500 -i 0000:01:00.0`]);
    await waitFor('a sample', () => readFreshSample(runDir, Date.now()));
    const { data } = await gpu.collect(ctx, undefined);
    expect(data!.gpus.map((g) => [g.id, g.asleep])).toEqual([
      ['0', false],
      ['0000:0a:00.0', true],
    ]);
    tree.write('sys/bus/pci/devices/0000:0a:00.0/power/runtime_status', 'active\n');
    keepSampling({ dir: runDir, sysRoot: tree.sysRoot, env: ctx.env, periodMs: 500, log: () => {} }).tick();
    expect((await started(2)).map((s) => s.args)[1]).toBe(`--query-gpu=${QUERY} --format=csv,noheader,nounits -lms 500`);
    await waitFor('nvidia-smi asked for one GPU to stop', () => !alive(fake.starts()[0].pid));
  });

  it('starts a killed nvidia-smi again, and logs it', async () => {
    twoGpus();
    const log: string[] = [];
    const ctx = context({ sample_seconds: 0.5 }, { PATH: fake.path }, log);
    await gpu.collect(ctx, undefined);
    const [first] = await started(1);
    await waitFor('a sample', () => readFreshSample(runDir, Date.now()));
    process.kill(first.pid, 'SIGKILL');
    const second = (await started(2))[1];
    expect(second.args).toBe(first.args);
    expect(log).toEqual([expect.stringMatching(/^gpu: nvidia-smi was killed \(SIGKILL\) after \d+ s; starting it again in 1 s$/)]);
    expect(alive(second.pid)).toBe(true);
  });

  it('logs why nvidia-smi failed (its last line of stderr, escapes visible) and backs off', async () => {
    twoGpus();
    const log: string[] = [];
    // An nvidia-smi that fails at once, as one whose driver is gone does.
    tree.write('bin/nvidia-smi', '#!/bin/bash\necho "NVIDIA-SMI has failed because it couldn\'t communicate with the NVIDIA driver.\x1b[31m" >&2\nexit 9\n');
    const { chmodSync } = await import('node:fs');
    chmodSync(join(tree.dir, 'bin', 'nvidia-smi'), 0o755);
    await gpu.collect(context({ sample_seconds: 0.5 }, { PATH: join(tree.dir, 'bin') }, log), undefined);
    await waitFor('two failures', () => log.length >= 2, 15_000);
    expect(log[0]).toBe(
      'gpu: nvidia-smi exited with status 9 after 0 s: "NVIDIA-SMI has failed because it couldn\'t communicate with the NVIDIA driver.\\u001b[31m"; starting it again in 1 s',
    );
    expect(log[1]).toMatch(/starting it again in 2 s$/);
  });

  it('stops nvidia-smi when the module is no longer collected (90 s without a collect)', async () => {
    twoGpus();
    const ctx = context({ sample_seconds: 0.5 }, { PATH: fake.path }, []);
    await gpu.collect(ctx, undefined);
    const [{ pid }] = await started(1);
    const sampler = keepSampling({ dir: runDir, sysRoot: tree.sysRoot, env: ctx.env, periodMs: 500, log: () => {} });
    sampler.tick(Date.now() + 60_000); // a minute on: still in use
    expect(sampler.childPid).toBe(pid);
    sampler.tick(Date.now() + 91_000);
    expect(sampler.childPid).toBeUndefined();
    expect(sampler.holding).toBe(false);
    await waitFor('nvidia-smi to stop', () => !alive(pid));
  });

  it('stops nvidia-smi and lets the lock go when the module stops', async () => {
    twoGpus();
    const ctx = context({ sample_seconds: 0.5 }, { PATH: fake.path }, []);
    await gpu.collect(ctx, undefined);
    await waitFor('a sample', () => readFreshSample(runDir, Date.now()));
    const [{ pid }] = await started(1);
    stopSampling();
    await waitFor('nvidia-smi to stop', () => !alive(pid));
    expect(readFreshSample(runDir, Date.now())).toBeNull();
    // The lock is free: the next long-lived collect (here, this process again) takes it.
    await gpu.collect(ctx, undefined);
    expect(await started(2)).toHaveLength(2);
  });
});
