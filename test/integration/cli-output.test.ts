/**
 * What shoji prints, as a new user meets it: help and version from anywhere, bad widths
 * refused, `shoji stream` on a terminal, ASCII only under a locale that is not UTF-8, and text
 * from scripts shown with its escapes visible, never run by the terminal.
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { requireBuild, requireProgram, ROOT, runShoji, sandbox, SHOJI, type Sandbox } from '../helpers/cli.js';

let sb: Sandbox;
beforeAll(() => requireBuild());
beforeEach(() => {
  sb = sandbox();
});
afterEach(() => sb.cleanup());

function script(name: string, body: string): void {
  const dir = join(sb.configDir, 'scripts');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, name), `#!/bin/sh\n${body}\n`);
  chmodSync(join(dir, name), 0o755);
}

function config(lines: string[]): void {
  writeFileSync(join(sb.configDir, 'config.yaml'), `${lines.join('\n')}\n`);
}

/** `shoji modules` runs every module: apt's simulated upgrade would take seconds. */
const QUICK_UPDATES = ['modules:', '  updates: { command: ["true"] }'];

/** Run shoji in `cwd` rather than the repository. */
function runIn(cwd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [SHOJI, ...args], { cwd, env });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('first steps', () => {
  it("--version is shoji's own, whatever folder it runs in", async () => {
    const other = join(sb.dir, 'another-project');
    mkdirSync(other);
    writeFileSync(join(other, 'package.json'), '{"name":"another","version":"9.9.9"}\n');
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    for (const cwd of [other, sb.dir]) {
      const r = await runIn(cwd, ['--version'], sb.env);
      expect(r.code).toBe(0);
      expect(r.stdout.trim()).toBe(version);
    }
  });

  it('`shoji` alone lists the commands', async () => {
    const r = await runShoji([], sb.env);
    expect(r.code).toBe(0);
    for (const command of ['status', 'stream', 'tmux-conf', 'screen-conf', 'modules', 'config', 'dashboard', 'ec2-cost']) {
      expect(r.stdout).toMatch(new RegExp(`^ +shoji ${command}\\b`, 'm'));
    }
    expect(r.stderr).toBe('');
  });

  it('`shoji completion --help` says what the command does instead of printing the script', async () => {
    for (const flag of ['--help', '-h']) {
      const r = await runShoji(['completion', flag], sb.env);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^shoji completion\n/);
      expect(r.stdout).toContain('shoji completion >> ~/.bashrc');
      expect(r.stdout).not.toMatch(/complete -o|_shoji_yargs_completions|compdef/);
    }
    // The script itself is still there.
    expect((await runShoji(['completion'], sb.env)).stdout).toMatch(/_shoji_yargs_completions|complete -o/);
  });

  it('--width must be a sensible whole number of cells', async () => {
    config(['icons: ascii', 'right: [load]']);
    for (const bad of ['-5', '2.5', '100001', '1e9', 'wide', 'NaN']) {
      const r = await runShoji(['status', '--format', 'plain', '--width', bad], sb.env);
      expect(r.code, bad).toBe(2);
      expect(r.stderr, bad).toMatch(/^shoji: --width must be/);
      expect(r.stdout, bad).toBe('');
    }
    const zero = await runShoji(['status', '--format', 'plain', '--side', 'right', '--width', '0'], sb.env);
    expect(zero.code).toBe(0);
    expect(zero.stdout).toMatch(/^load /);
  });
});

describe('shoji dashboard --refresh', () => {
  it('takes the range the + and - keys step through', async () => {
    const { REFRESH_STEPS } = await import('../../src/dashboard/ui.js');
    const { REFRESH_RANGE } = await import('../../src/cli/dashboard.js');
    expect(REFRESH_RANGE).toEqual([REFRESH_STEPS[0], REFRESH_STEPS[REFRESH_STEPS.length - 1]]);
    for (const bad of ['0.1', '45', '3600']) {
      const r = await runShoji(['dashboard', '--refresh', bad], sb.env);
      expect(r.code, bad).toBe(2);
      expect(r.stderr, bad).toContain(`--refresh must be between 0.25 and 30 seconds (got ${bad})`);
    }
    // In range, it gets as far as wanting a terminal.
    const ok = await runShoji(['dashboard', '--refresh', '0.25'], sb.env);
    expect(ok.stderr).toMatch(/dashboard needs a terminal/);
  });
});

