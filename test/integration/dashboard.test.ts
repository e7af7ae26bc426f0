/**
 * `shoji dashboard` in real tmux panes of a fixed size, read with capture-pane: panels and
 * values, keys, resizing, quitting back to the shell, and every TERM a tmux user may have.
 * Each pane runs `sh -c 'node bin/shoji dashboard; echo DASHBOARD-EXITED $?; exec sleep 60'`,
 * so a clean exit shows the marker on the restored screen. The panes get the sandbox's
 * environment only: an inherited NO_COLOR or LC_ALL=C would change what the dashboard draws.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireBuild, requireProgram, sandbox, SHOJI, waitFor, type Sandbox } from '../helpers/cli.js';
import { tmux, tmuxOk } from '../helpers/tmux.js';

const SOCKET = `shoji-dash-${process.pid}`;
let sb: Sandbox;

function script(name: string, body: string): void {
  const dir = join(sb.configDir, 'scripts');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, name), `#!/bin/sh\n${body}\n`);
  chmodSync(join(dir, name), 0o755);
}

/** tmux on the test's server, with the sandbox's environment (never the runner's: see tmuxEnv). */
const tm = (args: string[]) => tmux(SOCKET, args, sb.env);

/** test/fixtures/dashboard-hooks.cjs: a crash on SIGUSR2, and a pause in process.exit to look at the terminal. */
const HOOKS = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'dashboard-hooks.cjs');
/** The handshake folder of a session started with hooks. */
const hooksDir = (session: string) => join(sb.dir, `hooks-${session}`);

/**
 * Start the dashboard in a new session; TERM comes from tmux's default-terminal, as for a user.
 * `env -i`: the dashboard sees the sandbox's variables and TERM, nothing else. The marker
 * after it carries its exit status.
 */
function start(session: string, term: string, cols: number, rows: number, env: NodeJS.ProcessEnv = {}, hooks = false): void {
  tm(['set', '-g', 'default-terminal', term]);
  if (hooks) mkdirSync(hooksDir(session), { recursive: true });
  const vars = Object.entries({ ...sb.env, ...env, ...(hooks ? { SHOJI_TEST_HOOKS: hooksDir(session) } : {}) })
    .filter(([k, v]) => k !== 'TERM' && v !== undefined)
    .map(([k, v]) => `${k}='${v}'`)
    .join(' ');
  const node = hooks ? `${process.execPath} -r ${HOOKS}` : process.execPath;
  const cmd = `env -i ${vars} TERM=\\$TERM ${node} ${SHOJI} dashboard; echo DASHBOARD-EXITED \\$?; exec sleep 60`;
  tm(['new-session', '-d', '-s', session, '-x', String(cols), '-y', String(rows), `sh -c "${cmd}"`]);
}

/**
 * What the pane shows now. Every frame the tests look at is checked for blessed's terminfo
 * errors: one such frame fails the test, even inside a waitFor whose later frames are fine.
 */
const capture = (session: string, escapes = false) => {
  const c = tm(['capture-pane', '-p', ...(escapes ? ['-e'] : []), '-t', session]);
  expect(c, `a frame of ${session}`).not.toMatch(TERMINFO_ERROR);
  return c;
};
const keys = (session: string, ...k: string[]) => tm(['send-keys', '-t', session, ...k]);
/** The pane's terminal modes, as tmux tracks them from what the program wrote. */
const modes = (session: string) => {
  const [alternateScreen, cursorShown, mouse] = tm(['display', '-p', '-t', session, '#{alternate_on} #{cursor_flag} #{mouse_any_flag}']).trim().split(' ');
  return { alternateScreen, cursorShown, mouse };
};
const RESTORED = { alternateScreen: '0', cursorShown: '1', mouse: '0' };
/** Wait until a hooked dashboard is inside process.exit, held there until release(). */
const atExit = (session: string) =>
  waitFor(
    `${session}: the dashboard to call process.exit`,
    () => existsSync(join(hooksDir(session), 'exiting')) && readFileSync(join(hooksDir(session), 'exiting'), 'utf8'),
  );
const release = (session: string) => writeFileSync(join(hooksDir(session), 'go'), '');
const nonEmpty = (text: string) => text.split('\n').filter((l) => l.trim() !== '').length;
const firstFrame = (session: string) =>
  waitFor(
    `first frame in ${session}`,
    () => {
      const c = capture(session);
      return nonEmpty(c) > 10 && /Processes/.test(c) && /CPU/.test(c) && c;
    },
    20_000,
  ); // generous: the whole suite shares two cores
