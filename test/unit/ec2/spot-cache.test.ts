/**
 * The spot price cache (spot-cache.ts) and the choice of the newest price (spot-fetch.ts's
 * newest): what is read back is checked like a fresh answer, and anything else is ignored.
 * Real files under a temporary folder.
 */
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { forgetChecks } from '../../../src/core/trust.js';
import { isFresh, readSpotEntry, spotCacheFile, writeSpotEntry, type SpotKey } from '../../../src/ec2/spot-cache.js';
import { fetchSpotPrice, newest } from '../../../src/ec2/spot-fetch.js';
import { lookUpSpotPrice, RETRY_MS } from '../../../src/ec2/spot.js';
import type { Identity } from '../../../src/ec2/identify.js';
import { fixtureTree, type FixtureTree } from '../../helpers/context.js';

const KEY: SpotKey = { region: 'us-east-1', availabilityZone: 'us-east-1a', instanceType: 'm7i.large' };
const NOW = new Date('2026-11-23T12:00:00.000Z');
const ago = (ms: number) => new Date(NOW.getTime() - ms).toISOString();

let tree: FixtureTree;
let env: NodeJS.ProcessEnv;
beforeEach(() => {
  tree = fixtureTree();
  env = { SHOJI_CACHE_DIR: join(tree.dir, 'cache') };
  forgetChecks();
});
afterEach(() => tree.cleanup());

const good = (over: Record<string, unknown> = {}) => ({
  format: 1,
  ...KEY,
  checkedAt: ago(60_000),
  price: { usdPerHour: '0.0312', setAt: ago(3_600_000) },
  problem: null,
  ...over,
});

function plant(doc: unknown): void {
  mkdirSync(join(tree.dir, 'cache', 'ec2'), { recursive: true, mode: 0o700 });
  writeFileSync(spotCacheFile(env, KEY), typeof doc === 'string' ? doc : JSON.stringify(doc));
}

describe('spot price cache', () => {
  it('keeps an answer and reads it back; one file per type, zone and region', () => {
    writeSpotEntry(env, { ...KEY, checkedAt: ago(1000), price: { usdPerHour: '0.0312', setAt: ago(5000) }, problem: null });
    expect(spotCacheFile(env, KEY)).toBe(join(tree.dir, 'cache', 'ec2', 'spot-us-east-1_us-east-1a_m7i.large.json'));
    const entry = readSpotEntry(env, KEY, NOW);
    expect(entry).toEqual({ format: 1, ...KEY, checkedAt: ago(1000), price: { usdPerHour: '0.0312', setAt: ago(5000) }, problem: null });
    expect(readSpotEntry(env, { ...KEY, availabilityZone: 'us-east-1b' }, NOW)).toBeNull();
    expect(readSpotEntry(env, { ...KEY, instanceType: 'm7i.xlarge' }, NOW)).toBeNull();
  });

  it('fresh for an hour after it was asked for', () => {
    expect(isFresh(good({ checkedAt: ago(59 * 60_000) }) as never, NOW)).toBe(true);
    expect(isFresh(good({ checkedAt: ago(60 * 60_000) }) as never, NOW)).toBe(false);
    expect(isFresh(good({ price: null, problem: 'x' }) as never, NOW)).toBe(false);
  });

  const bad: [string, unknown][] = [
    ['not JSON', '{"format":1,'],
    ['null', 'null'],
    ['another format', good({ format: 2 })],
    ['another zone', good({ availabilityZone: 'us-east-1b' })],
    ['another region', good({ region: 'us-west-2' })],
    ['a checkedAt that is not a time', good({ checkedAt: 'yesterday' })],
    ['a checkedAt in the future', good({ checkedAt: new Date(NOW.getTime() + 3_600_000).toISOString() })],
    ['a price that is not a price', good({ price: { usdPerHour: '1e3', setAt: ago(0) } })],
    ['a negative price', good({ price: { usdPerHour: '-0.1', setAt: ago(0) } })],
    ['an absurd price', good({ price: { usdPerHour: '99999', setAt: ago(0) } })],
    ['a price without its time', good({ price: { usdPerHour: '0.03' } })],
    ['a price and a problem', good({ problem: 'no' })],
    ['a problem with an escape sequence', good({ price: null, problem: 'no \u001b]0;x\u0007' })],
    ['an overlong problem', good({ price: null, problem: 'x'.repeat(301) })],
    ['a problem that is not text', good({ price: null, problem: 42 })],
  ];
  it.each(bad)('ignores a file with %s', (_what, doc) => {
    plant(doc);
    expect(readSpotEntry(env, KEY, NOW)).toBeNull();
  });

  it('accepts a failure with its reason, and a lookup under way', () => {
    plant(good({ price: null, problem: 'no AWS credentials found' }));
    expect(readSpotEntry(env, KEY, NOW)).toMatchObject({ price: null, problem: 'no AWS credentials found' });
    plant(good({ price: null, problem: null }));
    expect(readSpotEntry(env, KEY, NOW)).toMatchObject({ price: null, problem: null });
  });

  it('never reads from a folder another user can write', () => {
    plant(good());
    chmodSync(join(tree.dir, 'cache', 'ec2'), 0o777);
    forgetChecks();
    expect(readSpotEntry(env, KEY, NOW)).toBeNull();
  });

  it('a name that is not of AWS shape never becomes a path', () => {
    expect(() => spotCacheFile(env, { ...KEY, instanceType: '../../x' })).toThrow(/not a spot price key/);
    expect(readSpotEntry(env, { ...KEY, availabilityZone: 'us-east-1a/../../b' }, NOW)).toBeNull();
  });
});

