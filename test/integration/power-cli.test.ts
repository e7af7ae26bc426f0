/**
 * The power module through the real, built shoji on fixture trees (SHOJI_SYS_ROOT): its segment
 * on the one-shot status line from a discharging battery and from RAPL (two calls: the first has
 * no previous reading), and `shoji modules` as a user who is not root, where RAPL's energy_uj is
 * root-only as on Linux 5.10 and later, giving the reason rather than a bare "not available".
 */
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RAPL_UNREADABLE_WHY } from '../../src/core/power.js';
import { requireBuild, runShoji, SHOJI, sandbox, type Sandbox } from '../helpers/cli.js';
import { fixtureTree, type FixtureTree } from '../helpers/context.js';
import { NO_SECOND_USER, runAs, testUser } from '../helpers/users.js';

let sb: Sandbox;
let tree: FixtureTree;
beforeAll(() => requireBuild());
beforeEach(() => {
  sb = sandbox();
  tree = fixtureTree();
  // Due again a quarter of a second after a collect, so the second call reads RAPL again.
  writeFileSync(join(sb.configDir, 'config.yaml'), 'icons: ascii\nleft: []\nright: [power]\nmodules:\n  power:\n    interval: 0.25\n');
});
afterEach(() => {
  sb.cleanup();
  tree.cleanup();
});

function raplZone(dir: string, name: string, energyUj: number) {
  tree.write(`sys/class/powercap/${dir}/name`, `${name}\n`);
  tree.write(`sys/class/powercap/${dir}/energy_uj`, `${energyUj}\n`);
  tree.write(`sys/class/powercap/${dir}/max_energy_range_uj`, '262143328850\n');
}

const status = (format: string) => runShoji(['status', '--format', format, '--side', 'right'], { ...sb.env, SHOJI_SYS_ROOT: tree.sysRoot });

describe('the power segment of shoji status', () => {
  it('shows a discharging battery at once, from current_now x voltage_now', async () => {
    for (const [f, v] of Object.entries({ type: 'Battery', status: 'Discharging', capacity: 70, current_now: 1_000_000, voltage_now: 12_400_000 })) {
      tree.write(`sys/class/power_supply/BAT0/${f}`, `${v}\n`);
    }
    const r = await status('plain');
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('pwr 12.4W\n');
  });

  it('RAPL: "--W" on the first call, then the packages and DRAM since it', async () => {
    raplZone('intel-rapl:0', 'package-0', 7_000_000_000);
    raplZone('intel-rapl:0:0', 'dram', 1_000_000_000);
    expect((await status('plain')).stdout).toBe('pwr --W\n');
    raplZone('intel-rapl:0', 'package-0', 7_030_000_000);
    raplZone('intel-rapl:0:0', 'dram', 1_002_000_000);
    await new Promise((r) => setTimeout(r, 300)); // the interval (0.25 s): due again
    const second = JSON.parse((await status('json')).stdout).right[0];
    expect(second.text).toMatch(/^\d+(\.\d)?W$/);
    // 30 J in the package and 2 J in its DRAM over however long the calls were apart.
    expect(second.data.raplWatts * second.data.sampleSeconds).toBeCloseTo(32, 6);
    expect(second.data).toMatchObject({ source: 'rapl', rapl: 'readable' });
  });

  it('is quiet on AC power without RAPL, and not available on a host with neither', async () => {
    const explain = () => runShoji(['status', '--format', 'plain', '--side', 'right', '--explain'], { ...sb.env, SHOJI_SYS_ROOT: tree.sysRoot });
    expect((await explain()).stderr).toBe('right: power: not available on this host\n');
    for (const [f, v] of Object.entries({ type: 'Battery', status: 'Charging', capacity: 70, power_now: 20_000_000 })) {
      tree.write(`sys/class/power_supply/BAT0/${f}`, `${v}\n`);
    }
    rmSync(sb.env.SHOJI_RUNTIME_DIR!, { recursive: true, force: true }); // asked again at once
    const r = await explain();
    expect(r.stdout).toBe('\n');
    expect(r.stderr).toBe('right: power: nothing to show (hidden until it has)\n');
  });
});

describe.skipIf(NO_SECOND_USER)('shoji modules as a user who is not root, RAPL counters root-only', () => {
  it('says why power is not available here; root, who can read them, gets the module', () => {
    const victim = testUser('shoji-victim');
    const dir = mkdtempSync(join(tmpdir(), 'shoji-power-user-'));
    try {
      chownSync(dir, victim.uid, victim.gid);
      // The tree as the kernel lays it out: world-readable but for energy_uj, 0400 root since 5.10.
      chmodSync(tree.dir, 0o755);
      raplZone('intel-rapl:0', 'package-0', 7_000_000_000);
      chmodSync(join(tree.sysRoot, 'class/powercap/intel-rapl:0/energy_uj'), 0o400);
      const env = {
        SHOJI_CONFIG_DIR: join(dir, 'config'),
        SHOJI_STATE_DIR: join(dir, 'state'),
        SHOJI_CACHE_DIR: join(dir, 'cache'),
        SHOJI_RUNTIME_DIR: join(dir, 'run'),
        SHOJI_SYS_ROOT: tree.sysRoot,
        HOME: dir,
        AWS_EC2_METADATA_DISABLED: 'true',
      };
      const json = runAs(victim, process.execPath, [SHOJI, 'modules', '--json'], { env });
      expect(json.stderr).toBe('');
      const row = (JSON.parse(json.stdout) as { modules: Record<string, unknown>[] }).modules.find((m) => m.id === 'power');
      expect(row).toMatchObject({ available: false, unavailableWhy: RAPL_UNREADABLE_WHY, value: `(not available here: ${RAPL_UNREADABLE_WHY})` });

      const text = runAs(victim, process.execPath, [SHOJI, 'modules'], { env });
      const line = text.stdout.split('\n').find((l) => l.startsWith('power '));
      expect(line).toMatch(
        /\sno\s+\(not available here: RAPL energy counters .* readable by root only since Linux 5\.10 \(CVE-2020-8694, "PLATYPUS"\): run as root/,
      );

      // On the line, --explain gives the reason too.
      mkdirSync(env.SHOJI_CONFIG_DIR, { recursive: true });
      writeFileSync(join(env.SHOJI_CONFIG_DIR, 'config.yaml'), 'icons: ascii\nleft: []\nright: [power]\n');
      for (const path of [env.SHOJI_CONFIG_DIR, join(env.SHOJI_CONFIG_DIR, 'config.yaml')]) chownSync(path, victim.uid, victim.gid);
      const explained = runAs(victim, process.execPath, [SHOJI, 'status', '--format', 'plain', '--side', 'right', '--explain'], { env });
      expect(explained.stderr).toBe(`right: power: not available on this host: ${RAPL_UNREADABLE_WHY}\n`);

      const asRoot = runAs({ ...victim, uid: 0, gid: 0, name: 'root', home: dir }, process.execPath, [SHOJI, 'modules', '--json'], {
        env: { ...env, SHOJI_RUNTIME_DIR: join(dir, 'run-root'), SHOJI_STATE_DIR: join(dir, 'state-root'), SHOJI_CONFIG_DIR: join(dir, 'config-root') },
      });
      const rootRow = (JSON.parse(asRoot.stdout) as { modules: Record<string, unknown>[] }).modules.find((m) => m.id === 'power');
      expect(rootRow).toMatchObject({ available: true, value: '--W' });
      expect(rootRow).not.toHaveProperty('unavailableWhy');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
