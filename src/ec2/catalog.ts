/**
 * The instance catalogue shipped in data/ec2-catalog.json (derived by
 * scripts/derive-ec2-catalog.mjs): every type's vCPUs, memory, architecture, and its us-east-1
 * on-demand Linux price with the date of that price. Parsed on first use, only on the EC2 path.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../core/package-root.js';
import { closest } from './suggest.js';

export type Arch = 'x86_64' | 'arm64';

export interface InstanceType {
  type: string;
  vcpu: number | null;
  memoryMiB: number | null;
  arch: Arch | null;
  gpus: number | null;
  burstable: boolean;
  /** A current-generation type with complete data and a price: eligible for suggestions. */
  current: boolean;
  /** Decimal string as published, or null when the catalogue has no price. */
  usdPerHour: string | null;
}

export interface Catalog {
  region: string;
  pricesAsOf: string;
  sources: string[];
  /** Names in catalogue order. */
  names: string[];
  has(type: string): boolean;
  /** The type's facts, or undefined when it is not in the catalogue. */
  get(type: string): InstanceType | undefined;
  /** The raw rows, for a fast scan (off EC2, to find the cheapest fits): see Row. */
  rows: readonly Row[];
}

/** [type, vcpu, memoryMiB, arch, gpus, burstable, current, usdPerHour], as in the file. */
export type Row = [string, number | null, number | null, Arch | null, number | null, 0 | 1, 0 | 1, string | null];

let loaded: Catalog | undefined;

export function catalogPath(): string {
  return join(packageRoot(), 'data', 'ec2-catalog.json');
}

function toType(r: Row): InstanceType {
  return { type: r[0], vcpu: r[1], memoryMiB: r[2], arch: r[3], gpus: r[4], burstable: r[5] === 1, current: r[6] === 1, usdPerHour: r[7] };
}

/**
 * Parsed once per process. Rows stay the arrays JSON.parse made; objects are built only for
 * the types asked about, since building all 1,400 costs more than the parse (measured).
 */
export function loadCatalog(): Catalog {
  if (loaded) return loaded;
  const path = catalogPath();
  let raw: { format: number; region: string; pricesAsOf: string; sources: string[]; types: Row[] };
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read the instance catalogue ${path}: ${(err as Error).message}`);
  }
  if (raw.format !== 1 || !Array.isArray(raw.types)) throw new Error(`${path}: not a shoji instance catalogue (format 1)`);
  const rows = raw.types;
  const index = new Map<string, number>();
  const names: string[] = new Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    names[i] = rows[i][0];
    index.set(rows[i][0], i);
  }
  const built = new Map<string, InstanceType>();
  const get = (type: string): InstanceType | undefined => {
    let t = built.get(type);
    if (!t) {
      const i = index.get(type);
      if (i === undefined) return undefined;
      built.set(type, (t = toType(rows[i])));
    }
    return t;
  };
  return (loaded = {
    region: raw.region,
    pricesAsOf: raw.pricesAsOf,
    sources: raw.sources,
    names,
    has: (type) => index.has(type),
    get,
    rows,
  });
}

/** "m7i.lage" -> ["m7i.large", ...]: close names for an error message. */
export function suggestTypes(catalog: Catalog, name: string): string[] {
  return closest(name, catalog.names, 3);
}

/** The size part of a type name: "m7i.large" -> "large". */
export function sizeOf(type: string): string {
  const dot = type.indexOf('.');
  return dot < 0 ? '' : type.slice(dot + 1);
}
