/**
 * The fleet module against a Prometheus stand-in on loopback: its line ("4/6 · $0.11/h · web-1
 * 97%"), its state, its detail and the data it publishes as declared; the credentials from its
 * options (relative files from the config folder); and a clear failure, within its own timeout,
 * when Prometheus does not answer or answers with an error.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ServerResponse } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fleet from '../../../plugins/fleet/index.js';
import { fixtureTree, type FixtureTree, moduleContext } from '../../helpers/context.js';
import { expectDataAsDeclared } from '../../helpers/published-data.js';
import { type FakePrometheus, fakePrometheus, json, vector } from '../fleet/fake-prometheus.js';

let tree: FixtureTree;
let fake: FakePrometheus;
const held: ServerResponse[] = [];
beforeEach(async () => {
  tree = fixtureTree();
  fake = await fakePrometheus();
});
afterEach(async () => {
  for (const res of held.splice(0)) res.destroy();
  await fake.close();
  tree.cleanup();
});

type Sample = [Record<string, string>, number];
const host = (name: string, up: number, figures: Record<string, number> = {}, disk?: [string, number]): Sample[] => [
  [{ figure: 'up', host: name }, up],
  ...Object.entries(figures).map(([figure, v]): Sample => [{ figure, host: name }, v]),
  ...(disk ? [[{ figure: 'disk', host: name, mountpoint: disk[0] }, disk[1]] as Sample] : []),
];

function answer(samples: Sample[]): void {
  fake.handle = (asked, res) => json(res, vector(asked.form.get('query')!.includes('max_over_time') ? [] : samples));
}

describe('fleet', () => {
  it('shows hosts up, the cost per hour and the worst host with its worst figure', async () => {
    answer([
      ...host('web-1', 1, { cpu: 0.42, memory: 0.75, cost_hour: 0.109 }, ['/data', 0.97]),
      ...host('web-2', 1, { cpu: 0.1, memory: 0.5, cost_hour: 0.05 }, ['/', 0.2]),
    ]);
    const ctx = moduleContext(fleet, tree, { prometheus: fake.url });
    const got = await fleet.collect(ctx, undefined);
    expect(got.reading).toMatchObject({ text: '2/2 · $0.16/h · web-1 97%', short: '2/2 $0.16/h', state: 'critical', icon: 'fleet' });
    expect(got.reading?.detail?.map((d) => `${d.label}: ${d.value}`)).toEqual([
      `Prometheus: ${fake.url}`,
      'Hosts: 2 up, 0 down',
      'EC2 estimate: $0.16/h, $114 per 30 days (2 hosts)',
      'web-1: cpu 42% · mem 75% · disk 97% /data · rx - tx -',
      'web-2: cpu 10% · mem 50% · disk 20% / · rx - tx -',
    ]);
    expect(got.data).toEqual({
      hosts: 2,
      hostsUp: 2,
      hostsDown: 0,
      costPerHourUsd: 0.159,
      costPer30DaysUsd: 0.159 * 720,
      worstHost: 'web-1',
      worstFigure: 'disk',
      worstRatio: 0.97,
      prometheus: fake.url,
    });
    expectDataAsDeclared(fleet, got.data);
  });

  it('is critical with a host down, names it first, and leaves the cost out when no host has one', async () => {
    answer([...host('web-1', 1, { cpu: 0.2 }), ...host('db\x1b[31m-1', 0)]);
    const got = await fleet.collect(moduleContext(fleet, tree, { prometheus: fake.url }), undefined);
    expect(got.reading).toMatchObject({ text: '1/2 · db[31m-1 down', state: 'critical' });
    expectDataAsDeclared(fleet, got.data);
  });

  it('is good, warning or critical by its own thresholds on the worst figure', async () => {
    answer(host('web-1', 1, { cpu: 0.42, memory: 0.75 }));
    const state = async (o: Record<string, number>) =>
      (await fleet.collect(moduleContext(fleet, tree, { prometheus: fake.url, ...o }), undefined)).reading?.state;
    expect(await state({})).toBe('good');
    expect(await state({ warning: 70 })).toBe('warning');
    expect(await state({ warning: 50, critical: 75 })).toBe('critical');
  });

  it('sends the match and the credentials its options name, files read from the config folder', async () => {
    answer([]);
    mkdirSync(join(tree.dir, 'config'), { recursive: true });
    writeFileSync(join(tree.dir, 'config', 'prometheus-token'), 'tok-123\n');
    const ctx = moduleContext(fleet, tree, { prometheus: fake.url, bearer_token_file: 'prometheus-token', match: 'env="prod"' });
    const got = await fleet.collect(ctx, undefined);
    expect(got.reading).toMatchObject({ text: '0/0', state: 'idle' });
    expect(fake.asked[0].headers.authorization).toBe('Bearer tok-123');
    expect(fake.asked[0].form.get('query')).toContain('up{env="prod"}');
  });

  it('refuses a config that sets both ways to sign in, or a match that is no selector, naming the keys', async () => {
    const collect = (o: Record<string, unknown>) => fleet.collect(moduleContext(fleet, tree, { prometheus: fake.url, ...o }), undefined);
    await expect(collect({ bearer_token_file: 'token', username: 'ops' })).rejects.toThrow(
      'modules.fleet: both bearer_token_file and username are set: keep one way to sign in to Prometheus',
    );
    await expect(collect({ match: 'job=node' })).rejects.toThrow('modules.fleet.match: expected a quoted value at "node"');
    expect(fake.asked).toHaveLength(0);
  });

  it('fails with one line naming the URL when Prometheus answers with an error', async () => {
    fake.handle = (_a, res) => json(res, JSON.stringify({ status: 'error', errorType: 'bad_data', error: 'parse error' }), 400);
    await expect(fleet.collect(moduleContext(fleet, tree, { prometheus: fake.url }), undefined)).rejects.toThrow(
      `Prometheus ${fake.url}: HTTP 400: bad_data: parse error`,
    );
  });

  it('gives up within its own timeout when Prometheus never answers', async () => {
    fake.handle = (_a, res) => void held.push(res);
    expect(fleet.timeoutMs).toBe(4000);
    expect(fleet.background).toBe(true);
    await expect(fleet.collect(moduleContext(fleet, tree, { prometheus: fake.url }), undefined)).rejects.toThrow(
      `Prometheus ${fake.url}: no answer within 3.5 s`,
    );
  });
});
