/**
 * cpu-freq on fixture trees. The cpufreq files hold kHz, one number and a newline, as the kernel
 * writes them (Documentation/admin-guide/pm/cpufreq.rst); the /proc/cpuinfo blocks are cut from
 * this test machine's own (an AMD EPYC virtual machine without cpufreq), from a POWER9 guest's
 * ("clock : 3800.000000MHz") and from an ARM Neoverse guest's (no frequency at all).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import cpuFreq, { fromCpuinfo } from '../../../plugins/cpu-freq/index.js';
import { type FixtureTree, fixtureTree, moduleContext } from '../../helpers/context.js';
import { expectDataAsDeclared } from '../../helpers/published-data.js';

const EPYC_VM = (n: number) => `processor\t: ${n}
vendor_id\t: AuthenticAMD
cpu family\t: 26
model\t\t: 2
model name\t: AMD EPYC
stepping\t: 1
cpu MHz\t\t: 2095.984
cache size\t: 1024 KB
physical id\t: 0
siblings\t: 2
core id\t\t: ${n}
cpu cores\t: 2
bogomips\t: 4191.96
power management:

`;

const POWER9 = `processor\t: 0
cpu\t\t: POWER9 (architected), altivec supported
clock\t\t: 3800.000000MHz
revision\t: 2.2 (pvr 004e 1202)

timebase\t: 512000000
platform\t: pSeries
`;

const NEOVERSE = `processor\t: 0
BogoMIPS\t: 50.00
Features\t: fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics fphp asimdhp cpuid asimdrdm lrcpc dcpop asimddp ssbs
CPU implementer\t: 0x41
CPU architecture: 8
CPU variant\t: 0x3
CPU part\t: 0xd0c
CPU revision\t: 1

`;

describe('cpu-freq', () => {
  let tree: FixtureTree;
  beforeEach(() => {
    tree = fixtureTree();
  });
  afterEach(() => tree.cleanup());

  /** cpuN/cpufreq with its current and maximum frequency in kHz. */
  function cpufreq(cpu: number, curKhz: number, maxKhz?: number) {
    tree.write(`sys/devices/system/cpu/cpu${cpu}/cpufreq/scaling_cur_freq`, `${curKhz}\n`);
    if (maxKhz !== undefined) tree.write(`sys/devices/system/cpu/cpu${cpu}/cpufreq/cpuinfo_max_freq`, `${maxKhz}\n`);
  }

  const run = async (options = {}) => cpuFreq.collect(moduleContext(cpuFreq, tree, options), undefined);

  it('is unavailable where neither cpufreq nor /proc/cpuinfo gives a frequency (ARM guests)', async () => {
    const ctx = moduleContext(cpuFreq, tree);
    expect(await cpuFreq.available!(ctx)).toBe(false);
    tree.write('proc/cpuinfo', NEOVERSE);
    expect(await cpuFreq.available!(ctx)).toBe(false);
    expect((await run()).reading).toBeNull();
    tree.write('proc/cpuinfo', EPYC_VM(0));
    expect(await cpuFreq.available!(ctx)).toBe(true);
  });

  it('reads cpufreq: the mean of the CPUs in GHz, the fastest and the highest maximum in the data, each CPU in order', async () => {
    cpufreq(0, 2_400_000, 4_700_000);
    cpufreq(1, 800_000, 4_700_000);
    cpufreq(10, 3_100_000, 4_900_000);
    cpufreq(2, 1_700_000, 4_700_000);
    // An offline CPU has no cpufreq folder; policy folders and cpuidle are not CPUs.
    tree.write('sys/devices/system/cpu/cpu3/online', '0\n');
    tree.write('sys/devices/system/cpu/cpufreq/policy0/scaling_cur_freq', '2400000\n');
    tree.write('proc/cpuinfo', EPYC_VM(0)); // not read while cpufreq answers
    const { reading, data } = await run();
    expectDataAsDeclared(cpuFreq, data);
    expect(data).toEqual({
      hertz: 2_000_000_000,
      fastestHertz: 3_100_000_000,
      maxHertz: 4_900_000_000,
      source: 'cpufreq',
      cpus: [
        { cpu: 0, hertz: 2_400_000_000, maxHertz: 4_700_000_000 },
        { cpu: 1, hertz: 800_000_000, maxHertz: 4_700_000_000 },
        { cpu: 2, hertz: 1_700_000_000, maxHertz: 4_700_000_000 },
        { cpu: 10, hertz: 3_100_000_000, maxHertz: 4_900_000_000 },
      ],
    });
    expect(reading).toMatchObject({ text: '2.0GHz', short: '2.0G', state: 'idle' });
    expect(reading!.detail).toEqual([
      { label: 'Source', value: 'cpufreq (scaling_cur_freq)' },
      { label: 'Mean', value: '2000 MHz' },
      { label: 'Maximum', value: '4900 MHz' },
      { label: 'cpu0', value: '2400 MHz (max 4700 MHz)' },
      { label: 'cpu1', value: '800 MHz (max 4700 MHz)' },
      { label: 'cpu2', value: '1700 MHz (max 4700 MHz)' },
      { label: 'cpu10', value: '3100 MHz (max 4900 MHz)' },
    ]);
  });

  it('show: fastest shows the fastest CPU; with_max adds the highest maximum', async () => {
    cpufreq(0, 2_400_000, 4_700_000);
    cpufreq(1, 3_050_000, 4_700_000);
    expect((await run()).reading!.text).toBe('2.7GHz');
    expect((await run({ show: 'fastest' })).reading!.text).toBe('3.0GHz');
    expect((await run({ show: 'fastest', with_max: true })).reading!.text).toBe('3.0/4.7GHz');
  });

  it('without cpufreq, reads "cpu MHz" from /proc/cpuinfo (this VM) and says where it came from; with_max has no maximum to add', async () => {
    tree.write('proc/cpuinfo', EPYC_VM(0) + EPYC_VM(1));
    const { reading, data } = await run({ with_max: true });
    expectDataAsDeclared(cpuFreq, data);
    expect(data).toEqual({
      hertz: 2_095_984_000,
      fastestHertz: 2_095_984_000,
      source: 'cpuinfo',
      cpus: [
        { cpu: 0, hertz: 2_095_984_000 },
        { cpu: 1, hertz: 2_095_984_000 },
      ],
    });
    expect(reading!.text).toBe('2.1GHz');
    expect(reading!.detail![0]).toEqual({ label: 'Source', value: '/proc/cpuinfo (no cpufreq driver: in a VM, the nominal clock)' });
  });

  it('reads POWER\'s "clock : 3800.000000MHz", and ignores a cpuinfo with no frequency', () => {
    expect(fromCpuinfo(POWER9)).toEqual([{ cpu: 0, hertz: 3_800_000_000 }]);
    expect(fromCpuinfo(NEOVERSE)).toEqual([]);
  });

  it("reads each CPU's maximum once (it is the hardware's), and a CPU that comes online has its own read", async () => {
    cpufreq(0, 2_400_000, 4_700_000);
    const ctx = moduleContext(cpuFreq, tree, { with_max: true });
    const first = await cpuFreq.collect(ctx, undefined);
    expect(first.memo).toEqual({ maxKhz: { '0': 4_700_000 } });
    cpufreq(0, 2_000_000, 9_900_000);
    cpufreq(1, 1_000_000, 3_600_000);
    const second = await cpuFreq.collect(ctx, first.memo);
    expect(second.data!.cpus).toEqual([
      { cpu: 0, hertz: 2_000_000_000, maxHertz: 4_700_000_000 },
      { cpu: 1, hertz: 1_000_000_000, maxHertz: 3_600_000_000 },
    ]);
    expect(second.reading!.text).toBe('1.5/4.7GHz');
    // A memo of another shape (an older shoji's, a damaged state file) is read afresh.
    expect((await cpuFreq.collect(ctx, { maxKhz: { '0': 'x' } } as never)).data!.maxHertz).toBe(9_900_000_000);
    expect((await cpuFreq.collect(ctx, 'nonsense' as never)).data!.maxHertz).toBe(9_900_000_000);
  });

  it('skips a CPU whose cpufreq file is empty or zero, and falls back to cpuinfo when none is left', async () => {
    tree.write('sys/devices/system/cpu/cpu0/cpufreq/scaling_cur_freq', '\n');
    tree.write('sys/devices/system/cpu/cpu1/cpufreq/scaling_cur_freq', '0\n');
    tree.write('proc/cpuinfo', EPYC_VM(0));
    expect((await run()).data).toMatchObject({ source: 'cpuinfo', cpus: [{ cpu: 0 }] });
    cpufreq(1, 1_200_000);
    expect((await run()).data).toEqual({ hertz: 1_200_000_000, fastestHertz: 1_200_000_000, source: 'cpufreq', cpus: [{ cpu: 1, hertz: 1_200_000_000 }] });
  });
});
