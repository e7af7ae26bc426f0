/**
 * The dashboard's graphs and memory and temperature panels as a person reads them in a real tmux
 * pane under NO_COLOR, with capture-pane -p (no escapes: a monochrome capture): receive above
 * send and read above write, each labelled with its peak and the time its width spans; the
 * memory figures with their glyphs; and the temperature panel of a host with sensors. The host
 * is this one (its /proc, and its /sys through links) with hwmon sensors written under a temp
 * dir: the machine running the tests has none of its own.
 */
import { mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processesOf, requireBuild, requireProgram, sandbox, SHOJI, waitFor, type Sandbox } from '../helpers/cli.js';
import { tmux, tmuxOk } from '../helpers/tmux.js';

const SOCKET = `shoji-dash-graphs-${process.pid}`;
let sb: Sandbox;
let sysRoot: string;

const tm = (args: string[]) => tmux(SOCKET, args, sb.env);
const capture = (session: string, escapes = false) => tm(['capture-pane', '-p', ...(escapes ? ['-e'] : []), '-t', session]);

/** /sys as this host has it, with two hwmon chips of our own in place of its class/hwmon and class/thermal. */
function fixtureSys(dir: string): string {
  const sys = join(dir, 'sys');
  mkdirSync(join(sys, 'class'), { recursive: true });
  for (const e of readdirSync('/sys')) if (e !== 'class') symlinkSync(join('/sys', e), join(sys, e));
  for (const e of readdirSync('/sys/class')) if (e !== 'hwmon' && e !== 'thermal') symlinkSync(join('/sys/class', e), join(sys, 'class', e));
  const chip = (n: number, name: string, temps: [string, number, number?][]) => {
    const d = join(sys, 'class', 'hwmon', `hwmon${n}`);
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, 'name'), `${name}\n`);
    for (const [i, [label, celsius, crit]] of temps.entries()) {
      writeFileSync(join(d, `temp${i + 1}_label`), `${label}\n`);
      writeFileSync(join(d, `temp${i + 1}_input`), `${celsius * 1000}\n`);
      if (crit) writeFileSync(join(d, `temp${i + 1}_crit`), `${crit * 1000}\n`);
    }
  };
  chip(0, 'coretemp', [
    ['Package id 0', 67, 100],
    ['Core 0', 64, 100],
    ['Core 1', 88, 100],
  ]);
  chip(1, 'nvme', [['Composite', 41]]);
  return sys;
}

function start(session: string, cols: number, rows: number): void {
  const vars = Object.entries({ ...sb.env, NO_COLOR: '1', SHOJI_SYS_ROOT: sysRoot })
    .filter(([k, v]) => k !== 'TERM' && v !== undefined)
    .map(([k, v]) => `${k}='${v}'`)
    .join(' ');
  const cmd = `env -i ${vars} TERM=tmux-256color ${process.execPath} ${SHOJI} dashboard; exec sleep 60`;
  tm(['new-session', '-d', '-s', session, '-x', String(cols), '-y', String(rows), `sh -c "${cmd}"`]);
}

/** The first line (row) of the screen that matches. */
const rowOf = (screen: string[], re: RegExp) => screen.findIndex((l) => re.test(l));

beforeAll(() => {
  requireBuild();
  requireProgram('tmux');
  sb = sandbox();
  sysRoot = fixtureSys(sb.dir);
  writeFileSync(join(sb.configDir, 'config.yaml'), 'modules:\n  updates: { enabled: false }\n');
  writeFileSync(join(sb.dir, 'tmux.conf'), 'set -g status off\nset -g exit-empty off\nset -g history-limit 0\n');
  tm(['-f', join(sb.dir, 'tmux.conf'), 'start-server']);
});

afterAll(async () => {
  tmuxOk(SOCKET, ['kill-server'], sb?.env);
  // A dashboard whose terminal went away ends: one whose restoring of the terminal failed (EIO)
  // used to run on with no terminal, for good.
  if (sb) await waitFor('the dashboards to end with their terminals', () => processesOf(sb).length === 0, 20_000);
  sb?.cleanup();
});

describe('graphs that read without colour, in a real pane', () => {
  for (const [cols, rows] of [
    [80, 24],
    [160, 48],
  ] as const) {
    it(`${cols}x${rows} under NO_COLOR: labelled directions, memory figures, the hottest sensors`, async () => {
      const s = `g${cols}`;
      start(s, cols, rows);
      // Two samples of every rate (and of the temperatures) before the labels carry a span.
      const screen = (
        await waitFor(
          `${s}: graphs with their spans`,
          () => {
            const c = capture(s);
            return /rx peak \S+ · \d+[smh]/.test(c) && /read peak \S+ · \d+[smh]/.test(c) && /Temperature 88°C {2}20-100°C · \d+[smh]/.test(c) && c;
          },
          30_000,
        )
      ).split('\n');
      expect(capture(s, true), 'no colour under NO_COLOR').not.toMatch(/\u001b\[(?:\d+;)*(?:3[0-7]|38;5;\d+|9[0-7])m/);
      // Receive above send, read above write: in the same column, the first label higher up.
      const rx = rowOf(screen, /│rx peak /);
      const tx = rowOf(screen, /│tx peak /);
      expect(rx).toBeGreaterThan(0);
      expect(tx).toBeGreaterThan(rx);
      expect(screen[rx].indexOf('rx peak')).toBe(screen[tx].indexOf('tx peak'));
      const read = rowOf(screen, /read peak /);
      const write = rowOf(screen, /write peak /);
      expect(read).toBeGreaterThan(0);
      expect(write).toBeGreaterThan(read);
      // Memory: the bar, and what each of its glyphs stands for.
      const all = screen.join('\n');
      expect(all).toMatch(/Mem {2}█*░*⣀* \S+\/\S+ \d+%/);
      expect(all).toMatch(/█ used +\S+ +\d+%/);
      expect(all).toMatch(/░ buff\/cache +\S+ +\d+%/);
      expect(all).toMatch(/⣀ available +\S+ +\d+%/);
      // The hottest sensors first, three at 80x24 and all four from 40 rows.
      const core1 = rowOf(screen, /coretemp\/Core 1 +88°C/);
      expect(core1).toBeGreaterThan(0);
      expect(rowOf(screen, /(coretemp\/)?Package id 0 +67°C/)).toBe(core1 + 1);
      expect(rowOf(screen, /nvme\/Composite +41°C/)).toBe(rows >= 40 ? core1 + 3 : -1);
      tm(['send-keys', '-t', s, 'q']);
    });
  }
});
