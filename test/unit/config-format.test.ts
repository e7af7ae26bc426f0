/**
 * `format` and `format_short` in config.yaml, checked as the config loads (config-validate.ts):
 * a template that does not parse, a placeholder the module does not publish and a spec that does
 * not suit its field are each one problem naming the file, the line and the key; datetime's own
 * strftime `format` stays its own; a module without a data declaration has its names unchecked.
 */
import { describe, expect, it } from 'vitest';
import { BUILTIN_MODULES } from '../../src/app/builtins.js';
import { ConfigError, formatProblem, moduleOptions, type ModuleSchemas } from '../../src/core/config.js';
import { validateConfigText } from '../../src/core/config-validate.js';
import type { DataDeclaration } from '../../src/core/contract.js';

const FILE = '/c/config.yaml';
const SCHEMAS: ModuleSchemas = {
  schemas: new Map([
    ...BUILTIN_MODULES.map((m) => [m.id, m.options.schema] as const),
    ['myplugin', { type: 'object', properties: {}, additionalProperties: false }],
  ]),
  data: new Map(BUILTIN_MODULES.filter((m) => m.data).map((m) => [m.id, m.data as DataDeclaration])),
  layoutAliases: ['custom'],
};

async function problemsOf(lines: string[]): Promise<string[]> {
  try {
    await validateConfigText(`${lines.join('\n')}\n`, FILE, SCHEMAS);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems.map(formatProblem);
  }
  return [];
}

describe('format and format_short in config.yaml', () => {
  it('accepts placeholders each module publishes, with specs that suit them', async () => {
    expect(
      await problemsOf([
        'modules:',
        '  memory: { format: "M {used}/{total} {ratio:.1%} {ratio:spark}", format_short: "{ratio}" }',
        '  cpu:',
        '    format: "cpu {total:>4} {total:spark12}[ {cores.0}]"',
        '  network: { format: "{rx:>7} {tx:>7.1K}" }',
        '  disk: { format: "{mounts.0.mount} {mounts.0.used:.1G}" }',
        '  battery: { format: "{percent}[ {seconds}]" }',
      ]),
    ).toEqual([]);
  });

  it('names the file, line, column and key of an unknown placeholder, and what the module has', async () => {
    expect(await problemsOf(['theme: default', 'modules:', '  memory:', '    format: "M {usd}"'])).toEqual([
      `${FILE}:4:13: modules.memory.format: {usd}: the module has no field "usd" (fields: total, used, available, ratio, cgroup) (at character 3)`,
    ]);
  });

  it('names a template that does not parse, and a spec that does not suit its field', async () => {
    expect(await problemsOf(['modules:', '  memory:', '    format_short: "{ratio:spark"', '  battery:', '    format: "{status:spark} {batteries}"'])).toEqual([
      `${FILE}:3:19: modules.memory.format_short: "{" is not closed by "}" (write \\{ for a brace) (at character 1)`,
      `${FILE}:5:13: modules.battery.format: {status}: a sparkline needs a number; "status" is text (at character 1)`,
      `${FILE}:5:13: modules.battery.format: {batteries}: "batteries" is a list of rows: name a row's field (batteries.0.name) (at character 16)`,
    ]);
  });

  it('refuses a format that is not text, as any wrong type', async () => {
    expect(await problemsOf(['modules:', '  memory:', '    format: 5'])).toEqual([`${FILE}:3:13: modules.memory.format: must be string`]);
  });

  it("keeps datetime's own strftime format: no placeholders checked there, and passed to the module as its option", async () => {
    expect(await problemsOf(['modules:', '  datetime: { format: "%H:%M {not a placeholder}" }'])).toEqual([]);
    // Its format_short is the host's, with datetime's data.
    expect(await problemsOf(['modules:', '  datetime:', '    format_short: "{nosuch}"'])).toEqual([
      `${FILE}:3:19: modules.datetime.format_short: {nosuch}: the module has no field "nosuch" (fields: format, utc, epochMs) (at character 1)`,
    ]);
    const datetime = BUILTIN_MODULES.find((m) => m.id === 'datetime')!;
    const own = datetime.options.schema.properties as object;
    expect(moduleOptions({ format: '%Y' }, { format: '%H', format_short: '{epochMs}' }, own)).toEqual({ format: '%H' });
    // A module that does not declare it: the host's key, never passed to the module.
    expect(moduleOptions({}, { format: '{used}' }, {})).toEqual({});
  });

  it("checks no names for a module that declares no data (a user's plugin may not), but still parses the template", async () => {
    expect(await problemsOf(['modules:', '  myplugin: { format: "{anything} {at.all}" }'])).toEqual([]);
    expect(await problemsOf(['modules:', '  myplugin: { format: "{anything" }'])).toEqual([
      `${FILE}:2:23: modules.myplugin.format: "{" is not closed by "}" (write \\{ for a brace) (at character 1)`,
    ]);
  });
});
