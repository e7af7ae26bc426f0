import { chmodSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import apport from '../../../plugins/apport/index.js';
import { type FixtureTree, fixtureTree, moduleContext } from '../../helpers/context.js';
import { expectDataAsDeclared } from '../../helpers/published-data.js';

/** The start of a real apport report (Ubuntu 24.04, a crashed /usr/bin/gnome-calculator): "Key: value" lines. */
const REPORT = `ProblemType: Crash
Architecture: amd64
Date: Mon Nov 23 11:02:13 2026
DistroRelease: Ubuntu 24.04
ExecutablePath: /usr/bin/gnome-calculator
ExecutableTimestamp: 1712650130
ProcCmdline: gnome-calculator
Signal: 11
`;

describe('apport', () => {
  let tree: FixtureTree;
  beforeEach(() => {
    tree = fixtureTree();
    mkdirSync(join(tree.root, 'var/crash'), { recursive: true });
  });
  afterEach(() => tree.cleanup());

  const run = async () => apport.collect(moduleContext(apport, tree), undefined);

  it('is quiet with no report, and still publishes the zero', async () => {
    tree.write('root/var/crash/.lock', '');
    const { reading, data } = await run();
    expect(reading).toBeNull();
    expect(data).toEqual({ reports: 0, files: [] });
  });

  it('counts the *.crash files, readable or not; uploads, folders and links named so are not reports', async () => {
    tree.write('root/var/crash/_usr_bin_gnome-calculator.1000.crash', REPORT);
    const unreadable = tree.write('root/var/crash/_usr_sbin_cupsd.0.crash', REPORT);
    chmodSync(unreadable, 0o000);
    tree.write('root/var/crash/_usr_bin_gnome-calculator.1000.upload', '');
    tree.write('root/var/crash/_usr_bin_gnome-calculator.1000.uploaded', '');
    mkdirSync(join(tree.root, 'var/crash/folder.crash'));
    symlinkSync('/etc/passwd', join(tree.root, 'var/crash/link.crash'));
    const { reading, data } = await run();
    expect(reading).toMatchObject({ text: '2', state: 'warning', icon: 'apport' });
    expectDataAsDeclared(apport, data);
    expect(data).toEqual({ reports: 2, files: ['_usr_bin_gnome-calculator.1000.crash', '_usr_sbin_cupsd.0.crash'] });
    expect(reading?.detail?.[0]).toEqual({ label: 'Crash report', value: join(tree.root, 'var/crash/_usr_bin_gnome-calculator.1000.crash') });
  });

  it('draws "{!}" where the icon set has no glyph for it, as byobu does', () => {
    expect(apport.icons).toEqual({ apport: '{!} ' });
  });

  it('is not available where there is no /var/crash', async () => {
    expect(await apport.available!(moduleContext(apport, tree))).toBe(true);
    tree.cleanup();
    tree = fixtureTree();
    expect(await apport.available!(moduleContext(apport, tree))).toBe(false);
  });

  it('a report whose name holds control characters is listed without them', async () => {
    tree.write('root/var/crash/ev\u001b[31mil.crash', REPORT);
    expect((await run()).data?.files).toEqual(['ev[31mil.crash']);
  });
});
