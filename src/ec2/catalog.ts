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
  types: Map<string, InstanceType>;
}

type Row = [string, number | null, number | null, Arch | null, number | null, 0 | 1, 0 | 1, string | null];

let loaded: Catalog | undefined;

export function catalogPath(): string {
  return join(packageRoot(), 'data', 'ec2-catalog.json');
}

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
  const types = new Map<string, InstanceType>();
  for (const [type, vcpu, memoryMiB, arch, gpus, burstable, current, usdPerHour] of raw.types) {
    types.set(type, { type, vcpu, memoryMiB, arch, gpus, burstable: burstable === 1, current: current === 1, usdPerHour });
  }
  return (loaded = { region: raw.region, pricesAsOf: raw.pricesAsOf, sources: raw.sources, types });
}

/** "m7i.lage" -> ["m7i.large", ...]: close names for an error message. */
export function suggestTypes(catalog: Catalog, name: string): string[] {
  return closest(name, catalog.types.keys(), 3);
}

/** The size part of a type name: "m7i.large" -> "large". */
export function sizeOf(type: string): string {
  const dot = type.indexOf('.');
  return dot < 0 ? '' : type.slice(dot + 1);
}