const clock = (text: string) => /\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/.exec(text)?.[0];
/** What blessed printed before this was fixed: a terminfo compile error and its generated code. */
const TERMINFO_ERROR = /Error on|plab_norm|stack = \[\]|out\.push/;

beforeAll(() => {
  requireBuild();
  requireProgram('tmux');
  sb = sandbox();
  writeFileSync(join(sb.dir, 'tmux.conf'), 'set -g status off\nset -g exit-empty off\nset -g history-limit 0\n');
  script('1_tick', `n=$(cat '${join(sb.dir, 'n')}' 2>/dev/null || echo 0); n=$((n+1)); echo $n > '${join(sb.dir, 'n')}'; echo "tick$n"`);
  script('1_boom', 'echo "sensor exploded" >&2; exit 3');
  writeFileSync(
    join(sb.configDir, 'config.yaml'),
    [
      'modules:',
      '  updates: { enabled: false }', // apt-get -s takes seconds of CPU: not what these tests are about
      '  ec2-cost: { estimate_off_ec2: true }',
      '',
    ].join('\n'),
  );
  tm(['-f', join(sb.dir, 'tmux.conf'), 'start-server']);
});

afterAll(() => {
  tmuxOk(SOCKET, ['kill-server'], sb?.env);
  sb?.cleanup();
});

