/**
 * `ec2-cost` as a process: src/ec2/cli-entry.ts bundled with esbuild into a scratch folder
 * (with a package.json and links to data/ and node_modules/, as an installed shoji has), run
 * with process.execPath against fixture hosts. A loopback server stands in for the metadata
 * service and for the Price List Query API, and counts every connection.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { common } from '../../scripts/esbuild-options.mjs';
import { fixtureTree, type FixtureTree } from '../helpers/context.js';
import { ROOT } from '../helpers/cli.js';
import { nitro, plainXen, proc, qemu } from '../unit/ec2/hosts.js';

let dir: string;
let bundle: string;
let server: Server;
let endpoint: string;
const seen = { connections: 0, requests: [] as { method: string; url: string; target?: string }[] };
let handler: (req: IncomingMessage, res: ServerResponse, body: string) => void = (_q, res) => res.writeHead(404).end();
const sockets = new Set<Socket>();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'shoji-ec2-cli-'));
  writeFileSync(join(dir, 'package.json'), '{"name":"shoji-under-test","version":"9.8.7-under-test","private":true}\n');
  symlinkSync(join(ROOT, 'data'), join(dir, 'data'));
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  mkdirSync(join(dir, 'dist'));
  bundle = join(dir, 'dist', 'ec2-cost.cjs');
  await build({ ...common, entryPoints: [join(ROOT, 'src/ec2/cli-entry.ts')], outfile: bundle });
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen.requests.push({ method: req.method!, url: req.url!, target: req.headers['x-amz-target'] as string | undefined });
      handler(req, res, body);
    });
  });
  server.on('connection', (s) => {
    seen.connections++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

let tree: FixtureTree;
beforeEach(() => {
  tree = fixtureTree();
  proc(tree);
  seen.connections = 0;
  seen.requests = [];
  handler = (_q, res) => res.writeHead(404).end();
});
afterEach(() => tree.cleanup());

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

function ec2Cost(args: string[], extra: NodeJS.ProcessEnv = {}, cwd?: string): Promise<Result> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    LANG: 'C.UTF-8',
    HOME: join(tree.dir, 'home'),
    SHOJI_PROC_ROOT: tree.procRoot,
    SHOJI_SYS_ROOT: tree.sysRoot,
    SHOJI_CACHE_DIR: join(tree.dir, 'cache'),
    AWS_EC2_METADATA_SERVICE_ENDPOINT: endpoint,
    ...extra,
  };
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bundle, ...args], { env, cwd });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('close', (code) => resolve({ code, stdout, stderr, ms: Date.now() - started }));
  });
}

const EXAMPLE_A = ['--instance-type', 'm7i.large', '--region', 'us-east-1', '--uptime', '1090800', '--tx-bytes', '7.918646GiB', '--rx-bytes', '68.17GiB'];

describe('ec2-cost process', () => {
  it('example A: ~$31.26, exit 0', async () => {
    qemu(tree);
    const r = await ec2Cost(EXAMPLE_A);
    expect(r).toMatchObject({ code: 0, stdout: '~$31.26 since boot as m7i.large us-east-1 (not EC2) · 303.0 h\n', stderr: '' });
  });

  it('--detail on a QEMU host: no network connection at all', async () => {
    qemu(tree);
    const r = await ec2Cost(['--detail', '--arch', 'x86_64']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Cheapest current types/m);
    expect(seen.connections).toBe(0);
  });

  it('--detail on a host without DMI (a container): no network connection either', async () => {
    const r = await ec2Cost(['--detail', '--arch', 'arm64']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/not EC2 \(no DMI information\)/);
    expect(seen.connections).toBe(0);
  });

  it('a Xen host that might be EC2, metadata PUT hanging: one try under the timeout, then the cached "no" for the boot', async () => {
    plainXen(tree);
    handler = () => {}; // never answers
    const first = await ec2Cost(['--arch', 'x86_64']);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/cheapest fit, not EC2/);
    expect(seen.requests).toHaveLength(1);
    const again = await ec2Cost(['--arch', 'x86_64']);
    expect(again.code).toBe(0);
    expect(seen.requests).toHaveLength(1);
    expect(seen.connections).toBe(1);
  });

  it('a Nitro instance: type from DMI, region from IMDSv2', async () => {
    nitro(tree, 'm7g.large');
    handler = (req, res) => {
      if (req.method === 'PUT') return void res.end('tkn');
      if (req.headers['x-aws-ec2-metadata-token'] !== 'tkn') return void res.writeHead(401).end();
      const v = {
        '/latest/meta-data/instance-type': 'm7g.large',
        '/latest/meta-data/placement/region': 'us-east-1',
        '/latest/meta-data/instance-life-cycle': 'spot',
      }[req.url!];
      return v ? void res.end(v) : void res.writeHead(404).end();
    };
    const r = await ec2Cost([]);
    expect(r.stdout).toMatch(/^~\$\d+\.\d\d since boot · m7g\.large spot us-east-1 · 303\.0 h\n$/);
    const j = JSON.parse((await ec2Cost(['--json'])).stdout);
    expect(j).toMatchObject({ mode: 'ec2', spot: true, lifecycle: 'spot', hourlyRateUsd: 0.0816 });
    expect(j.notes.join(' ')).toMatch(/on-demand price is shown as an upper bound/);
  });

  it('bad options: one line on stderr, exit 2', async () => {
    for (const args of [['--bogus'], ['--uptime=-5'], ['--ebs-type', 'gp9'], ['--instance-type', 'm7i.lage']]) {
      const r = await ec2Cost(args);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^ec2-cost: .+\n$/);
    }
  });

  it('refreshes from an offer file in a process (no progress bar when stderr is not a terminal)', async () => {
    const r = await ec2Cost(['--refresh-prices', join(ROOT, 'test/fixtures/ec2/offer-eu-west-1.csv')]);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toMatch(/^Refreshed 3 Linux on-demand prices for eu-west-1/);
  });

  it('refreshes from the Price List Query API with credentials (loopback endpoint)', async () => {
    const item = (type: string, usd: string) =>
      JSON.stringify({
        product: {
          productFamily: 'Compute Instance',
          attributes: {
            instanceType: type,
            regionCode: 'eu-west-1',
            operatingSystem: 'Linux',
            tenancy: 'Shared',
            preInstalledSw: 'NA',
            capacitystatus: 'Used',
            licenseModel: 'No License required',
            operation: 'RunInstances',
          },
          sku: `SKU${type}`,
        },
        serviceCode: 'AmazonEC2',
        terms: {
          OnDemand: { [`SKU${type}.JRTCKXETXF`]: { priceDimensions: { [`SKU${type}.JRTCKXETXF.6YS6EN2CT7`]: { unit: 'Hrs', pricePerUnit: { USD: usd } } } } },
        },
        version: '20260801000000',
        publicationDate: '2026-08-01T00:00:00Z',
      });
    let page = 0;
    handler = (req, res, body) => {
      expect(req.headers['x-amz-target']).toBe('AWSPriceListService.GetProducts');
      const input = JSON.parse(body);
      expect(input.Filters).toEqual(expect.arrayContaining([{ Type: 'TERM_MATCH', Field: 'regionCode', Value: 'eu-west-1' }]));
      page++;
      const out =
        page === 1
          ? { FormatVersion: 'aws_v1', PriceList: [item('m7i.large', '0.1120000000')], NextToken: 'next' }
          : { FormatVersion: 'aws_v1', PriceList: [item('t3.micro', '0.0114000000')] };
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify(out));
    };
    const r = await ec2Cost(['--refresh-prices', 'api', '--region', 'eu-west-1'], {
      AWS_ENDPOINT_URL_PRICING: endpoint,
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
      AWS_EC2_METADATA_DISABLED: 'true',
    });
    expect(r.stderr).toBe('');
    expect(r).toMatchObject({ code: 0 });
    expect(r.stdout).toMatch(/^Refreshed 2 Linux on-demand prices for eu-west-1 \(published 2026-08-01\) from AWS Price List Query API/);
    expect(page).toBe(2);
  });

  it('the Query API without credentials: one line, exit 1', async () => {
    const r = await ec2Cost(['--refresh-prices', 'api', '--region', 'eu-west-1'], {
      AWS_ENDPOINT_URL_PRICING: endpoint,
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_CONFIG_FILE: join(tree.dir, 'none'),
      AWS_SHARED_CREDENTIALS_FILE: join(tree.dir, 'none'),
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^ec2-cost: no AWS credentials found/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('ec2-cost process: version, locale, and text from outside', () => {
  const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;
  const NON_ASCII = /[^\u0000-\u007f]/;
  const C = { LANG: 'C', LC_ALL: '', LC_CTYPE: '' };

  it('--version prints the version of its own installation, from a folder holding another project', async () => {
    const elsewhere = join(tree.dir, 'other-project');
    mkdirSync(elsewhere);
    writeFileSync(join(elsewhere, 'package.json'), '{"name":"other","version":"1.2.3"}\n');
    const r = await ec2Cost(['--version'], {}, elsewhere);
    expect(r).toMatchObject({ code: 0, stdout: '9.8.7-under-test\n', stderr: '' });
  });

  it('under LANG=C: --help, the one-line report and errors are ASCII', async () => {
    qemu(tree);
    const help = await ec2Cost(['--help'], C);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--instance-type/);
    expect(help.stdout).not.toMatch(NON_ASCII);
    const line = await ec2Cost(EXAMPLE_A, C);
    expect(line).toMatchObject({ code: 0, stdout: '~$31.26 since boot as m7i.large us-east-1 (not EC2) - 303.0 h\n' });
    const err = await ec2Cost(['--tx-bytes', '7GB'], C);
    expect(err.code).toBe(2);
    expect(err.stderr).not.toMatch(NON_ASCII);
  });

  it('an error naming text from outside prints it escaped, on one line', async () => {
    qemu(tree);
    const r = await ec2Cost(['--instance-type', 'm7i.large', '--interfaces', 'x\u001b]0;pwned\u0007\u001b[2J']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^ec2-cost: --interfaces: no interface x\\x1b\]0;pwned\\x07\\x1b\[2J on this host/);
    expect(r.stderr).not.toMatch(CONTROL);
    // parse errors, before the command runs, too
    const unknown = await ec2Cost(['--bogus\u001b[2J']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe('ec2-cost: unknown option --bogus\\x1b[2J\n');
  });

  it('--spot-price 0x1 is refused like --uptime 0x10; --uptime 1e500000 is refused', async () => {
    qemu(tree);
    for (const args of [
      ['--spot-price', '0x1'],
      ['--uptime', '0x10'],
      ['--uptime', '1e500000'],
    ]) {
      const r = await ec2Cost(['--instance-type', 'm7i.large', ...args]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`^ec2-cost: ${args[0]} must be `));
    }
  });
});
