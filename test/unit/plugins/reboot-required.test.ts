import { utimesSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import rebootRequired from '../../../plugins/reboot-required/index.js';
import { fixtureTree, moduleContext, type FixtureTree, readingWithData } from '../../helpers/context.js';

const SINCE = Date.UTC(2026, 10, 20, 6, 25, 0);

describe('reboot-required', () => {
  let tree: FixtureTree;
  let savedTz: string | undefined;
  beforeAll(() => {
    savedTz = process.env.TZ;
    process.env.TZ = 'UTC';
  });
  afterAll(() => {
    if (savedTz === undefined) delete process.env.TZ;
    else process.env.TZ = savedTz;
  });
  beforeEach(() => (tree = fixtureTree()));
  afterEach(() => tree.cleanup());

  it('is hidden when no reboot is required', async () => {
    expect((await rebootRequired.collect(moduleContext(rebootRequired, tree), undefined)).reading).toBeNull();
  });

  it('warns and lists the packages, without repeats', async () => {
    const flag = tree.write('root/var/run/reboot-required', '*** System restart required ***\n');
    utimesSync(flag, SINCE / 1000, SINCE / 1000);
    const pkgs = ['linux-image-6.1.0-29-amd64', 'libc6', 'linux-image-6.1.0-29-amd64', '', ''];
    tree.write('root/var/run/reboot-required.pkgs', pkgs.join('\n'));
    const reading = readingWithData(await rebootRequired.collect(moduleContext(rebootRequired, tree), undefined));
    expect(reading).toEqual({
      text: 'reboot',
      state: 'warning',
      icon: 'reboot',
      data: { since: SINCE, packages: ['linux-image-6.1.0-29-amd64', 'libc6'] },
      detail: [
        { label: 'Reboot required since', value: '2026-11-20 06:25' },
        { label: 'Packages', value: 'linux-image-6.1.0-29-amd64, libc6' },
      ],
    });
  });

  it('finds the flag under /run too, with no package list', async () => {
    tree.write('root/run/reboot-required', '');
    const reading = readingWithData(await rebootRequired.collect(moduleContext(rebootRequired, tree), undefined));
    expect(reading?.data?.packages).toEqual([]);
    expect(reading?.detail?.[1]).toEqual({ label: 'Packages', value: 'not named' });
  });
});
