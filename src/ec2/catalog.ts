/**
 * The instance catalogue shipped in data/ec2-catalog.json (derived by
 * scripts/derive-ec2-catalog.mjs): every type's vCPUs, memory, architecture, and its us-east-1
 * on-demand Linux price with the date of that price.
 *
 * The file is plain JSON with one type per line, current-generation types first and cheapest
 * first. A report reads only the lines it needs: a type by name, or the cheapest current types
 * until enough fit this host. Parsing all ~1,400 rows took ~1.2 ms of a one-shot report whose
 * whole budget over Node's start is ~10 ms (measured), and is done only when every row is needed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../core/package-root.js';
import { closest } from './suggest.js';

export type Arch = 'x86_64' | 'arm64';

/** A type that sustains only part of its vCPUs: a burstable (T) type or a flex type. */
export type BaselineKind = 'burstable' | 'flex';

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

/** [type, vcpu, memoryMiB, arch, gpus, burstable, current, usdPerHour], as in the file. */
export type Row = [string, number | null, number | null, Arch | null, number | null, 0 | 1, 0 | 1, string | null];

export interface Catalog {
  region: string;
  pricesAsOf: string;
  sources: string[];
  /**
   * The CPU share per vCPU a type sustains (0.2 = 20% of each vCPU), as AWS publishes it: a
   * burstable type's from its credit table, a flex type's from the flex rule (40%); null for a
   * fixed-performance type, or a burstable one not in AWS's credit table.
   */
  baselinePerVcpu(type: string): number | null;
  /** Which kind of baseline the type has: 'burstable' (T types), 'flex' (m7i-flex...), or null. */
  baselineKind(type: string): BaselineKind | null;
  /** The type's family has GPUs or other accelerators (never suggested by the fit). */
  isAccelerated(type: string): boolean;
  /** Every type's name (reads the whole catalogue: for suggestions). */
  readonly names: string[];
  has(type: string): boolean;
  /** The type's facts, or undefined when it is not in the catalogue. */
  get(type: string): InstanceType | undefined;
  /** The current-generation rows, cheapest first, each parsed as the caller comes to it. */
  currentByPrice(): Iterable<Row>;
  /** Every row, in file order (parsed once, on first use). */
  allRows(): readonly Row[];
}

/** Opens the types in the file; everything before it is the header, each row is a line of its own. */
const TYPES_OPEN = '"types": [';
const FORMAT = 2;

let loaded: Catalog | undefined;

export function catalogPath(): string {
  return join(packageRoot(), 'data', 'ec2-catalog.json');
}

function toType(r: Row): InstanceType {
  return { type: r[0], vcpu: r[1], memoryMiB: r[2], arch: r[3], gpus: r[4], burstable: r[5] === 1, current: r[6] === 1, usdPerHour: r[7] };
}

/** Parsed once per process; rows are parsed line by line as they are asked for. */
export function loadCatalog(): Catalog {
  if (loaded) return loaded;
  const path = catalogPath();
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`cannot read the instance catalogue ${path}: ${(err as Error).message}`);
  }
  loaded = parseCatalog(text, path);
  return loaded;
}

