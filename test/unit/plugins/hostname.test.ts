import { hostname as osHostname } from 'node:os';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import hostname, { shortName } from '../../../plugins/hostname/index.js';
import { fixtureTree, moduleContext, type FixtureTree, readingWithData } from '../../helpers/context.js';

describe('hostname', () => {
  let tree: FixtureTree;
  beforeEach(() => (tree = fixtureTree()));
  afterEach(() => tree.cleanup());

  it('shows the kernel name without its domain by default', async () => {
    tree.write('proc/sys/kernel/hostname', 'web1.example.com\n');
    const reading = readingWithData(await hostname.collect(moduleContext(hostname, tree), undefined));
    expect(reading).toEqual({
      text: 'web1',
      short: 'web1',
      state: 'idle',
      icon: 'hostname',
      data: { hostname: 'web1.example.com', short: 'web1', source: 'kernel' },
      detail: [
        { label: 'Host name', value: 'web1.example.com' },
        { label: 'Source', value: 'kernel' },
      ],
    });
  });

  it('keeps the domain with short: false', async () => {
    tree.write('proc/sys/kernel/hostname', 'web1.example.com\n');
    const reading = readingWithData(await hostname.collect(moduleContext(hostname, tree, { short: false }), undefined));
    expect([reading?.text, reading?.short]).toEqual(['web1.example.com', 'web1']);
  });

  it('reads /etc/hostname with source: file, skipping comments and blank lines', async () => {
    tree.write('proc/sys/kernel/hostname', 'old-name\n');
    tree.write('root/etc/hostname', '# set by the installer\n\n  db2.internal  \n');
    const reading = readingWithData(await hostname.collect(moduleContext(hostname, tree, { source: 'file' }), undefined));
    expect(reading?.text).toBe('db2');
    expect(reading?.data).toEqual({ hostname: 'db2.internal', short: 'db2', source: 'file' });
  });

  it('falls back to the kernel name when /etc/hostname is missing', async () => {
    tree.write('proc/sys/kernel/hostname', 'box\n');
    const reading = readingWithData(await hostname.collect(moduleContext(hostname, tree, { source: 'file' }), undefined));
    expect(reading?.data).toEqual({ hostname: 'box', short: 'box', source: 'kernel' });
  });

  it('asks the operating system when the proc file is missing', async () => {
    const reading = readingWithData(await hostname.collect(moduleContext(hostname, tree, { short: false }), undefined));
    expect(reading?.text).toBe(osHostname().trim());
  });

  it('strips control characters but leaves the rest for the renderer to escape', async () => {
    tree.write('proc/sys/kernel/hostname', 'evil\u001b]0;x\u0007#[fg=red]\n');
    const reading = readingWithData(await hostname.collect(moduleContext(hostname, tree), undefined));
    expect(reading?.text).toBe('evil]0;x#[fg=red]');
  });

  it('never shortens an address used as a name', () => {
    expect(shortName('10.0.0.5')).toBe('10.0.0.5');
    expect(shortName('a.b.c')).toBe('a');
    expect(shortName('.hidden')).toBe('.hidden');
  });
});