describe('shoji dashboard in a real terminal', () => {
  const S = 'main';

  it('draws every panel with real values, and they update', async () => {
    start(S, 'tmux-256color', 160, 48, {}, true);
    const first = await firstFrame(S);
    for (const panel of ['CPU', 'Memory', 'Network', 'Disk', 'Processes', 'EC2 cost', 'tick', 'boom', 'ip']) {
      expect(first, panel).toContain(panel);
    }
    expect(first.split('\n')[0]).toMatch(/up .*\d{4}-\d\d-\d\d \d\d:\d\d:\d\d.*\? help/);
    const full = await waitFor(
      'values in every panel',
      () => {
        const c = capture(S);
        return /CPU \d+%/.test(c) && /Mem .*\d%/.test(c) && /PID.*%CPU.*%MEM/.test(c) && /\n[│x] +\d+ +\S+ +\d+\.\d/.test(c) && /tick\d+/.test(c) && c;
      },
      20_000,
    );
    // The failing script shows its error in its own panel, the others carry on.
    expect(full).toMatch(/exited with status 3/);
    expect(full).toMatch(/sensor\b[\s\S]*\bexploded/); // its stderr, wrapped to the panel
    // EC2 cost: running total, rate per hour, 30-day projection, price source and date.
    expect(full).toMatch(/So far +~\$\d+\.\d\d/);
    expect(full).toMatch(/Per hour +\$\d+\.\d{4}/);
    expect(full).toMatch(/30 days +\$\d+\.\d\d/);
    expect(full).toMatch(/Prices +.+, \d{4}-\d\d-\d\d/);
    const tick = Number(/tick(\d+)/.exec(full)![1]);
    const time = clock(full);
    await waitFor(
      'the clock and the script to move on',
      () => {
        const c = capture(S);
        const t = /tick(\d+)/.exec(c);
        return clock(c) !== time && t && Number(t[1]) > tick;
      },
      20_000,
    );
  });

  it('? shows the help over the panels and any key closes it', async () => {
    keys(S, '?');
    await waitFor('help', () => /pause \/ resume updates/.test(capture(S)));
    keys(S, 'x');
    await waitFor('help closed', () => !/pause \/ resume updates/.test(capture(S)));
  });

  it('p pauses (the frame stops changing) and resumes', async () => {
    keys(S, 'p');
    const paused = await waitFor('PAUSED', () => {
      const c = capture(S);
      return /PAUSED/.test(c) && c;
    });
    await new Promise((r) => setTimeout(r, 1600));
    expect(clock(capture(S))).toBe(clock(paused));
    keys(S, 'p');
    await waitFor('resumed', () => {
      const c = capture(S);
      return !/PAUSED/.test(c) && clock(c) !== clock(paused);
    });
  });

  it('+ and - change the refresh interval', async () => {
    keys(S, '+');
    await waitFor('every 2s', () => /every 2s/.test(capture(S)));
    keys(S, '-');
    keys(S, '-');
    await waitFor('every 0.5s', () => /every 0\.5s/.test(capture(S)));
    keys(S, '+');
    await waitFor('every 1s', () => /every 1s/.test(capture(S)));
  });

  it('s cycles the process sort: %MEM, PID, %CPU', async () => {
    keys(S, 's');
    await waitFor('by %MEM', () => /by %MEM/.test(capture(S)) && /%MEM\*/.test(capture(S)));
    keys(S, 's');
    await waitFor('by PID', () => /by PID/.test(capture(S)));
    const pids = [...capture(S).matchAll(/\n[│x] +(\d+) /g)].map((m) => Number(m[1]));
    expect(pids.length).toBeGreaterThan(3);
    expect(pids).toEqual([...pids].sort((a, b) => a - b));
    keys(S, 's');
    await waitFor('by %CPU', () => /by %CPU/.test(capture(S)));
  });

  it('a mouse click on a column name in the process header sorts by that column', async () => {
    /** Press and release the left button at a cell (0-based), as xterm SGR mouse reports (one per write). */
    const click = (x: number, y: number) => {
      for (const end of ['M', 'm']) tm(['send-keys', '-t', S, '-l', `\u001b[<0;${x + 1};${y + 1}${end}`]);
    };
    const header = () => {
      const rows = capture(S).split('\n');
      const y = rows.findIndex((r) => /PID\*? +USER +%CPU/.test(r));
      return { y, row: rows[y] };
    };
    // Where a column name is now: the panels may move as modules' first answers come in.
    const clickOn = (name: string, offset = 0) => {
      const { y, row } = header();
      if (y > 0) click(row.indexOf(name) + offset, y);
    };
    expect(header().y).toBeGreaterThan(0);
    // Each click is sent again at every look until it shows: under load blessed may read two mouse
    // reports that arrive in one read as one, and clicking a sorted column again changes nothing.
    await waitFor('by %MEM after a click', () => {
      clickOn('%MEM', 1);
      return /by %MEM/.test(capture(S)) && /%MEM\*/.test(capture(S));
    });
    await waitFor('by PID after a click', () => {
      clickOn('PID');
      return /by PID/.test(capture(S));
    });
    await waitFor('by %CPU after a click', () => {
      clickOn('%CPU');
      return /by %CPU/.test(capture(S));
    });
    clickOn('USER'); // not a sortable column: nothing changes
    // Clicking took the focus to the process table (its first row is highlighted); a click in
    // the CPU panel takes it back there.
    const inverse = /\u001b\[(?:\d+;)*7m/;
    expect(capture(S, true)).toMatch(inverse);
    await waitFor('focus back on the CPU panel', () => {
      click(3, 3);
      return !inverse.test(capture(S, true));
    });
    expect(capture(S)).toMatch(/by %CPU/);
  });

  it('Tab moves the focus; in the process table the arrows move a highlighted row', async () => {
    const inverse = /\u001b\[(?:\d+;)*7m/;
    expect(capture(S, true)).not.toMatch(inverse);
    keys(S, 'Tab', 'Tab', 'Tab', 'Tab'); // cpu -> memory -> network -> disk -> processes
    keys(S, 'Down');
    await waitFor('a highlighted process row', () => inverse.test(capture(S, true)));
    keys(S, 'Tab');
    await waitFor('focus moved on', () => !inverse.test(capture(S, true)));
  });

  it('t cycles themes: monochrome draws without colours', async () => {
    expect(capture(S, true)).toMatch(/\u001b\[38;5;\d+m/);
    keys(S, 't');
    await waitFor('theme monochrome', () => /theme monochrome/.test(capture(S)) && !/\u001b\[38;5;\d+m/.test(capture(S, true)));
  });

  it('resizes cleanly down to 80x24 and back, and says so below the minimum', async () => {
    /**
     * Every row below the header starts and ends on a panel border (an empty stretch to the
     * right is trimmed by capture-pane): nothing is left over from the old layout.
     */
    const framed = (c: string, cols: number, rows: number) => {
      const lines = c.replace(/\n$/, '').split('\n');
      return (
        lines.length === rows &&
        lines.slice(1).every((l) => /^[│┌└].*[│┐┘]$/.test(l.trimEnd()) && [...l].length <= cols) &&
        /^└.*┘$/.test(lines[rows - 1].trimEnd())
      );
    };
    for (const [cols, rows] of [
      [80, 24],
      [200, 60],
      [100, 30],
      [160, 48],
    ]) {
      tm(['resize-window', '-t', S, '-x', String(cols), '-y', String(rows)]);
      await waitFor(`layout at ${cols}x${rows}`, () => {
        const c = capture(S);
        return /CPU \d+%/.test(c) && /Processes/.test(c) && framed(c, cols, rows);
      });
    }
    tm(['resize-window', '-t', S, '-x', '79', '-y', '23']);
    const small = await waitFor('the too-small message', () => {
      const c = capture(S);
      return /needs at least 80x24; this terminal is 79x23/.test(c) && c;
    });
    expect(small).not.toMatch(/[│┌└┐┘]|Processes|CPU/);
    tm(['resize-window', '-t', S, '-x', '80', '-y', '24']);
    await waitFor('panels again', () => {
      const c = capture(S);
      return !/needs at least/.test(c) && framed(c, 80, 24);
    });
  });

  it('q quits and gives the shell its screen back, before the process exits', async () => {
    expect(modes(S)).toEqual({ alternateScreen: '1', cursorShown: '0', mouse: '1' });
    keys(S, 'q');
    expect(await atExit(S)).toBe('0');
    // Held inside process.exit: blessed's exit handler has not run, so this is the dashboard's
    // own doing (screen.destroy() on quit): normal screen, cursor shown, mouse reporting off.
    expect(modes(S)).toEqual(RESTORED);
    expect(capture(S)).not.toMatch(/Processes|CPU \d+%/);
    release(S);
    const after = await waitFor('the exit marker', () => {
      const c = capture(S);
      return /DASHBOARD-EXITED/.test(c) && c;
    });
    expect(after).toMatch(/^DASHBOARD-EXITED 0$/m);
    expect(after).not.toMatch(/Processes|CPU \d+%/);
  });

  it('a crash restores the terminal first, then shows the error on the normal screen, and exits 1', async () => {
    const C = 'crash';
    start(C, 'tmux-256color', 120, 40, {}, true);
    await firstFrame(C);
    process.kill(Number(readFileSync(join(hooksDir(C), 'pid'), 'utf8')), 'SIGUSR2');
    expect(await atExit(C)).toBe('1');
    expect(modes(C)).toEqual(RESTORED);
    const shown = capture(C);
    expect(shown).not.toMatch(/Processes|CPU \d+%/);
    // The message and its stack, each line from the left edge: written after the terminal
    // left raw mode (in raw mode a newline does not return the carriage: a staircase).
    expect(shown).toMatch(/^shoji dashboard: Error: injected crash \(SIGUSR2 from the test\)$/m);
    expect(shown).toMatch(/^ {4}at .*dashboard-hooks\.cjs/m);
    release(C);
    const after = await waitFor('the exit marker', () => {
      const c = capture(C);
      return /DASHBOARD-EXITED/.test(c) && c;
    });
    expect(after).toMatch(/^DASHBOARD-EXITED 1$/m);
    expect(after).toMatch(/^shoji dashboard: Error: injected crash/m);
    // And the log has it, for when the terminal is gone.
    expect(readFileSync(join(sb.env.SHOJI_STATE_DIR!, 'shoji.log'), 'utf8')).toMatch(/dashboard crashed: Error: injected crash/);
  });
});

describe('every TERM a tmux user may have', () => {
  const TERMS = ['screen-256color', 'tmux-256color', 'xterm-256color', 'linux'];

  it('draws nothing but the UI from the first frame, under each TERM; Ctrl-C quits', async () => {
    // LANG=C under linux: a terminal without UTF-8 gets the ASCII graphs.
    for (const [i, term] of TERMS.entries()) start(`t${i}`, term, 160, 48, term === 'linux' ? { LANG: 'C', LC_ALL: 'C' } : {});
    await Promise.all(
      TERMS.map(async (term, i) => {
        const s = `t${i}`;
        // Every capture from the very start: only the dashboard is ever on screen.
        const seen = await waitFor(`${term}: first frame`, () => {
          const c = capture(s);
          expect(c, term).not.toMatch(TERMINFO_ERROR);
          return /Processes/.test(c) && /CPU \d+%/.test(c) && c;
        });
        expect(seen.split('\n')[0], term).toMatch(/\? help/);
        if (term === 'linux') expect(seen, 'ASCII graphs').not.toMatch(/[\u2800-\u28ff\u2580-\u259f]/);
        else expect(seen, `${term}: braille graphs`).toMatch(/[\u2800-\u28ff]/);
      }),
    );
    for (const i of TERMS.keys()) keys(`t${i}`, 'C-c');
    await Promise.all(TERMS.map((term, i) => waitFor(`${term}: exit`, () => /DASHBOARD-EXITED/.test(capture(`t${i}`)))));
    // The fix is at the root: blessed never even reported a terminfo problem to the log.
    let logText = '';
    try {
      logText = readFileSync(join(sb.env.SHOJI_STATE_DIR!, 'shoji.log'), 'utf8');
    } catch {
      // no log at all is fine
    }
    expect(logText).not.toMatch(TERMINFO_ERROR);
  });
});
