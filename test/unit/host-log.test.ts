/**
 * shoji's log (src/host/log.ts): where it goes, what a line looks like, control characters
 * written escaped, cut in half once it passes 1 MiB (and not at exactly 1 MiB), never written
 * through a symlink, and never throwing.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { log, logFile } from '../../src/host/log.js';

const MiB = 1024 * 1024;

describe("shoji's log", () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'shoji-log-'));
    env = { HOME: dir, SHOJI_STATE_DIR: join(dir, 'state'), SHOJI_LOG: join(dir, 'logs', 'shoji.log') };
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is SHOJI_LOG when set, else shoji.log in the state folder', () => {
    expect(logFile(env)).toBe(join(dir, 'logs', 'shoji.log'));
    expect(logFile({ ...env, SHOJI_LOG: '' })).toBe(join(dir, 'state', 'shoji.log'));
  });

  it('writes a timestamped line with the pid, control characters escaped', () => {
    log(env, 'first \x1b[31mred\x07');
    log(env, 'second\nline two');
    const text = readFileSync(logFile(env), 'utf8');
    const lines = text.split('\n');
    expect(lines[0]).toMatch(new RegExp(`^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z \\[${process.pid}\\] first \\\\x1b\\[31mred\\\\x07$`));
    expect(lines[1]).toMatch(new RegExp(`Z \\[${process.pid}\\] second$`));
    expect(lines[2]).toBe('line two');
    expect(text.endsWith('line two\n')).toBe(true);
    expect(text).not.toContain('\x1b');
    expect(statSync(logFile(env)).mode & 0o777).toBe(0o600);
  });

  it('keeps a log of exactly 1 MiB whole, and cuts one byte more to its second half', () => {
    mkdirSync(join(dir, 'logs'), { mode: 0o700 });
    const file = logFile(env);
    const probe = join(dir, 'probe.log');
    log({ ...env, SHOJI_LOG: probe }, 'x');
    const lineLength = statSync(probe).size;
    // A file that reaches exactly 1 MiB with the next line: kept as it is.
    writeFileSync(file, 'a'.repeat(MiB - lineLength));
    log(env, 'x');
    expect(statSync(file).size).toBe(MiB);
    // One byte more: the oldest half goes, the newest line stays.
    writeFileSync(file, `${'a'.repeat(MiB / 2)}${'b'.repeat(MiB / 2 - lineLength + 1)}`);
    log(env, 'x');
    const text = readFileSync(file, 'utf8');
    expect(text.length).toBe(MiB / 2 + 1);
    expect(text.startsWith('b')).toBe(true);
    expect(text.endsWith(' x\n')).toBe(true);
  });

  it('cuts by characters, never inside one, and keeps the newer half', () => {
    mkdirSync(join(dir, 'logs'), { mode: 0o700 });
    const file = logFile(env);
    // 600,000 ASCII characters, then 300,000 two-byte ones: past 1 MiB in bytes.
    writeFileSync(file, `${'a'.repeat(600_000)}${'é'.repeat(300_000)}`);
    log(env, 'x');
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain('\ufffd');
    expect(text.startsWith('a')).toBe(true);
    expect(text.split('é').length - 1).toBe(300_000);
    expect(text.endsWith(' x\n')).toBe(true);
  });

  it('closes the files it opens', () => {
    const open = () => readdirSync('/proc/self/fd').length;
    log(env, 'warm up');
    const before = open();
    for (let i = 0; i < 20; i++) log(env, `line ${i}`);
    mkdirSync(join(dir, 'big'), { mode: 0o700 });
    const big = { ...env, SHOJI_LOG: join(dir, 'big', 'shoji.log') };
    writeFileSync(big.SHOJI_LOG, 'a'.repeat(MiB));
    log(big, 'cut');
    expect(statSync(big.SHOJI_LOG).size).toBeLessThan(MiB);
    expect(open()).toBe(before);
  });

  it('never writes through a symlink, and never throws', () => {
    mkdirSync(join(dir, 'logs'), { mode: 0o700 });
    const victim = join(dir, 'victim.txt');
    writeFileSync(victim, 'mine\n');
    symlinkSync(victim, logFile(env));
    expect(() => log(env, 'hello')).not.toThrow();
    expect(readFileSync(victim, 'utf8')).toBe('mine\n');
  });

  it('never throws when the folder cannot be made', () => {
    writeFileSync(join(dir, 'logs'), 'a file where the folder should be');
    expect(() => log(env, 'hello')).not.toThrow();
    expect(readFileSync(join(dir, 'logs'), 'utf8')).toBe('a file where the folder should be');
  });
});
