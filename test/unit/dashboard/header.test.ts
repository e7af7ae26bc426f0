/**
 * The dashboard's header line at every width from 60 to 200: exactly the width, the clock never
 * cut, the OS name shortened first ("Debian 12"), then the other parts dropped.
 */
import { describe, expect, it } from 'vitest';
import { loadTheme } from '../../../src/core/theme.js';
import { displayWidth } from '../../../src/core/width.js';
import { osForms } from '../../../src/dashboard/header.js';
import { type HeaderInfo, headerLine } from '../../../src/dashboard/panels.js';

const ctx = (width: number) => ({ theme: loadTheme('monochrome', '/nonexistent', {}), charset: 'braille' as const, width, height: 1 });
const plain = (tagged: string) => tagged.replace(/\{[^{}]*\}/g, '');
const DEBIAN = 'Debian GNU/Linux 12 (bookworm), Linux 6.1.0';
const info: HeaderInfo = {
  host: 'vm',
  os: DEBIAN,
  uptime: '22m',
  time: '2026-11-30 14:05:09',
  refreshSeconds: 1,
  paused: false,
  theme: 'default',
};
const header = (width: number, h: Partial<HeaderInfo> = {}) => plain(headerLine({ ...info, ...h }, ctx(width)));

describe('the header', () => {
  it('is exactly as wide as the screen and shows the whole clock at every width from 60 to 200', () => {
    for (const h of [
      {},
      { host: 'ip-172-31-22-198.eu-west-1.compute.internal' },
      { paused: true },
      { message: { text: 'disk / is 97% full', state: 'critical' as const } },
    ]) {
      for (let width = 60; width <= 200; width++) {
        const text = header(width, h);
        expect(displayWidth(text), `${width}: ${text}`).toBe(width);
        expect(text, `${width}`).toMatch(/ 14:05:09 /);
        expect(text.trimEnd(), `${width}`).toMatch(/\? help( {2}q quit)?$/);
        if (h.paused) expect(text).toContain('PAUSED');
      }
    }
  });

  it('shortens the OS name before anything else goes, and drops it before the uptime, interval and date', () => {
    const full = header(200);
    expect(full).toMatch(/^ vm {2}Debian GNU\/Linux 12 \(bookworm\), Linux 6\.1\.0 {2}up 22m {2}2026-11-30 14:05:09 {2}every 1s +\? help {2}q quit $/);
    expect(header(80)).toMatch(/^ vm {2}Debian 12 {2}up 22m {2}2026-11-30 14:05:09 {2}every 1s +\? help {2}q quit $/);
    expect(header(90)).toContain('Debian 12, Linux 6.1.0  up 22m  2026-11-30 14:05:09  every 1s');
    for (let width = 60; width <= 200; width++) {
      const text = header(width);
      const lost = !/every 1s/.test(text) || !/2026-11-30/.test(text) || !/up 22m/.test(text);
      if (lost) expect(text, `${width}`).not.toMatch(/Debian|Linux/);
      if (!text.includes('bookworm')) expect(text.includes('Debian GNU'), `${width}`).toBe(false);
    }
    expect(header(60)).toMatch(/^ vm {2}up 22m {2}2026-11-30 14:05:09 {2}every 1s +\? help {2}q quit $/);
    expect(header(60, { host: 'build-server-07' })).toMatch(/^ build-server-07 {2}up 22m {2}14:05:09 +\? help {2}q quit $/);
    expect(header(60, { host: 'build-server-07.example.org' })).toMatch(/^ build-server-07.example.org {2}14:05:09 +\? help {2}q quit $/);
  });

  it('gives a passing message the room of the OS name before cutting it, and never the clock', () => {
    const message = { text: 'memory critical: 95% used', state: 'critical' as const };
    expect(header(120, { message })).toMatch(/Debian 12, Linux 6\.1\.0 {2}up 22m {2}2026-11-30 14:05:09 {2}every 1s {2}memory critical: 95% used/);
    expect(header(80, { message })).toMatch(/^ vm {2}up 22m {2}2026-11-30 14:05:09 {2}memory critical: 95% used +\? help/);
    expect(header(60, { message })).toMatch(/^ vm {2}14:05:09 {2}memory critical: 95% used/);
  });

  it('cuts a host name too long for the line, keeping the clock', () => {
    const text = header(60, { host: 'ip-172-31-22-198.eu-west-1.compute.internal.example' });
    expect(text).toMatch(/^ ip-172-31-22-198\.eu-west-1\.[\w.-]*~ +14:05:09 +\? help $/);
  });
});

describe('the OS name, shorter', () => {
  it('drops the code name and "GNU/Linux" or "Linux" before the version, then the kernel', () => {
    expect(osForms(DEBIAN)).toEqual([DEBIAN, 'Debian 12, Linux 6.1.0', 'Debian 12']);
    expect(osForms('Fedora Linux 39 (Workstation Edition), Linux 6.5.6')).toEqual([
      'Fedora Linux 39 (Workstation Edition), Linux 6.5.6',
      'Fedora 39, Linux 6.5.6',
      'Fedora 39',
    ]);
    expect(osForms('Ubuntu 22.04.3 LTS, Linux 6.2.0')).toEqual(['Ubuntu 22.04.3 LTS, Linux 6.2.0', 'Ubuntu 22.04.3 LTS']);
    expect(osForms('Arch Linux, Linux 6.6.1')).toEqual(['Arch Linux, Linux 6.6.1', 'Arch Linux']);
    expect(osForms('Linux 6.1.0')).toEqual(['Linux 6.1.0']);
    expect(osForms('')).toEqual([]);
  });
});

describe('the OS name, read', () => {
  it('takes the kernel from <procRoot>/sys/kernel as uname gives it, and the distribution from os-release', async () => {
    const { fixtureTree } = await import('../../helpers/context.js');
    const { osName } = await import('../../../src/dashboard/index.js');
    const tree = fixtureTree();
    try {
      tree.write('root/etc/os-release', 'NAME="Debian GNU/Linux"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n');
      tree.write('proc/sys/kernel/ostype', 'Linux\n');
      tree.write('proc/sys/kernel/osrelease', '6.1.0-28-amd64\n');
      expect(osName(tree.root, tree.procRoot)).toBe('Debian GNU/Linux 12 (bookworm), Linux 6.1.0');
      // Without those files (not Linux): uname's, whatever this machine's is.
      expect(osName(tree.root, '/nonexistent')).toMatch(/^Debian GNU\/Linux 12 \(bookworm\), \S+ [^-\s]+$/);
    } finally {
      tree.cleanup();
    }
  });
});
