/** The parser of the hot paths (`shoji status`, `ec2-cost`, the daemons): strict, GNU style. */
import { describe, expect, it } from 'vitest';
import { ec2CostCommand } from '../../src/cli/ec2-cost.js';
import { parseFast, type CommandSpec } from '../../src/cli/spec.js';
import { statusCommand } from '../../src/cli/status.js';

const spec: CommandSpec = {
  command: 'try [file]',
  describe: 'a spec with every kind of option',
  positionals: ['file'],
  options: {
    detail: { type: 'boolean', default: false, describe: '', alias: 'd' },
    json: { type: 'boolean', describe: '' },
    region: { type: 'string', describe: '', alias: 'r' },
    side: { type: 'string', choices: ['left', 'right'], default: 'left', describe: '' },
    uptime: { type: 'number', describe: '' },
    tag: { type: 'string', array: true, describe: '' },
  },
  run: async () => 0,
};

const usage = (argv: string[]) => {
  try {
    parseFast(spec, argv);
  } catch (err) {
    expect((err as Error).name).toBe('UsageError');
    return (err as Error).message;
  }
  throw new Error(`parsed without an error: ${argv.join(' ')}`);
};

describe('parseFast', () => {
  it('defaults when nothing is given', () => {
    expect(parseFast(spec, [])).toEqual({ _: [], detail: false, json: undefined, region: undefined, side: 'left', uptime: undefined, tag: undefined });
  });

  it('--name value, --name=value, flags, --no-flag, one-letter aliases', () => {
    const a = parseFast(spec, ['--region', 'eu-west-1', '--side=right', '--json', '--no-detail', '--uptime', '3600']);
    expect(a).toMatchObject({ region: 'eu-west-1', side: 'right', json: true, detail: false, uptime: 3600 });
    expect(parseFast(spec, ['-d', '-r', 'us-east-2'])).toMatchObject({ detail: true, region: 'us-east-2' });
    expect(parseFast(spec, ['--region=a=b'])).toMatchObject({ region: 'a=b' });
    expect(parseFast(spec, ['--region='])).toMatchObject({ region: '' });
  });

  it('the last of a repeated option wins; an array option keeps them all', () => {
    expect(parseFast(spec, ['--region', 'a', '--region', 'b'])).toMatchObject({ region: 'b' });
    expect(parseFast(spec, ['--tag', 'a', '--tag=b'])).toMatchObject({ tag: ['a', 'b'] });
    expect(parseFast(spec, ['--json', '--no-json'])).toMatchObject({ json: false });
  });

  it('a negative number is a value, so the option itself can say what is wrong with it', () => {
    expect(parseFast(spec, ['--uptime', '-5'])).toMatchObject({ uptime: -5 });
    expect(parseFast(spec, ['--region', '-.5'])).toMatchObject({ region: '-.5' });
    expect(parseFast(ec2CostCommand, ['--uptime', '-5'])).toMatchObject({ uptime: '-5' });
  });

  it('positionals, and everything after -- as one', () => {
    expect(parseFast(spec, ['f.yaml', '--json'])).toMatchObject({ _: ['f.yaml'], file: 'f.yaml', json: true });
    expect(parseFast(spec, ['--', '--json', '-'])).toMatchObject({ _: ['--json', '-'], file: '--json', json: undefined });
    expect(parseFast(spec, ['-'])).toMatchObject({ _: ['-'], file: '-' });
  });

  it('bad input is a usage error naming the option', () => {
    expect(usage(['--colour'])).toBe('unknown option --colour');
    expect(usage(['--colour=red'])).toBe('unknown option --colour');
    expect(usage(['-x'])).toBe('unknown option -x');
    expect(usage(['-dr'])).toBe('unknown option -dr');
    expect(usage(['--no-region'])).toBe('unknown option --no-region');
    expect(usage(['--no-json=1'])).toBe('unknown option --no-json');
    expect(usage(['--region'])).toBe('--region needs a value');
    expect(usage(['--region', '--json'])).toBe('--region needs a value');
    expect(usage(['-r'])).toBe('-r needs a value');
    expect(usage(['--json=yes'])).toBe('--json takes no value (--no-json turns it off)');
    expect(usage(['--side', 'middle'])).toBe('--side must be one of left, right (got "middle")');
    expect(usage(['--uptime', 'soon'])).toBe('--uptime must be a number (got "soon")');
    expect(usage(['--uptime='])).toBe('--uptime must be a number (got "")');
  });

  it('parses the real commands’ options', () => {
    expect(parseFast(statusCommand, ['--format', 'tmux', '--side', 'right', '--width', '80'])).toMatchObject({
      format: 'tmux',
      side: 'right',
      width: 80,
      explain: false,
    });
    expect(parseFast(ec2CostCommand, ['--detail', '--no-free-tier', '--ebs-gb', '100', '--instance-type=m7i.large'])).toMatchObject({
      detail: true,
      'free-tier': false,
      // a string: ec2-cost reads its numbers with its own strict parser (src/ec2/inputs.ts)
      'ebs-gb': '100',
      'ebs-type': 'gp3',
      'instance-type': 'm7i.large',
    });
  });
});

describe('a string option whose value may be left out (optionalValue)', () => {
  const optional: CommandSpec = { ...spec, options: { ...spec.options, refresh: { type: 'string', optionalValue: true, describe: '' } } };
  it("is '' without a value, at the end or before another option, as yargs gives it", () => {
    expect(parseFast(optional, ['--refresh']).refresh).toBe('');
    expect(parseFast(optional, ['--refresh', '--region', 'eu-west-1'])).toMatchObject({ refresh: '', region: 'eu-west-1' });
    expect(parseFast(optional, ['--refresh=']).refresh).toBe('');
  });
  it('takes a value when one follows', () => {
    expect(parseFast(optional, ['--refresh', 'index.json']).refresh).toBe('index.json');
    expect(parseFast(optional, ['--refresh=api']).refresh).toBe('api');
  });
  it('leaves the other string options needing their value', () => {
    expect(() => parseFast(optional, ['--refresh', '--region'])).toThrow('--region needs a value');
  });
});
