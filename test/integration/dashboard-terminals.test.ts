/**
 * `shoji dashboard` as different terminals and locales receive it, read from real tmux panes
 * with capture-pane -p (what copy-mode, logs and screen readers get): box lines as box-drawing
 * characters under UTF-8 (never the ACS letters `lqqk`), ASCII under LANG=C, a process whose
 * name holds an emoji and CJK drawn at its width, the help at 80x24 and the header's clock.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { displayWidth } from '../../src/core/width.js';
import { HELP_LINES } from '../../src/dashboard/tables.js';
import { requireBuild, requireProgram, sandbox, SHOJI, waitFor, type Sandbox } from '../helpers/cli.js';
import { tmux, tmuxOk } from '../helpers/tmux.js';

const SOCKET = `shoji-dash-term-${process.pid}`;
/** The process with a wide name: argv[0] (what /proc/PID/cmdline and the COMMAND column show). */
const WIDE_NAME = '😀火 wide-name';
let sb: Sandbox;
let wide: ChildProcess;

const tm = (args: string[]) => tmux(SOCKET, args, sb.env);
const capture = (session: string) => tm(['capture-pane', '-p', '-t', session]);

/** The dashboard in a new session under this TERM and these extra variables, nothing from the runner. */
function start(session: string, term: string, cols: number, rows: number, env: NodeJS.ProcessEnv = {}): void {
  tm(['set', '-g', 'default-terminal', term]);
  const vars = Object.entries({ ...sb.env, ...env })
    .filter(([k, v]) => k !== 'TERM' && v !== undefined)
    .map(([k, v]) => `${k}='${v}'`)
    .join(' ');
  const cmd = `env -i ${vars} TERM=\\$TERM ${process.execPath} ${SHOJI} dashboard; exec sleep 60`;
  tm(['new-session', '-d', '-s', session, '-x', String(cols), '-y', String(rows), `sh -c "${cmd}"`]);
}

/** Sorted by %MEM (s), the process holding 512 MiB is near the top of the table. */
async function wideRow(session: string, shown: string): Promise<{ screen: string[]; row: number }> {
  await waitFor(`${session}: first frame`, () => /Processes/.test(capture(session)), 20_000);
  tm(['send-keys', '-t', session, 's']);
  return waitFor(
    `${session}: the process named ${shown}`,
    () => {
      const screen = capture(session).split('\n');
      const row = screen.findIndex((l) => l.includes(shown));
      return row >= 0 && { screen, row };
    },
    20_000,
  );
}

/** The cell (column) where `ch` first appears in `line` at or after the cell `from`. */
function cellOf(line: string, ch: string, from = 0): number {
  let cell = 0;
  for (const c of line) {
    if (cell >= from && c === ch) return cell;
    cell += displayWidth(c);
  }
  return -1;
}

beforeAll(() => {
  requireBuild();
  requireProgram('tmux');
  sb = sandbox();
  writeFileSync(join(sb.dir, 'tmux.conf'), 'set -g status off\nset -g exit-empty off\nset -g history-limit 0\n');
  writeFileSync(join(sb.configDir, 'config.yaml'), 'modules:\n  updates: { enabled: false }\n');
  tm(['-f', join(sb.dir, 'tmux.conf'), 'start-server']);
  // A real process whose command line starts with an emoji and a CJK character, holding 512 MiB
  // (touched, so resident) so that the %MEM sort brings it into view.
  wide = spawn('bash', ['-c', `exec -a '${WIDE_NAME}' '${process.execPath}' -e 'globalThis.b = Buffer.alloc(512 << 20, 1); setInterval(() => {}, 1e6)'`], {
    stdio: 'ignore',
  });
});

afterAll(() => {
  if (wide?.pid) process.kill(wide.pid);
  tmuxOk(SOCKET, ['kill-server'], sb?.env);
  sb?.cleanup();
});

