/**
 * The status line in a real tmux server configured from `shoji tmux-conf`, read as a person
 * sees it (a client attached inside another tmux's pane, read with capture-pane).
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireBuild, requireProgram, runShoji, sandbox, waitFor, type Sandbox } from '../helpers/cli.js';
import { attachViewer, startShojiTmux, tmux, tmuxOk, type Viewer } from '../helpers/tmux.js';

const SOCKET = `shoji-it-${process.pid}`;

function script(sb: Sandbox, name: string, body: string): void {
  const dir = join(sb.configDir, 'scripts');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, name), `#!/bin/sh\n${body}\n`);
  chmodSync(join(dir, name), 0o755);
}

function daemonPids(): number[] {
  return readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        // Whole arguments: a daemon of another tmux server whose pid merely contains this one's
        // (14915 for 491) is not this server's.
        const args = readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0');
        const at = args.indexOf('--server-pid');
        return args.includes('tmux-daemon') && at >= 0 && args[at + 1] === serverPid;
      } catch {
        return false;
      }
    })
    .map(Number);
}

let sb: Sandbox;
let viewer: Viewer;
let serverPid = '';
const pwned = () => join(sb.dir, 'pwned');

beforeAll(async () => {
  requireBuild();
  requireProgram('tmux');
  sb = sandbox();
  // Outside text that tries every way in: a job, a style, a format, a screen escape.
  writeFileSync(join(sb.dir, 'payload'), `P<#(touch ${join(sb.dir, 'pwned')})> #[fg=red]RED #{host} ##x ##`);
  script(sb, '1_payload', `cat '${join(sb.dir, 'payload')}'`);
  script(sb, '1_tick', `n=$(cat '${join(sb.dir, 'n')}' 2>/dev/null || echo 0); n=$((n+1)); echo $n > '${join(sb.dir, 'n')}'; echo "tick$n"`);
  script(sb, '1_hang', 'sleep 600');
  script(sb, '1_boom', 'echo "sensor exploded" >&2; exit 3');
  writeFileSync(
    join(sb.configDir, 'config.yaml'),
    [
      'icons: ascii',
      'left: [hostname]',
      'right: [custom:payload, custom:tick, custom:hang, custom:boom, load, uptime]',
      'modules:',
      '  custom:hang: { timeout: 1 }',
      '',
    ].join('\n'),
  );
  ({ serverPid, viewer } = await startShojiTmux(SOCKET, sb));
});

afterAll(() => {
  viewer?.kill();
  tmuxOk(SOCKET, ['kill-server'], sb?.env);
  sb?.cleanup();
});

describe('tmux status line', () => {
  it('shows the modules, with outside text literally and nothing run', async () => {
    const line = await waitFor('status line with the payload', () => {
      const l = viewer.statusLine();
      return l.includes('P<') && l.includes('load') ? l : undefined;
    });
    expect(line, line).toContain(`P<#(touch ${join(sb.dir, 'pwned')})> #[fg=red]RED #{host} ##x ## tick`);
    expect(existsSync(pwned())).toBe(false);
    // The payload's "RED" is not drawn red: no red SGR right before it.
    expect(viewer.capture(true)).not.toMatch(/\u001b\[(?:[0-9;]*;)?31m[^\u001b]*RED/);
  });

  it('updates as values change', async () => {
    const first = Number(/tick(\d+)/.exec(viewer.statusLine())?.[1]);
    expect(first).toBeGreaterThan(0);
    await waitFor('tick to advance', () => Number(/tick(\d+)/.exec(viewer.statusLine())?.[1]) > first + 1, 8000);
  });

  it('survives a module that hangs and one that throws: both marked failed, the rest drawn', async () => {
    const line = await waitFor('failure markers', () => {
      const l = viewer.statusLine();
      return l.includes('!custom:hang') && l.includes('!custom:boom') ? l : undefined;
    });
    expect(line).toMatch(/load \d/);
    expect(line).toMatch(/up \d/);
    const modules = await runShoji(['modules'], sb.env);
    expect(modules.stdout).toMatch(/custom:boom .*FAILED: exited with status 3: sensor exploded/);
    expect(modules.stdout).toMatch(/custom:hang .*FAILED: no answer within 1000 ms/);
    expect(modules.stdout).toMatch(/values from: tmux daemon \d+/);
  });

  it('runs exactly one daemon for the server', async () => {
    await waitFor('daemon', () => daemonPids().length > 0);
    // A second client attaches: still one daemon.
    const second = attachViewer(SOCKET, 't', sb.env, 120, 8);
    try {
      // Narrower, so its line is fitted to 120 columns by the same daemon.
      await waitFor('second client drawn', () => /tick\d+/.test(second.statusLine()));
      expect(daemonPids()).toHaveLength(1);
    } finally {
      second.kill();
    }
  });

  it('applies a config edit without restarting tmux', async () => {
    writeFileSync(join(sb.configDir, 'config.yaml'), ['icons: ascii', 'left: [hostname]', 'right: [custom:tick, processes]', ''].join('\n'));
    const line = await waitFor(
      'new layout',
      () => {
        const l = viewer.statusLine();
        return l.includes('procs ') && !l.includes('P<') ? l : undefined;
      },
      15_000,
    );
    expect(line).toMatch(/tick\d+/);
  });

  it('shows a broken config as a failure and keeps the last good line', async () => {
    writeFileSync(join(sb.configDir, 'config.yaml'), 'right: [custom:tick, processes]\nmodules:\n  cpu:\n    per_cor: true\n');
    const line = await waitFor(
      'config failure marker',
      () => {
        const l = viewer.statusLine();
        return l.includes('!config') ? l : undefined;
      },
      15_000,
    );
    expect(line).toContain('procs ');
    const check = await runShoji(['config', 'check'], sb.env);
    expect(check.code).toBe(1);
    expect(check.stderr).toContain(`${join(sb.configDir, 'config.yaml')}:4:5: modules.cpu.per_cor: unknown key for module cpu`);
  });

  it('fits the right side to each client: a narrow one drops the lowest priority, not the window list', async () => {
    script(sb, '1_wide', `echo "wide-${'w'.repeat(60)}"`);
    writeFileSync(
      join(sb.configDir, 'config.yaml'),
      ['icons: ascii', 'left: [hostname]', 'right: [custom:wide, custom:tick, uptime]', 'modules:', '  custom:wide: { priority: 1 }', ''].join('\n'),
    );
    // The 200-column client has room for everything.
    await waitFor('wide segment on the wide client', () => /wide-w{60} .*tick\d+ .*up \d/.test(viewer.statusLine()), 15_000);
    const narrow = attachViewer(SOCKET, 't', sb.env, 80, 8);
    try {
      const line = await waitFor('narrow client fitted', () => {
        const l = narrow.statusLine();
        return /tick\d+/.test(l) && /up \d/.test(l) && !l.includes('wide-') ? l : undefined;
      });
      expect(line).toMatch(/^\[t\] \S+ +0:/); // session, hostname, then the window list
      // Both clients are served by the one daemon, each with its own line.
      expect(viewer.statusLine()).toMatch(/wide-w{60}/);
      expect(daemonPids()).toHaveLength(1);
    } finally {
      narrow.kill();
    }
  });

  it('at 80 columns the clock stays, and no cells stay blank where a dropped segment would fit', async () => {
    const before = readFileSync(join(sb.configDir, 'config.yaml'), 'utf8');
    script(sb, '1_me', 'echo me');
    script(sb, '1_aaa', `echo ${'a'.repeat(30)}`);
    script(sb, '1_bbb', `echo ${'b'.repeat(20)}`);
    script(sb, '1_ccc', `echo ${'c'.repeat(8)}`);
    // The filler keeps the default priority of scripts; the clock its own, the highest.
    writeFileSync(
      join(sb.configDir, 'config.yaml'),
      ['icons: ascii', 'left: [custom:me]', 'right: [custom:aaa, custom:bbb, custom:ccc, datetime]', ''].join('\n'),
    );
    // A session of its own with a window named as tmux's room estimate assumes ("bash").
    tmux(SOCKET, ['new-session', '-d', '-s', 'n', '-n', 'bash', '-x', '80', '-y', '8'], sb.env);
    const clients: Viewer[] = [];
    const CLOCK = /\d{4}-\d\d-\d\d \d\d:\d\d$/;
    try {
      for (const width of [80, 40]) {
        const client = attachViewer(SOCKET, 'n', sb.env, width, 8);
        clients.push(client);
        const line = await waitFor(
          `the ${width}-column line`,
          () => {
            const l = client.statusLine();
            return l.startsWith('[n] me 0:bash* ') && CLOCK.test(l) && l.includes('cccccccc') ? l : undefined;
          },
          15_000,
        );
        // Drawn to the last column, the window list whole, the clock last and whole.
        expect(line.length, line).toBe(width);
        const fillers = { aaa: 'a'.repeat(30), bbb: 'b'.repeat(20), ccc: 'c'.repeat(8) };
        const shown = Object.values(fillers).filter((f) => line.includes(` ${f} `));
        const dropped = Object.values(fillers).filter((f) => !line.includes(f));
        expect(shown.length + dropped.length, line).toBe(3); // none cut
        expect(dropped.length, line).toBeGreaterThan(0);
        // The blank between the window list and the right side: one separating space, and
        // less than any dropped segment (with its separator) would take.
        const blank = /^\[n\] me 0:bash\*( +)/.exec(line)![1].length;
        for (const d of dropped) expect(blank - 1, `${line}: ${d.length} cells would fit in the blank`).toBeLessThan(d.length + 1);
      }
      expect(clients[1].statusLine()).toMatch(/ c{8} \d{4}-/); // 40 columns: the clock and the one that still fits
    } finally {
      for (const c of clients) c.kill();
      tmuxOk(SOCKET, ['kill-session', '-t', 'n'], sb.env);
      writeFileSync(join(sb.configDir, 'config.yaml'), before);
    }
  });

  it('heals when the daemon is killed: a new one starts and the fitted lines move again', async () => {
    const [old] = daemonPids();
    process.kill(old, 'SIGKILL');
    await waitFor('a new daemon', () => daemonPids().some((p) => p !== old), 15_000);
    const tick = () => Number(/tick(\d+)/.exec(viewer.statusLine())?.[1] ?? 0);
    const now = tick();
    await waitFor('tick advancing after the restart', () => tick() > now + 1, 15_000);
    expect(daemonPids()).toHaveLength(1);
  });

  it('the daemon ends when its tmux server ends', async () => {
    const pids = daemonPids();
    expect(pids.length).toBe(1);
    viewer.kill();
    tmux(SOCKET, ['kill-server'], sb.env);
    await waitFor('daemon exit', () => daemonPids().length === 0, 8000);
    expect(existsSync(join(sb.env.SHOJI_RUNTIME_DIR!, `tmux-${serverPid}`))).toBe(false);
  });
});