/** The catalogue in `text` (the file at `path`); a line that does not read throws, naming it. */
export function parseCatalog(text: string, path: string): Catalog {
  const notCatalogue = `${path}: not a shoji instance catalogue (format ${FORMAT}, one type per line; see scripts/derive-ec2-catalog.mjs)`;
  const open = text.indexOf(TYPES_OPEN);
  if (open < 0) throw new Error(notCatalogue);
  let header: {
    format: number;
    region: string;
    pricesAsOf: string;
    sources: string[];
    currentTypes: number;
    burstableBaseline?: Record<string, number>;
    flexBaseline?: { perVcpu: number; families: string[] };
    acceleratedFamilies?: string[];
  };
  try {
    header = JSON.parse(`${text.slice(0, open)}"types": []}`);
  } catch {
    throw new Error(notCatalogue);
  }
  if (header.format !== FORMAT || !Number.isInteger(header.currentTypes)) throw new Error(notCatalogue);
  const firstRow = text.indexOf('\n', open) + 1;
  if (firstRow === 0) throw new Error(notCatalogue);

  /** The row on the line starting at `at`, and where the next line starts; null at the end. */
  const rowAt = (at: number): { row: Row; next: number } | null => {
    if (at >= text.length) throw new Error(`${path}: ends before its types are closed (truncated?)`);
    let end = text.indexOf('\n', at);
    if (end < 0) end = text.length;
    // Without the line's "\r" and ",": by character code, as a regular expression per row
    // doubled the time to scan the few hundred cheapest rows (measured).
    let stop = end;
    if (text.charCodeAt(stop - 1) === 13) stop--;
    if (text.charCodeAt(stop - 1) === 44) stop--;
    const line = text.slice(at, stop);
    if (line === ']') return null;
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch {
      row = undefined;
    }
    if (!Array.isArray(row) || row.length !== 8 || typeof row[0] !== 'string') {
      const lineNo = text.slice(0, at).split('\n').length;
      throw new Error(`${path}:${lineNo}: not an instance type row: ${line.slice(0, 60)}`);
    }
    return { row: row as Row, next: end + 1 };
  };

  let all: Row[] | undefined;
  let names: string[] | undefined;
  let rowByName: Map<string, Row> | undefined;
  const allRows = (): Row[] => {
    if (all) return all;
    const rows: Row[] = [];
    for (let r = rowAt(firstRow); r; r = rowAt(r.next)) rows.push(r.row);
    all = rows;
    return rows;
  };
  const rowNamed = (type: string): Row | undefined => {
    if (all) {
      rowByName ??= new Map(all.map((r) => [r[0], r]));
      return rowByName.get(type);
    }
    // The row's line starts with its name: ["m7i.large",
    const at = text.indexOf(`\n${JSON.stringify([type]).slice(0, -1)},`, firstRow - 1);
    return at < 0 ? undefined : rowAt(at + 1)!.row;
  };
  const found = new Map<string, InstanceType | undefined>();
  const get = (type: string): InstanceType | undefined => {
    if (!found.has(type)) {
      const row = rowNamed(type);
      found.set(type, row && toType(row));
    }
    return found.get(type);
  };
  // All three are optional in the file (a hand-made catalogue without them suggests no burstable
  // type to the fit, treats no type as flex and no family as accelerated); a value of the wrong
  // kind is refused.
  const baselines = header.burstableBaseline ?? {};
  if (typeof baselines !== 'object' || baselines === null || Object.values(baselines).some((v) => typeof v !== 'number' || !(v > 0 && v <= 1))) {
    throw new Error(`${path}: burstableBaseline must map types to a share of a vCPU above 0 and at most 1`);
  }
  const flex = header.flexBaseline === undefined ? { perVcpu: 1, families: [] } : header.flexBaseline;
  if (
    typeof flex !== 'object' ||
    flex === null ||
    typeof flex.perVcpu !== 'number' ||
    !(flex.perVcpu > 0 && flex.perVcpu <= 1) ||
    !Array.isArray(flex.families) ||
    flex.families.some((f) => typeof f !== 'string')
  ) {
    throw new Error(`${path}: flexBaseline must be { perVcpu: a share of a vCPU above 0 and at most 1, families: [names] }`);
  }
  const flexFamilies = new Set(flex.families);
  const kindOf = (type: string): BaselineKind | null => (Object.hasOwn(baselines, type) ? 'burstable' : flexFamilies.has(familyOf(type)) ? 'flex' : null);
  const accelerated = new Set(header.acceleratedFamilies ?? []);
  return {
    region: header.region,
    pricesAsOf: header.pricesAsOf,
    sources: header.sources,
    baselinePerVcpu: (type) => {
      const kind = kindOf(type);
      return kind === 'burstable' ? baselines[type] : kind === 'flex' ? flex.perVcpu : null;
    },
    baselineKind: kindOf,
    isAccelerated: (type) => accelerated.has(familyOf(type)),
    get names() {
      names ??= allRows().map((r) => r[0]);
      return names;
    },
    has: (type) => get(type) !== undefined,
    get,
    *currentByPrice() {
      let r = rowAt(firstRow);
      for (let i = 0; i < header.currentTypes && r; i++, r = rowAt(r.next)) yield r.row;
    },
    allRows,
  };
}

/** "m7i.lage" -> ["m7i.large", ...]: close names for an error message. */
export function suggestTypes(catalog: Catalog, name: string): string[] {
  return closest(name, catalog.names, 3);
}

/** The family part of a type name: "m7i.large" -> "m7i". */
export function familyOf(type: string): string {
  const dot = type.indexOf('.');
  return dot < 0 ? type : type.slice(0, dot);
}

/** The size part of a type name: "m7i.large" -> "large". */
export function sizeOf(type: string): string {
  const dot = type.indexOf('.');
  return dot < 0 ? '' : type.slice(dot + 1);
}