describe('the newest price for exactly this zone, type and product', () => {
  const at = (iso: string) => new Date(iso);
  it('skips other zones, types and products, and takes the newest', () => {
    const answer = newest(
      [
        {
          AvailabilityZone: 'us-east-1b',
          InstanceType: 'm7i.large',
          ProductDescription: 'Linux/UNIX',
          SpotPrice: '0.9',
          Timestamp: at('2026-11-23T11:59:00Z'),
        },
        {
          AvailabilityZone: 'us-east-1a',
          InstanceType: 'm7i.xlarge',
          ProductDescription: 'Linux/UNIX',
          SpotPrice: '0.8',
          Timestamp: at('2026-11-23T11:59:00Z'),
        },
        { AvailabilityZone: 'us-east-1a', InstanceType: 'm7i.large', ProductDescription: 'Windows', SpotPrice: '0.7', Timestamp: at('2026-11-23T11:59:00Z') },
        {
          AvailabilityZone: 'us-east-1a',
          InstanceType: 'm7i.large',
          ProductDescription: 'Linux/UNIX',
          SpotPrice: '0.040000',
          Timestamp: at('2026-11-23T08:00:00Z'),
        },
        {
          AvailabilityZone: 'us-east-1a',
          InstanceType: 'm7i.large',
          ProductDescription: 'Linux/UNIX',
          SpotPrice: '0.031200',
          Timestamp: at('2026-11-23T10:00:00Z'),
        },
      ],
      KEY,
    );
    expect(answer).toEqual({ price: { usdPerHour: '0.0312', setAt: '2026-11-23T10:00:00.000Z' } });
  });

  it('none, or an unusable price: a reason, never a price', () => {
    expect(newest([], KEY)).toEqual({ problem: 'EC2 gave no Linux/UNIX spot price for m7i.large in us-east-1a' });
    const weird = newest(
      [
        {
          ...KEY,
          AvailabilityZone: 'us-east-1a',
          InstanceType: 'm7i.large',
          ProductDescription: 'Linux/UNIX',
          SpotPrice: '\u001b[2J1e9',
          Timestamp: at('2026-11-23T10:00:00Z'),
        },
      ],
      KEY,
    );
    expect(weird.problem).toMatch(/^EC2 gave a spot price that is not a usable price: "\\x1b\[2J1e9"$/);
  });
});

describe('looking up without asking EC2', () => {
  const identity = { onEc2: true, region: 'us-east-1', availabilityZone: 'us-east-1a', instanceType: 'm7i.large', lifecycle: 'spot' } as Identity;

  it('an environment that is not the process’s own and has no keys: no credentials, and nothing is loaded or asked', async () => {
    expect(await fetchSpotPrice({ AWS_ENDPOINT_URL_EC2: 'http://127.0.0.1:9' }, KEY, NOW)).toEqual({ problem: 'no AWS credentials found' });
  });

  it('the status line: a fresh price is used; none yet, an old price, or an old failure is due for a refresh', async () => {
    expect(await lookUpSpotPrice(env, identity, NOW, 'cache')).toMatchObject({ price: null, problem: 'not looked up yet', refreshDue: true });
    plant(good({ checkedAt: ago(30 * 60_000) }));
    expect(await lookUpSpotPrice(env, identity, NOW, 'cache')).toMatchObject({ price: { usdPerHour: '0.0312' }, cached: true, refreshDue: false });
    plant(good({ checkedAt: ago(61 * 60_000) }));
    expect(await lookUpSpotPrice(env, identity, NOW, 'cache')).toMatchObject({ price: null, refreshDue: true });
    plant(good({ checkedAt: ago(RETRY_MS - 1000), price: null, problem: 'no AWS credentials found' }));
    expect(await lookUpSpotPrice(env, identity, NOW, 'cache')).toMatchObject({ price: null, problem: 'no AWS credentials found', refreshDue: false });
    plant(good({ checkedAt: ago(RETRY_MS), price: null, problem: 'no AWS credentials found' }));
    expect(await lookUpSpotPrice(env, identity, NOW, 'cache')).toMatchObject({ problem: 'no AWS credentials found', refreshDue: true });
    plant(good({ checkedAt: ago(60_000), price: null, problem: null }));
    expect(await lookUpSpotPrice(env, identity, NOW, 'cache')).toMatchObject({ problem: 'being looked up', refreshDue: false });
  });

  it('an unknown zone: no lookup, and the reason', async () => {
    const r = await lookUpSpotPrice(env, { ...identity, availabilityZone: null }, NOW, 'fetch');
    expect(r).toMatchObject({ price: null, key: null, problem: 'the availability zone is unknown' });
    expect(() => readFileSync(join(tree.dir, 'cache', 'ec2'))).toThrow();
  });
});
