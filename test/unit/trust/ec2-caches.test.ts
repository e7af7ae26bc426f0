/**
 * ec2-cost's caches are read only from folders another user cannot write: a planted price list
 * or metadata answer would choose what the report says.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { forgetChecks } from '../../../src/core/trust.js';
import { imdsCacheFile, readImdsCache, writeImdsCache } from '../../../src/ec2/imds-cache.js';
import { priceCacheFile, readRefreshedPrices, writeRefreshedPrices } from '../../../src/ec2/price-cache.js';

let dir: string;
let env: NodeJS.ProcessEnv;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'shoji-ec2-caches-'));
  env = { HOME: dir, SHOJI_CACHE_DIR: join(dir, 'cache') };
  forgetChecks();
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('ec2-cost caches in a folder others can write', () => {
  it('refreshed prices: used from a folder of yours, refused with the reason once others can write it', () => {
    writeRefreshedPrices(env, {
      format: 1,
      region: 'eu-west-1',
      pricesAsOf: '2026-08-01T00:00:00.000Z',
      source: 'AWS Price List offer file index.json',
      refreshedAt: '2026-08-02T00:00:00Z',
      prices: new Map([['m7i.large', '0.1120']]),
    });
    expect(readRefreshedPrices(env, 'eu-west-1').prices).not.toBeNull();
    const folder = dirname(priceCacheFile(env, 'eu-west-1'));
    chmodSync(folder, 0o777);
    forgetChecks();
    const refused = readRefreshedPrices(env, 'eu-west-1');
    expect(refused.prices).toBeNull();
    expect(refused.problem).toContain(`(its folder is not yours alone: it is writable by others (mode 777))`);
  });

  it('the metadata answer: used from a folder of yours, asked afresh once others can write it', () => {
    const result = {
      ok: true as const,
      metadata: {
        instanceType: 'm7i.large',
        region: 'eu-west-1',
        availabilityZone: 'eu-west-1a',
        lifecycle: 'on-demand',
        publicIpv4: '203.0.113.5',
        instanceId: 'i-0123456789abcdef0',
        imdsVersion: 'v2',
      },
    };
    writeImdsCache(env, 'boot-1', 'http://169.254.169.254', result as never, new Date());
    expect(readImdsCache(env, 'boot-1', 'http://169.254.169.254')).not.toBeNull();
    chmodSync(dirname(imdsCacheFile(env)), 0o777);
    forgetChecks();
    expect(readImdsCache(env, 'boot-1', 'http://169.254.169.254')).toBeNull();
  });
});