describe('box lines and wide characters, as capture-pane -p reads them', () => {
  // screen-256color has no U8 capability: blessed drew its lines through the ACS there (`lqqk`).
  for (const term of ['screen-256color', 'tmux-256color']) {
    it(`UTF-8 under ${term}: ┌─┐ │ └─┘, and the emoji and CJK name at its width`, async () => {
      const s = `utf8-${term}`;
      start(s, term, 160, 48, { LANG: 'C.UTF-8' });
      const { screen, row } = await wideRow(s, WIDE_NAME);
      const text = screen.join('\n');
      expect(text).toMatch(/┌─ CPU/);
      expect(text).toMatch(/─┐\n/);
      expect(text).toMatch(/└─+┘/);
      expect(text).toMatch(/\n│/);
      expect(text).not.toMatch(/lqq|qqk|mqq|qqj|\nx /);
      // The row holding the wide name ends at the panel's right border, like the rows above it.
      const line = screen[row];
      expect(line).not.toMatch(/\?\?/);
      const at = cellOf(line, '😀');
      const border = cellOf(screen[row - 1], '│', at);
      expect(border).toBeGreaterThan(at);
      expect(cellOf(line, '│', at)).toBe(border);
      for (const l of screen.filter((l) => l.trim())) expect(displayWidth(l.trimEnd()), l).toBeLessThanOrEqual(160);
      expect(displayWidth(line)).toBe(displayWidth(screen[row - 1]));
    });
  }

  it('LANG=C: nothing but ASCII, box lines as + - |, the wide name as one ? per cell', async () => {
    const s = 'ascii';
    start(s, 'tmux-256color', 160, 48, { LANG: 'C', LC_ALL: 'C' });
    const { screen, row } = await wideRow(s, '???? wide-name');
    const text = screen.join('\n');
    expect(text).toMatch(/^[\x00-\x7f]*$/);
    expect(text).toMatch(/\+- CPU/);
    expect(text).toMatch(/-\+\n/);
    expect(text).toMatch(/\n\|/);
    const at = screen[row].indexOf('???? wide-name');
    expect(screen[row].indexOf('|', at)).toBe(screen[row - 1].indexOf('|', at));
  });
});

describe('at 80x24', () => {
  it('the header keeps the whole clock, and the help fits, scrolls to its end and lists every key uncut', async () => {
    const s = 'small';
    start(s, 'tmux-256color', 80, 24, { LANG: 'C.UTF-8' });
    const first = await waitFor('first frame', () => /Processes/.test(capture(s)) && capture(s), 20_000);
    expect(first.split('\n')[0]).toMatch(/ \d{4}-\d\d-\d\d \d\d:\d\d:\d\d .*\? help {2}q quit$/);
    tm(['send-keys', '-t', s, '?']);
    const seen: string[] = [];
    let screen = await waitFor('the help', () => /shoji dashboard: keys/.test(capture(s)) && capture(s).split('\n'));
    for (let page = 0; page < 10; page++) {
      const top = screen.findIndex((l) => l.includes('shoji dashboard: keys'));
      const bottom = screen.findIndex((l, i) => i > top && /└─+┘/.test(l.trim().slice(1, -1)));
      expect(top, screen.join('\n')).toBeGreaterThanOrEqual(0);
      expect(bottom, screen.join('\n')).toBeGreaterThan(top);
      const inside = screen.slice(top + 1, bottom).map((l) => l.slice(l.indexOf('│', 1) + 1, l.lastIndexOf('│', l.length - 2)));
      for (const l of inside) expect(l, 'a help line cut short').not.toMatch(/~\s*$/);
      seen.push(...inside);
      const marker = inside[inside.length - 1];
      if (!/more/.test(marker)) break;
      expect(marker).toMatch(/▼ \d+ more/);
      tm(['send-keys', '-t', s, 'PageDown']);
      screen = await waitFor('the next page of the help', () => {
        const next = capture(s).split('\n');
        return next.join('\n') !== screen.join('\n') && /shoji dashboard: keys/.test(next.join('\n')) && next;
      });
    }
    const all = seen.join('\n');
    for (const [keys] of HELP_LINES) expect(all, keys).toContain(keys);
    expect(all).toContain('Errors are written to');
    tm(['send-keys', '-t', s, 'x']);
    await waitFor('the help closed', () => !/shoji dashboard: keys/.test(capture(s)));
  });
});
