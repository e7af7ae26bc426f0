/**
 * docs/plugins.md's "What the built-in modules publish" against what the modules really publish:
 * each built-in module collects twice from a fixture host under a temp dir (the counters move in
 * between, so rates are published), and every field of its data must be documented with a type
 * that matches the value, and every documented field must be there. Nested rows (`mounts[].ratio`)
 * are checked the same way in each element of their list. User dashboards and exporters rely on
 * that page: a field added, renamed or dropped without it fails here.
 */
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILTIN_MODULES } from '../../../src/core/builtins.js';
import type { AnyModule, Collected } from '../../../src/core/contract.js';
import { findScripts, scriptModule } from '../../../src/core/scripts.js';
import { fixtureTree, moduleContext, type FixtureTree } from '../../helpers/context.js';
import { qemu } from '../ec2/hosts.js';

const DOC = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'docs', 'plugins.md');
const SECTION = '## What the built-in modules publish';

interface Field {
  name: string;
  optional: boolean;
  type: string;
}

/** Each module's documented fields, by the id in its heading ("custom:NAME" for scripts). */
function documentedFields(markdown: string): Map<string, Field[]> {
  const start = markdown.indexOf(SECTION);
  if (start < 0) throw new Error(`docs/plugins.md has no "${SECTION}" section`);
  const rest = markdown.slice(start + SECTION.length);
  const end = rest.search(/^## /m);
  const section = end < 0 ? rest : rest.slice(0, end);
  const out = new Map<string, Field[]>();
  let current: Field[] | null = null;
  for (const line of section.split('\n')) {
    const heading = /^### `([^`]+)`/.exec(line);
    if (heading) {
      current = [];
      out.set(heading[1], current);
      continue;
    }
    if (!current || !line.startsWith('| `')) continue;
    // Cells are split on pipes that are not escaped ("'a' \| 'b'" is one cell).
    const [, name, type] = line.split(/(?<!\\)\|/).map((c) => c.trim());
    const m = /^`([^`]+?)(\?)?`$/.exec(name);
    if (!m) throw new Error(`docs/plugins.md: cannot read the field of "${line}"`);
    current.push({ name: m[1], optional: m[2] === '?', type: type.replace(/\\\|/g, '|') });
  }
  return out;
}

/** The alternatives of a documented type, split on top-level pipes ("(a | b)[] | null"). */
function alternatives(type: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < type.length; i++) {
    if (type[i] === '(') depth++;
    else if (type[i] === ')') depth--;
    else if (type[i] === '|' && depth === 0) {
      out.push(type.slice(from, i).trim());
      from = i + 1;
    }
  }
  out.push(type.slice(from).trim());
  return out;
}

const isPlain = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Whether a published value has the documented type. */
function matchesType(value: unknown, type: string): boolean {
  return alternatives(type).some((t) => {
    if (t === 'number') return typeof value === 'number' && Number.isFinite(value);
    if (t === 'string') return typeof value === 'string';
    if (t === 'boolean') return typeof value === 'boolean';
    if (t === 'null') return value === null;
    if (t === 'true' || t === 'false') return value === (t === 'true');
    if (/^\d+$/.test(t)) return value === Number(t);
    if (/^'.*'$/.test(t)) return value === t.slice(1, -1);
    if (t === 'object[]') return Array.isArray(value) && value.every(isPlain);
    const list = /^\((.*)\)\[\]$/.exec(t) ?? /^(\w+)\[\]$/.exec(t);
    if (list) return Array.isArray(value) && value.every((item) => matchesType(item, list[1]));
    throw new Error(`docs/plugins.md: unknown type "${t}"`);
  });
}

/** What is wrong between one object and the fields documented for it, or []. */
function mismatches(where: string, value: Record<string, unknown>, fields: Field[]): string[] {
  const problems: string[] = [];
  const known = new Map(fields.map((f) => [f.name, f]));
  for (const [key, v] of Object.entries(value)) {
    const f = known.get(key);
    if (!f) problems.push(`${where}.${key} is published but not documented`);
    else if (!matchesType(v, f.type)) problems.push(`${where}.${key} is ${JSON.stringify(v)}, not ${f.type}`);
  }
  for (const f of fields) if (!f.optional && !(f.name in value)) problems.push(`${where}.${f.name} is documented but not published`);
  return problems;
}

/** Every problem between a module's published data and its documented fields. */
function dataProblems(id: string, data: Record<string, unknown>, fields: Field[]): string[] {
  const top = fields.filter((f) => !f.name.includes('['));
  const problems = mismatches(id, data, top);
  for (const list of new Set(fields.filter((f) => f.name.includes('[].')).map((f) => f.name.split('[].')[0]))) {
    const nested = fields.filter((f) => f.name.startsWith(`${list}[].`)).map((f) => ({ ...f, name: f.name.slice(list.length + 3) }));
    const items = data[list];
    if (!Array.isArray(items) || items.length === 0) {
      problems.push(`${id}.${list} has no element to check its documented fields against`);
      continue;
    }
    for (const [i, item] of items.entries()) problems.push(...mismatches(`${id}.${list}[${i}]`, item as Record<string, unknown>, nested));
  }
  return problems;
}

// ---------------------------------------------------------------- a fixture host

const statLines = (ticks: number) =>
  ['cpu ', 'cpu0', 'cpu1'].map((n, i) => `${n} ${ticks * (i === 0 ? 2 : 1)} 0 ${ticks} ${10 * ticks} 5 0 1 0 0 0`).join('\n');
const netDev = (bytes: number) =>
  'Inter-|   Receive                                                |  Transmit\n' +
  ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n' +
  `    lo: 1000 10 0 0 0 0 0 0 1000 10 0 0 0 0 0 0\n  eth0: ${bytes} 500 0 0 0 0 0 0 ${bytes / 2} 300 0 0 0 0 0 0\n`;
const diskstats = (sectors: number) => `   8       0 sda 36805 8966 ${sectors} 33536 2717 18550 ${sectors / 2} 4019 0 9804 38196 0 0 0 0 0 0\n`;

/** One login session in glibc's struct utmp (384 bytes, little-endian). */
function utmpRecord(user: string, line: string, host: string): Buffer {
  const b = Buffer.alloc(384);
  b.writeInt32LE(7, 0); // USER_PROCESS
  b.writeInt32LE(4242, 4);
  b.write(line, 8);
  b.write(user, 44);
  b.write(host, 76);
  return b;
}

/** Everything the built-in modules read, with counters that `tick` moves on. */
function host(tree: FixtureTree): { tick(step: number): void } {
  qemu(tree); // not EC2: ec2-cost prices the cheapest fit, from files only
  const tick = (step: number) => {
    tree.write('proc/stat', `${statLines(1000 + step * 100)}\nintr 1\n`);
    tree.write('proc/net/dev', netDev(10_000_000 + step * 4_000_000));
    tree.write('proc/diskstats', diskstats(100_000 + step * 20_000));
  };
  tick(0);
  tree.write('proc/loadavg', '0.50 0.40 0.30 2/150 1234\n');
  tree.write('proc/meminfo', 'MemTotal: 8000000 kB\nMemFree: 1000000 kB\nMemAvailable: 5000000 kB\nSwapTotal: 2000000 kB\nSwapFree: 1500000 kB\n');
  tree.write('proc/uptime', '277230.57 500000.00\n');
  tree.write('proc/cpuinfo', 'processor\t: 0\nmodel name\t: Test CPU\n\nprocessor\t: 1\nmodel name\t: Test CPU\n');
  tree.write('proc/sys/kernel/hostname', 'web1.example.com\n');
  tree.write('proc/sys/kernel/random/boot_id', '5f0c1c2e-8d5e-4a77-9a3b-1d2e3f405162\n');
  tree.write(
    'proc/net/route',
    'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\neth0\t00000000\t0100A8C0\t0003\t0\t0\t100\t00000000\t0\t0\t0\n',
  );
  for (const pid of ['1', '42', '4242']) mkdirSync(join(tree.procRoot, pid), { recursive: true });
  tree.write('sys/class/block/sda/dev', '8:0\n');
  for (const [file, value] of Object.entries({
    type: 'Battery',
    present: 1,
    status: 'Discharging',
    capacity: 65,
    energy_full: 50000000,
    energy_now: 32500000,
    power_now: 15000000,
  }))
    tree.write(`sys/class/power_supply/BAT0/${file}`, `${value}\n`);
  tree.write('root/var/run/reboot-required', '*** System restart required ***\n');
  tree.write('root/var/run/reboot-required.pkgs', 'linux-image-6.1.0-29-amd64\n');
  tree.write('root/var/lib/update-notifier/updates-available', '\n5 updates can be applied immediately.\n3 of these updates are standard security updates.\n');
  mkdirSync(join(tree.root, 'var/run'), { recursive: true });
  writeFileSync(join(tree.root, 'var/run/utmp'), Buffer.concat([utmpRecord('alice', 'pts/0', '192.0.2.7'), utmpRecord('bob', 'tty1', '')]));
  const scripts = join(tree.dir, 'scripts');
  mkdirSync(scripts, { recursive: true });
  writeFileSync(join(scripts, '5_mail'), '#!/bin/sh\necho "3 new mails"\n');
  chmodSync(join(scripts, '5_mail'), 0o755);
  return { tick };
}

/** Options that make a module publish here (ip: loopback, whose address every host has). */
const OPTIONS: Record<string, Record<string, unknown>> = { 'ec2-cost': { estimate_off_ec2: true }, ip: { interface: 'lo' } };

let tree: FixtureTree;
let docs: Map<string, Field[]>;
/** What each module published over its two collects, by id. */
const published = new Map<string, Record<string, unknown>[]>();

beforeAll(async () => {
  tree = fixtureTree();
  const { tick } = host(tree);
  docs = documentedFields(readFileSync(DOC, 'utf8'));
  const env = { PATH: process.env.PATH, SHOJI_CACHE_DIR: join(tree.dir, 'cache'), AWS_EC2_METADATA_SERVICE_ENDPOINT: 'http://127.0.0.1:9' };
  const script = scriptModule(findScripts([join(tree.dir, 'scripts')])[0]) as AnyModule;
  const modules: [string, AnyModule][] = [...BUILTIN_MODULES.map((m): [string, AnyModule] => [m.id, m]), ['custom:NAME', script]];
  for (const [id, mod] of modules) {
    tick(0);
    const ctx = moduleContext(mod, tree, OPTIONS[id] ?? {}, env);
    const first: Collected = await mod.collect(ctx, undefined);
    tick(1);
    ctx.clock.advance(2000);
    const second: Collected = await mod.collect(ctx, first.memo);
    published.set(
      id,
      [first.data, second.data].filter((d): d is Record<string, unknown> => d !== undefined),
    );
  }
});
afterAll(() => tree.cleanup());

describe('docs/plugins.md describes the data of every built-in module', () => {
  it('has a section for each built-in module and the script modules, and no other', () => {
    expect([...docs.keys()].sort()).toEqual([...BUILTIN_MODULES.map((m) => m.id), 'custom:NAME'].sort());
  });

  it('each module publishes data from the fixture host (so the check below has something to check)', () => {
    const silent = [...published].filter(([, data]) => data.length === 0).map(([id]) => id);
    expect(silent).toEqual([]);
  });

  it('every published field is documented with a matching type, and every documented one is published', () => {
    const problems: string[] = [];
    for (const [id, data] of published) {
      for (const d of data) problems.push(...dataProblems(id, d, docs.get(id) ?? []));
      // A field documented as optional must still turn up in the fixtures, or it is untested.
      for (const f of docs.get(id) ?? []) {
        if (f.optional && !f.name.includes('[') && !data.some((d) => f.name in d)) problems.push(`${id}.${f.name} (optional) was never published here`);
      }
    }
    expect([...new Set(problems)]).toEqual([]);
  });
});

describe('the checker itself', () => {
  const fields: Field[] = [
    { name: 'rx', optional: false, type: 'number' },
    { name: 'mode', optional: false, type: "'a' | 'b'" },
    { name: 'cores', optional: false, type: '(number | null)[]' },
    { name: 'left', optional: true, type: 'number' },
    { name: 'items', optional: false, type: 'object[]' },
    { name: 'items[].name', optional: false, type: 'string' },
  ];
  const good = { rx: 1, mode: 'a', cores: [0.5, null], items: [{ name: 'x' }] };

  it('accepts data as documented', () => {
    expect(dataProblems('m', good, fields)).toEqual([]);
  });

  it('names an undocumented field, a missing one, a wrong type and a nested field', () => {
    expect(dataProblems('m', { ...good, extra: 1 }, fields)).toEqual(['m.extra is published but not documented']);
    const { rx: _rx, ...noRx } = good;
    expect(dataProblems('m', noRx, fields)).toEqual(['m.rx is documented but not published']);
    expect(dataProblems('m', { ...good, mode: 'c' }, fields)).toEqual(["m.mode is \"c\", not 'a' | 'b'"]);
    expect(dataProblems('m', { ...good, cores: [0.5, 'x'] }, fields)).toEqual(['m.cores is [0.5,"x"], not (number | null)[]']);
    expect(dataProblems('m', { ...good, items: [{ name: 'x', size: 1 }] }, fields)).toEqual(['m.items[0].size is published but not documented']);
    expect(dataProblems('m', { ...good, items: [] }, fields)).toEqual(['m.items has no element to check its documented fields against']);
  });

  it('reads the tables, escaped pipes and optional marks included', () => {
    const md = `${SECTION}\n\n### \`x\`\n\n| Field | Type | Unit | Meaning |\n|--|--|--|--|\n| \`a?\` | 'p' \\| 'q' | | A |\n| \`b[].c\` | number | bytes | C |\n\n## Next\n\n### \`y\`\n`;
    expect([...documentedFields(md)]).toEqual([
      [
        'x',
        [
          { name: 'a', optional: true, type: "'p' | 'q'" },
          { name: 'b[].c', optional: false, type: 'number' },
        ],
      ],
    ]);
  });
});
