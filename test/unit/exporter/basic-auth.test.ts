/**
 * Basic auth against bcrypt hashes as exporter-toolkit does it: right, wrong and missing
 * credentials, a success remembered so a scraper pays bcrypt once (and guesses cannot push it
 * out), an unknown user checked against a stand-in hash as costly as the configured ones, and a
 * bounded queue of bcrypt checks that a remembered scraper never waits in. Real bcrypt (cost 4:
 * quick).
 */
import bcrypt from 'bcryptjs';
import { describe, expect, it } from 'vitest';
import { BasicAuth, clientKey, parseBasic } from '../../../src/exporter/basic-auth.js';
import { basicAuth as basic } from '../../helpers/http.js';

const users = () => new Map([['prometheus', bcrypt.hashSync('s3cret:with colon', 4)]]);

/** bcrypt's compare, counting its calls. */
function countingCompare() {
  const calls: string[] = [];
  const compare = (password: string, hash: string) => {
    calls.push(hash);
    return bcrypt.compare(password, hash);
  };
  return { calls, compare };
}

describe('basic auth', () => {
  it('lets the right user and password in, and nobody else', async () => {
    const auth = new BasicAuth(users());
    expect(auth.enabled).toBe(true);
    expect(await auth.check(basic('prometheus', 's3cret:with colon'))).toBe('ok');
    expect(await auth.check(basic('prometheus', 's3cret'))).toBe('denied');
    expect(await auth.check(basic('Prometheus', 's3cret:with colon'))).toBe('denied');
    expect(await auth.check(undefined)).toBe('denied');
    expect(await auth.check('Bearer abc')).toBe('denied');
    expect(await auth.check('Basic !!!')).toBe('denied');
    expect(new BasicAuth(new Map()).enabled).toBe(false);
  });

  it('pays bcrypt once per (user, password): a scraper sending the same credentials is answered from memory', async () => {
    const { calls, compare } = countingCompare();
    const auth = new BasicAuth(users(), compare);
    for (let i = 0; i < 5; i++) expect(await auth.check(basic('prometheus', 's3cret:with colon'))).toBe('ok');
    expect(calls).toHaveLength(1);
    // A failure is not remembered: each wrong try pays bcrypt (one at a time, in the queue).
    for (let i = 0; i < 3; i++) expect(await auth.check(basic('prometheus', 'wrong'))).toBe('denied');
    expect(calls).toHaveLength(4);
  });

  it('wrong passwords, however many, cannot push out the scraper’s remembered success', async () => {
    const { calls, compare } = countingCompare();
    const auth = new BasicAuth(users(), compare);
    expect(await auth.check(basic('prometheus', 's3cret:with colon'))).toBe('ok');
    for (let i = 0; i < 250; i++) {
      expect(await auth.check(basic(i % 2 ? 'prometheus' : `guess${i}`, `guess${i}`))).toBe('denied');
    }
    const before = calls.length;
    expect(await auth.check(basic('prometheus', 's3cret:with colon'))).toBe('ok');
    expect(calls).toHaveLength(before); // still remembered: no bcrypt
  });

  it('answers a remembered scraper at once while the queue is full of guesses, never busy', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let hold = false;
    const compare = async (password: string, hash: string) => {
      if (hold) await gate;
      return bcrypt.compare(password, hash);
    };
    const auth = new BasicAuth(users(), compare);
    expect(await auth.check(basic('prometheus', 's3cret:with colon'))).toBe('ok');
    for (let i = 0; i < 150; i++) expect(await auth.check(basic('prometheus', `earlier guess ${i}`))).toBe('denied');
    hold = true;
    const guesses = Array.from({ length: 12 }, (_, i) => auth.check(basic('prometheus', `guess${i}`)));
    // Answered before any I/O could run: not queued behind the guesses.
    const scraper = auth.check(basic('prometheus', 's3cret:with colon'));
    expect(await Promise.race([scraper, new Promise((r) => setImmediate(() => r('queued')))])).toBe('ok');
    release();
    expect(new Set(await Promise.all(guesses))).toEqual(new Set(['denied', 'busy']));
  });

  it('checks an unknown user against a stand-in hash as costly as the configured ones, so answering takes as long as for a known one', async () => {
    const { calls, compare } = countingCompare();
    const known = users();
    const auth = new BasicAuth(known, compare);
    expect(await auth.check(basic('mallory', 's3cret:with colon'))).toBe('denied');
    expect(calls).toHaveLength(1);
    expect(calls[0]).not.toBe(known.get('prometheus'));
    expect(calls[0]).toMatch(/^\$2[aby]\$04\$/); // the configured hash's cost (htpasswd -B makes 05, -C 10 makes 10)
    // With several costs, the highest: no name answers slower than an unknown one.
    const mixed = countingCompare();
    const several = new Map([
      ['a', bcrypt.hashSync('x', 4)],
      ['b', bcrypt.hashSync('x', 6).replace(/^\$2b\$/, '$2y$')],
      ['c', bcrypt.hashSync('x', 5)],
    ]);
    expect(await new BasicAuth(several, mixed.compare).check(basic('mallory', 'x'))).toBe('denied');
    expect(mixed.calls[0]).toMatch(/^\$2[aby]\$06\$/);
    expect([...several.values()]).not.toContain(mixed.calls[0]);
    // Even a password that matched the stand-in would not let an unknown user in, checked or remembered.
    const lucky = new BasicAuth(known, async () => true);
    expect(await lucky.check(basic('mallory', 'x'))).toBe('denied');
    expect(await lucky.check(basic('mallory', 'x'))).toBe('denied');
    expect(await lucky.check(basic('prometheus', 'x'))).toBe('ok');
  });

  it('runs one bcrypt at a time and answers busy beyond a short queue', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let running = 0;
    let most = 0;
    const compare = async () => {
      running++;
      most = Math.max(most, running);
      await gate;
      running--;
      return false;
    };
    const auth = new BasicAuth(users(), compare);
    const pending = Array.from({ length: 8 }, (_, i) => auth.check(basic('prometheus', `guess${i}`)));
    // Answered at once, before any I/O could run: not queued behind the eight.
    const ninth = auth.check(basic('prometheus', 'one too many'));
    expect(await Promise.race([ninth, new Promise((r) => setImmediate(() => r('queued')))])).toBe('busy');
    release();
    expect(await Promise.all(pending)).toEqual(Array(8).fill('denied'));
    expect(most).toBe(1);
    expect(await auth.check(basic('prometheus', 'after the queue emptied'))).toBe('denied');
  });

  it('gives one client at most two places in the queue, so guesses from one place leave room for the scraper’s first check', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const compare = async (password: string, hash: string) => {
      await gate;
      return bcrypt.compare(password, hash);
    };
    const auth = new BasicAuth(users(), compare);
    const settle = (p: Promise<unknown>) => Promise.race([p, new Promise((r) => setImmediate(() => r('queued')))]);
    const guesses = Array.from({ length: 12 }, (_, i) => auth.check(basic('prometheus', `guess${i}`), '203.0.113.9'));
    expect(await Promise.all(guesses.map(settle))).toEqual([...Array(2).fill('queued'), ...Array(10).fill('busy')]);
    // One host's IPv6 /64 is one client, however it varies the rest.
    const v6 = ['2001:db8:1:2::1', '2001:db8:1:2:ffff::9', '2001:0db8:0001:0002:0:0:0:7'].map((a) => auth.check(basic('prometheus', 'x'), a));
    expect(await Promise.all(v6.map(settle))).toEqual(['queued', 'queued', 'busy']);
    const scraper = auth.check(basic('prometheus', 's3cret:with colon'), '192.0.2.1');
    release();
    expect(await scraper).toBe('ok');
    await Promise.all([...guesses, ...v6]);
  });

  it('reads the Authorization header as RFC 7617 has it: the password may hold colons', () => {
    expect(parseBasic(basic('a', 'b:c'))).toEqual({ user: 'a', password: 'b:c' });
    expect(parseBasic(`basic ${Buffer.from('a:').toString('base64')}`)).toEqual({ user: 'a', password: '' });
    expect(parseBasic(`Basic ${Buffer.from('no colon').toString('base64')}`)).toBeUndefined();
  });

  it('counts an IPv4 client by its address and an IPv6 one by its /64', () => {
    expect(clientKey('192.0.2.1')).toBe('192.0.2.1');
    expect(clientKey('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(clientKey('2001:db8:1:2::1')).toBe('2001:db8:1:2::/64');
    expect(clientKey('2001:0DB8:0001:0002:aaaa:bbbb:cccc:dddd')).toBe('2001:db8:1:2::/64');
    expect(clientKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(clientKey('::1')).toBe('0:0:0:0::/64');
    expect(clientKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
  });
});
