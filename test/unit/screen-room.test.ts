/**
 * How much room GNU screen leaves the right side (src/host/screen-room.ts), and the screen
 * renderer's own counting: screen counts bytes, so a fitted right side is counted that way.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadIconSet, loadTheme } from '../../src/core/theme.js';
import { screenRightWidth, screenVisible, windowListEstimate } from '../../src/host/screen-room.js';
import { renderScreen, screenWidth } from '../../src/render/screen.js';
import type { Segment } from '../../src/render/segments.js';

const theme = loadTheme('default', '/nonexistent', {});
const unicode = loadIconSet('unicode', {});

describe('the right side in screen', () => {
  it('counts widths in bytes, as screen does', () => {
    expect(screenWidth('abc')).toBe(3);
    expect(screenWidth('é')).toBe(2);
    expect(screenWidth('⇡')).toBe(3);
    expect(screenWidth('中')).toBe(3);
  });

  it('draws icons that are not ASCII with the ascii set, which screen counts right', () => {
    const out = screenVisible(renderScreen([{ id: 'updates', text: '7', state: 'info', icon: 'updates', priority: 30 }], { theme, icons: unicode }));
    expect(out).toBe('upd 7');
  });

  it('fits by bytes: text screen counts wider than it looks goes first', () => {
    const segments: Segment[] = [
      { id: 'a', text: 'ééééé', state: 'idle', priority: 10 }, // 5 cells, 10 bytes
      { id: 'b', text: 'bbbbb', state: 'idle', priority: 90 },
    ];
    // 5 + 1 + 5 = 11 cells would fit in 12, but screen counts 16.
    expect(screenVisible(renderScreen(segments, { theme, icons: unicode, maxWidth: 12 }))).toBe('bbbbb');
    expect(screenVisible(renderScreen(segments, { theme, icons: unicode, maxWidth: 16 }))).toBe('ééééé bbbbb');
  });

  it('the room: the display less the left side, the window list and a space each side', () => {
    const left = '\u0005{= kw}host\u0005{= kW}';
    expect(screenVisible(left)).toBe('host');
    expect(screenRightWidth(80, left, '0* bash')).toBe(80 - 4 - 7 - 2);
    expect(screenRightWidth(80, left, '0- bash  1* café')).toBe(80 - 4 - 17 - 2);
    // Never less than a few cells, however crowded.
    expect(screenRightWidth(20, left, '0 a  1 b  2 c  3* d  4- e')).toBe(10);
  });
});

describe('the window list, estimated from /proc', () => {
  let proc: string;
  beforeEach(() => {
    proc = mkdtempSync(join(tmpdir(), 'shoji-proc-'));
  });
  afterEach(() => rmSync(proc, { recursive: true, force: true }));

  /** A process in the fake /proc: its stat line, as the kernel writes it. */
  const addProcess = (pid: number, comm: string, session: number, ttyNr: number) => {
    mkdirSync(join(proc, String(pid)), { recursive: true });
    writeFileSync(join(proc, String(pid), 'stat'), `${pid} (${comm}) S 100 ${pid} ${session} ${ttyNr} -1 4194560 0 0 0 0\n`);
  };
  const server = (children: number[]) => {
    mkdirSync(join(proc, '100', 'task', '100'), { recursive: true });
    writeFileSync(join(proc, '100', 'task', '100', 'children'), `${children.join(' ')} `);
  };

  it('one entry per window program, as the hardstatus escapes draw the list', () => {
    addProcess(201, 'node', 100, 0); // the left backtick: no terminal
    addProcess(202, 'tail', 100, 0); // the right backtick
    addProcess(203, 'bash', 203, 34816);
    addProcess(250, 'my vim (2)', 250, 34817); // comm may hold spaces and parentheses
    server([201, 202, 203, 250]);
    expect(windowListEstimate(100, false, proc)).toBe('0- bash  1* my vim (2)');
    expect(windowListEstimate(100, true, proc)).toBe('0- bash  1&* my vim (2)');
  });

  it('a single window, and none', () => {
    addProcess(203, 'sh', 203, 34816);
    server([203]);
    expect(windowListEstimate(100, false, proc)).toBe('0* sh');
    server([]);
    expect(windowListEstimate(100, false, proc)).toBe('');
  });

  it('no /proc to ask: unknown', () => {
    expect(windowListEstimate(100, false, join(proc, 'missing'))).toBeUndefined();
  });
});