/** Run `shoji stream` on a terminal (a pty from script(1)) until a line with `want` arrives. */
function streamOnTerminal(env: NodeJS.ProcessEnv, want: RegExp, args = ''): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-q', '-c', `'${process.execPath}' '${SHOJI}' stream ${args}`, '/dev/null'], { env, detached: true });
    let seen = '';
    const done = (err?: Error) => {
      clearTimeout(timer);
      try {
        process.kill(-child.pid!, 'SIGTERM');
      } catch {
        // already gone
      }
      if (err) reject(err);
      else resolve(seen);
    };
    const timer = setTimeout(() => done(new Error(`no line matching ${want} from shoji stream; got ${JSON.stringify(seen)}`)), 15_000);
    child.stdout.setEncoding('latin1').on('data', (c: string) => {
      seen += c;
      if (want.test(seen)) done();
    });
  });
}

describe('shoji stream on a terminal', () => {
  beforeEach(() => requireProgram('script'));

  it('draws with terminal colours, not GNU screen escapes', async () => {
    config(['icons: ascii', 'left: [hostname]', 'right: [load]']);
    const out = await streamOnTerminal({ ...sb.env, TERM: 'xterm-256color' }, /load \d[^\n]*\n/);
    expect(out).not.toContain('\u0005');
    expect(out).toMatch(/\u001b\[38;5;\d+m/);
  });

  it('and without colour under NO_COLOR', async () => {
    // A critical segment: bold and reverse even in the monochrome theme NO_COLOR selects.
    script('1_hot', 'echo \'{"text": "hot", "state": "critical"}\'');
    config(['icons: ascii', 'left: [hostname]', 'right: [custom:hot, load]']);
    const env = { ...sb.env, TERM: 'xterm-256color', NO_COLOR: '1' };
    for (const args of ['', '--format ansi']) {
      const out = await streamOnTerminal(env, /hot.*load \d[^\n]*\n/, args);
      expect(out).not.toContain('\u0005');
      expect(out, args).not.toContain('\u001b');
    }
  });
});

describe('under a locale that is not UTF-8', () => {
  const asciiEnv = () => ({ ...sb.env, LANG: 'C', LC_ALL: '', LC_CTYPE: '' });

  it('nothing shoji prints has a byte above 0x7f', async () => {
    // Unicode icons chosen explicitly, a script that prints and fails in other scripts, a
    // theme problem: every kind of text shoji prints.
    script('1_cafe', "printf 'caf\\303\\251 \\342\\207\\241 \\344\\270\\255\\n'");
    script('1_grumpy', "printf 'se\\303\\261or \\342\\200\\224 no\\n' >&2; exit 4");
    config([
      'icons: unicode',
      'left: [hostname]',
      'right: [custom, updates, load, datetime]',
      'max_width: 30',
      'modules:',
      '  updates: { command: [printf, "Inst a\\nInst b\\n"] }',
    ]);
    const runs = [
      [],
      ['--help'],
      ['status', '--help'],
      ['ec2-cost', '--help'],
      ['status', '--format', 'plain'],
      ['status', '--format', 'tmux'],
      ['status', '--format', 'screen'],
      ['status', '--format', 'ansi'],
      ['status', '--format', 'json'],
      ['status', '--format', 'plain', '--explain'],
      ['status', '--detail'],
      ['modules'],
      ['modules', '--json'],
      ['collect', 'custom:cafe', 'custom:grumpy'],
      ['tmux-conf'],
      ['screen-conf'],
      ['completion', '--help'],
      ['status', '--format', 'html'],
    ];
    for (const args of runs) {
      const r = await runShoji(args, asciiEnv());
      const text = r.stdout + r.stderr;
      expect(text.length, args.join(' ')).toBeGreaterThan(0);
      const bad = [...text].filter((c) => c.charCodeAt(0) > 0x7f);
      expect(bad.join(''), `shoji ${args.join(' ')}: ${text}`).toBe('');
    }
    // The line in ASCII: the script's text as far as it goes, icons from the ascii set.
    const line = await runShoji(['status', '--format', 'plain', '--side', 'right', '--width', '0'], asciiEnv());
    expect(line.stdout).toMatch(/^caf\? \? \? !custom:grumpy upd 2 ld \d/);
    // JSON loses nothing: other characters are \u escapes.
    const json = await runShoji(['status', '--format', 'json', '--side', 'right'], asciiEnv());
    const cafe = (JSON.parse(json.stdout).right as { id: string; text: string }[]).find((s) => s.id === 'custom:cafe');
    expect(cafe?.text).toBe('café ⇡ 中');
  });

  it('a UTF-8 locale keeps the characters', async () => {
    script('1_cafe', "printf 'caf\\303\\251\\n'");
    config(['icons: ascii', 'right: [custom]']);
    const r = await runShoji(['status', '--format', 'plain', '--side', 'right'], sb.env);
    expect(r.stdout).toContain('café');
  });
});

describe('text from outside, printed to a terminal', () => {
  // A script whose stderr sets the terminal's title and clears the screen.
  const HOSTILE = '\\033]0;TITLE\\007\\033[2J';
  const SHOWN = '\\x1b]0;TITLE\\x07\\x1b[2J';

  beforeEach(() => {
    script('1_evil', `printf '${HOSTILE}oops\\n' >&2; exit 1`);
    script('1_noisy', `printf 'ok${HOSTILE}\\n'`);
    config(['icons: ascii', 'right: [custom:evil, custom:noisy, load]', ...QUICK_UPDATES]);
  });

  const noEscapes = (text: string) => {
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
  };

  it('status --explain and --detail show escapes, never send them', async () => {
    const explain = await runShoji(['status', '--format', 'plain', '--explain'], sb.env);
    expect(explain.stderr).toContain(`right: custom:evil: failed: exited with status 1: ${SHOWN}oops`);
    noEscapes(explain.stdout + explain.stderr);
    const detail = await runShoji(['status', '--detail'], sb.env);
    expect(detail.stdout).toContain(`custom:evil: FAILED (exited with status 1: ${SHOWN}oops)`);
    expect(detail.stdout).toContain(`custom:noisy: ok${SHOWN}`);
    noEscapes(detail.stdout + detail.stderr);
  });

  it('shoji modules and shoji collect show escapes, never send them', async () => {
    const modules = await runShoji(['modules'], sb.env);
    expect(modules.stdout).toMatch(new RegExp(`custom:evil .*FAILED: exited with status 1: ${SHOWN.replace(/[\\[\]]/g, '\\$&')}oops`));
    expect(modules.stdout).toContain(`ok${SHOWN}`);
    noEscapes(modules.stdout + modules.stderr);
    const collect = await runShoji(['collect', 'custom:evil', 'custom:noisy'], sb.env);
    expect(collect.stdout).toContain(`custom:evil: FAILED: exited with status 1: ${SHOWN}oops`);
    noEscapes(collect.stdout + collect.stderr);
  });

  it('an option quoting escapes is refused with them shown', async () => {
    const r = await runShoji(['status', '--format', '\u001b]0;x\u0007'], sb.env);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('\\x1b]0;x\\x07');
    noEscapes(r.stderr);
  });
});

describe('shoji modules: text and JSON say the same', () => {
  it('a config problem is in both', async () => {
    config(['icons: ascii', 'right: [load]', ...QUICK_UPDATES, 'bogus: 1']);
    const text = await runShoji(['modules'], sb.env);
    expect(text.stdout).toMatch(/config problem \(defaults in use\): .*config\.yaml:5:1: bogus: unknown key/);
    const json = JSON.parse((await runShoji(['modules', '--json'], sb.env)).stdout) as { problems: { kind: string; message: string }[] };
    expect(json.problems).toEqual([expect.objectContaining({ kind: 'config', message: expect.stringMatching(/config\.yaml:5:1: bogus: unknown key/) })]);
  });

  it('a plugin problem is in both', async () => {
    const plugins = join(sb.configDir, 'plugins');
    mkdirSync(plugins, { recursive: true });
    writeFileSync(join(plugins, 'broken.mjs'), 'export default {;\n');
    config(['icons: ascii', 'right: [load]', ...QUICK_UPDATES]);
    const text = await runShoji(['modules'], sb.env);
    const lines = text.stdout.split('\n').filter((l) => l.startsWith('plugin problem: '));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('broken.mjs');
    const json = JSON.parse((await runShoji(['modules', '--json'], sb.env)).stdout) as { problems: { kind: string; file: string }[] };
    expect(json.problems).toEqual([expect.objectContaining({ kind: 'plugin', file: expect.stringContaining('broken.mjs') })]);
  });
});
