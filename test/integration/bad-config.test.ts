/**
 * A config or theme that is broken, hostile or absurd, as the built shoji meets it: `shoji
 * status` still prints a line (the defaults, with a `config` failure segment) and exits 0,
 * and `shoji config check` names the file, line and key.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { requireBuild, runShoji, sandbox, type Sandbox } from '../helpers/cli.js';

let sb: Sandbox;
let config: string;
beforeAll(() => requireBuild());
beforeEach(() => {
  sb = sandbox();
  config = join(sb.configDir, 'config.yaml');
});
afterEach(() => sb.cleanup());

function billionLaughs(): string {
  const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
  for (let i = 1; i < 12; i++)
    lines.push(
      `l${i}: &l${i} [${Array(10)
        .fill(i === 1 ? '*a' : `*l${i - 1}`)
        .join(', ')}]`,
    );
  return `${lines.join('\n')}\n`;
}

async function expectLineWithConfigSegment(format: string): Promise<void> {
  const r = await runShoji(['status', '--format', format, '--side', 'right'], sb.env);
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout).toContain('config');
  expect(r.stdout.trim().split('\n')).toHaveLength(1);
}

describe('a config that cannot be used', () => {
  it('an alias bomb: a line with the config segment, and a located error from config check', async () => {
    writeFileSync(config, billionLaughs());
    await expectLineWithConfigSegment('plain');
    const r = await runShoji(['config', 'check'], sb.env);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `${config}:3:10: aliases nested in aliases would expand this config without bound (more than 100 expansions); write the values out instead\n`,
    );
  });

  it('a file over 1 MiB: a line with the config segment, and config check names the file', async () => {
    writeFileSync(config, `# ${'x'.repeat(2 * 1024 * 1024)}\n`);
    await expectLineWithConfigSegment('tmux');
    const r = await runShoji(['config', 'check'], sb.env);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^${config.replace(/[.]/g, '\\.')}: the file is \\d+ bytes; a config may be at most 1048576 \\(1 MiB\\)\\n$`));
  });

  it('intervals that never fire or overflow: config check names file, line and key', async () => {
    writeFileSync(config, 'modules:\n  load:\n    interval: "0"\n  cpu:\n    interval: "0 0 30 2 *"\n  uptime:\n    interval: .inf\n');
    await expectLineWithConfigSegment('plain');
    const r = await runShoji(['config', 'check'], sb.env);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([
      `${config}:3:15: modules.load.interval: must be more than 0 seconds (got "0"); "once" runs a module only at start`,
      `${config}:5:15: modules.cpu.interval: not a usable cron expression ("0 0 30 2 *"): it never fires (no such date)`,
      `${config}:7:15: modules.uptime.interval: must be a finite number of seconds (got .inf)`,
    ]);
  });

  it('a YAML syntax error at its line, with no dangling position at the end', async () => {
    writeFileSync(config, 'icons: ascii\nmodules:\n  cpu:\n\twarning: 3\n');
    const r = await runShoji(['config', 'check'], sb.env);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`${config}:4:1: Tabs are not allowed as indentation\n`);
  });
});

describe('a theme that cannot be used', () => {
  const theme = (text: string) => {
    mkdirSync(join(sb.configDir, 'themes'), { recursive: true });
    writeFileSync(join(sb.configDir, 'themes', 'mine.json'), text);
    writeFileSync(config, 'theme: mine\nicons: ascii\nright: [load, uptime]\n');
  };

  it.each(['tmux', 'screen', 'plain', 'ansi'])('"fg": true and "separator": 5: %s still prints the line, with the config segment', async (format) => {
    theme('{\n  "name": "mine",\n  "separator": 5,\n  "states": {"idle": {"fg": true}}\n}\n');
    await expectLineWithConfigSegment(format);
  });

  it('config check names the theme file, line, column and key of each problem', async () => {
    theme('{\n  "name": "mine",\n  "separator": 5,\n  "states": {"idle": "red", "warning": {"fg": 999}}\n}\n');
    const r = await runShoji(['config', 'check'], sb.env);
    expect(r.code).toBe(1);
    const file = join(sb.configDir, 'themes', 'mine.json');
    expect(r.stderr.trim().split('\n')).toEqual([
      `${file}:3:16: separator: must be text, e.g. " " or " | " (got 5)`,
      `${file}:4:22: states.idle: must be an object like {"fg": "red", "bold": true} (got "red")`,
      `${file}:4:47: states.warning.fg: a colour number is 0-255 (got 999)`,
    ]);
    // --explain gives each problem a line of its own too (not one line with \n in it).
    const explained = await runShoji(['status', '--explain'], sb.env);
    expect(explained.stdout + explained.stderr).toContain(`theme: ${file}:3:16: separator: must be text, e.g. " " or " | " (got 5)\n`);
    expect(explained.stdout + explained.stderr).not.toContain('\\n');
  });
});
