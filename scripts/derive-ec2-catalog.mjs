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
// "burstable" marks the T families only (t1, t2, t3, t3a, t4g); the research copy also flags the
// Trainium types (trn1, trn2), which earn no CPU credits. The header's burstableBaseline gives each
// burstable type's baseline CPU share per vCPU, worked out here from the CPU credits AWS says it
// earns an hour (baseline = credits / vCPUs / 60 minutes, AWS's own formula); `ec2-cost --fit`
// counts a burstable type only when the host's busiest day averaged within it. Flex types
// (m7i-flex, c7i-flex, m8i-flex, c8i-flex, r8i-flex...) are not burstable in the research copy but
// are not fixed-performance either: AWS gives every flex type one baseline, 40% of each vCPU, with
// full CPU 95% of the time over 24 hours. The header's flexBaseline holds that rule (the share and
// its source) and the families it applies to, found by name here; the fit judges them as burstable
// types, by the busiest day's mean. The header's
// acceleratedFamilies are the families with GPUs or other accelerators, which the fit never
// suggests (nothing shoji records needs them).
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

// AWS EC2 User Guide, "Key concepts for burstable performance instances", the CPU credit table:
// CPU credits earned per hour, per type. t1.micro (previous generation) is not in the table.
const BASELINE_SOURCE =
  'AWS EC2 User Guide, "Key concepts for burstable performance instances", CPU credit table (credits earned per hour; baseline per vCPU = credits / vCPUs / 60): https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/burstable-credits-baseline-concepts.html';
const CREDITS_PER_HOUR = {
  't2.nano': 3,
  't2.micro': 6,
  't2.small': 12,
  't2.medium': 24,
  't2.large': 36,
  't2.xlarge': 54,
  't2.2xlarge': 81.6,
  't3.nano': 6,
  't3.micro': 12,
  't3.small': 24,
  't3.medium': 24,
  't3.large': 36,
  't3.xlarge': 96,
  't3.2xlarge': 192,
  't3a.nano': 6,
  't3a.micro': 12,
  't3a.small': 24,
  't3a.medium': 24,
  't3a.large': 36,
  't3a.xlarge': 96,
  't3a.2xlarge': 192,
  't4g.nano': 6,
  't4g.micro': 12,
  't4g.small': 24,
  't4g.medium': 24,
  't4g.large': 36,
  't4g.xlarge': 96,
  't4g.2xlarge': 192,
};
const BURSTABLE_FAMILY = /^t[0-9]+[a-z]?$/;

// AWS EC2 Instance Types Guide, "Amazon EC2 instance types", "Instance performance", "Flex
// instances": one baseline for every flex type, whatever its size, so it is a rule, not a table.
const FLEX_SOURCE =
  'AWS EC2 Instance Types Guide, "Amazon EC2 instance types", Instance performance, "Flex instances" (C7i-flex, C8i-flex, M7i-flex, M8i-flex, R8i-flex: "a baseline CPU performance of 40 percent", "up to 100 percent CPU performance for 95 percent of the time over a 24-hour window"): https://docs.aws.amazon.com/ec2/latest/instancetypes/instance-types.html#instance-performance';
const FLEX_BASELINE_PER_VCPU = 0.4;
const FLEX_FAMILY = /^[a-z]+[0-9]+[a-z]*-flex$/;

// Accelerated computing families the source gives no GPU count for (AWS's "Accelerated computing"
// list: Inferentia, Trainium, Gaudi, FPGAs, video transcoding, fractional GPUs, and old GPU types
// with no data); families with a GPU count are found below.
const ACCELERATED_WITHOUT_GPU_COUNT = new Set([
  'dl1',
  'dl2q',
  'f1',
  'f2',
  'g2',
  'g3',
  'g3s',
  'g6f',
  'gr6f',
  'inf1',
  'inf2',
  'p2',
  'trn1',
  'trn1n',
  'trn2',
  'vt1',
]);

const ARCH = { amd64: 'x86_64', arm64: 'arm64' };

const input = JSON.parse(readFileSync(source, 'utf8'));
if (!Array.isArray(input.instanceTypes)) throw new Error(`${source}: no instanceTypes array`);

const rows = [];
const burstableBaseline = {};
const accelerated = new Set(ACCELERATED_WITHOUT_GPU_COUNT);
const flexFamilies = new Set();
for (const t of input.instanceTypes) {
  if ((t.gpus ?? 0) > 0) accelerated.add(t.family);
  if (FLEX_FAMILY.test(t.family)) {
    if (t.burstable === true) throw new Error(`${source}: ${t.instanceType} is a flex type marked burstable: which baseline applies?`);
    flexFamilies.add(t.family);
  }
  const burstable = t.burstable === true && BURSTABLE_FAMILY.test(t.family);
  const credits = CREDITS_PER_HOUR[t.instanceType];
  if (credits !== undefined) {
    if (!burstable || !(t.vcpu > 0)) throw new Error(`${source}: ${t.instanceType} has a CPU credit rate but is not a burstable type with vCPUs`);
    // Four decimals: every published share (5%, 22.5%, 17%) is exact at that precision.
    burstableBaseline[t.instanceType] = Math.round((credits / t.vcpu / 60) * 10000) / 10000;
  }
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
    burstable ? 1 : 0,
    current,
    typeof price === 'number' ? String(price) : null,
  ]);
}
for (const r of rows) {
  if (r[5] === 1 && r[6] === 1 && burstableBaseline[r[0]] === undefined) {
    throw new Error(`${r[0]} is a current burstable type with no CPU credit rate: add it to CREDITS_PER_HOUR from AWS's table`);
  }
}
const byName = (a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
// Prices have at most a few decimals, so comparing them as numbers orders them exactly.
const currentRows = rows.filter((r) => r[6] === 1).sort((a, b) => Number(a[7]) - Number(b[7]) || byName(a, b));
const otherRows = rows.filter((r) => r[6] !== 1).sort(byName);

const out = {
  format: 2,
  description:
    "EC2 instance types (vCPU, memory MiB, architecture, GPUs, burstable, current generation) and on-demand Linux shared-tenancy USD per hour in one region; burstable types' baseline CPU share per vCPU; flex families' baseline share per vCPU; accelerated families",
  region: REGION,
  pricesAsOf: input.pricesAsOf,
  sources: [...input.sources, BASELINE_SOURCE, FLEX_SOURCE],
  burstableBaseline: Object.fromEntries(Object.entries(burstableBaseline).sort(([a], [b]) => (a < b ? -1 : 1))),
  flexBaseline: { perVcpu: FLEX_BASELINE_PER_VCPU, families: [...flexFamilies].sort() },
  acceleratedFamilies: [...accelerated].sort(),
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
