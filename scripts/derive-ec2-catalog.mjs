#!/usr/bin/env node
// Derives shoji's own instance catalogue, data/ec2-catalog.json, from the shared research copy
// (../shared/data/ec2-catalog.json by default; pass another path as the first argument).
//
// The output is JSON with one array per instance type on a line of its own, in the order named by
// "fields": current-generation types first, cheapest first (then by name), then the rest by
// name. The one-shot `ec2-cost` reads only the lines it needs (src/ec2/catalog.ts): a type by
// name, or the cheapest current types until enough fit the host. Provenance (pricesAsOf,
// sources, region) is kept and shown by every report. Prices are written as decimal strings so
// that they are read back exactly as published.
//
// "current" marks types shoji may suggest off EC2: not a previous-generation family (AWS's
// "Previous generation instances" list, plus families AWS has retired), with known vCPUs,
// memory, architecture and a price.
//
//   node scripts/derive-ec2-catalog.mjs [path/to/shared/ec2-catalog.json]
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const source = resolve(process.argv[2] ?? join(root, '..', 'shared', 'data', 'ec2-catalog.json'));
const target = join(root, 'data', 'ec2-catalog.json');
const REGION = 'us-east-1';

const PREVIOUS_GENERATION = new Set([
  // AWS EC2 user guide, "Previous generation instances"
  'a1',
  'c1',
  'c3',
  'c4',
  'g3',
  'g3s',
  'i2',
  'm1',
  'm2',
  'm3',
  'm4',
  'r3',
  'r4',
  't1',
  'x1',
  'x1e',
  // retired or superseded families still present in price lists
  'cc2',
  'cr1',
  'hs1',
  'g2',
  'p2',
  'f1',
]);

const ARCH = { amd64: 'x86_64', arm64: 'arm64' };

const input = JSON.parse(readFileSync(source, 'utf8'));
if (!Array.isArray(input.instanceTypes)) throw new Error(`${source}: no instanceTypes array`);

const rows = [];
for (const t of input.instanceTypes) {
  const price = t.onDemandUsdPerHour?.[REGION];
  const arch = t.arch == null ? null : (ARCH[t.arch] ?? t.arch);
  const complete = t.vcpu != null && t.memoryMiB != null && arch != null && typeof price === 'number';
  const current = complete && !PREVIOUS_GENERATION.has(t.family) ? 1 : 0;
  rows.push([
    t.instanceType,
    t.vcpu ?? null,
    t.memoryMiB ?? null,
    arch,
    t.gpus ?? null,
    t.burstable ? 1 : 0,
    current,
    typeof price === 'number' ? String(price) : null,
  ]);
}
const byName = (a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
// Prices have at most a few decimals, so comparing them as numbers orders them exactly.
const currentRows = rows.filter((r) => r[6] === 1).sort((a, b) => Number(a[7]) - Number(b[7]) || byName(a, b));
const otherRows = rows.filter((r) => r[6] !== 1).sort(byName);

const out = {
  format: 2,
  description:
    'EC2 instance types (vCPU, memory MiB, architecture, GPUs, burstable, current generation) and on-demand Linux shared-tenancy USD per hour in one region',
  region: REGION,
  pricesAsOf: input.pricesAsOf,
  sources: input.sources,
  derivedFrom: relative(root, source),
  derivedBy: 'scripts/derive-ec2-catalog.mjs',
  fields: ['type', 'vcpu', 'memoryMiB', 'arch', 'gpus', 'burstable', 'current', 'usdPerHour'],
  order: 'the currentTypes current-generation types first, cheapest first (then by name); then the rest by name',
  currentTypes: currentRows.length,
  types: [...currentRows, ...otherRows],
};

// One type per line: compact to parse, readable in a diff.
const text = `${JSON.stringify({ ...out, types: [] }, null, 1).replace(/"types": \[\]\n\}$/, '"types": [\n')}${out.types
  .map((r) => JSON.stringify(r))
  .join(',\n')}\n]\n}\n`;
JSON.parse(text); // never write something that does not read back
mkdirSync(dirname(target), { recursive: true });
const tmp = `${target}.${process.pid}.tmp`;
writeFileSync(tmp, text);
renameSync(tmp, target);
const priced = rows.filter((r) => r[7] !== null).length;
const current = rows.filter((r) => r[6] === 1).length;
process.stdout.write(`${relative(process.cwd(), target)}: ${rows.length} types, ${priced} priced, ${current} current; prices as of ${out.pricesAsOf}\n`);
