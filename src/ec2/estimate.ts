/**
 * One estimate, from what the host says and what the user overrides, for the command and the
 * status module alike. Three modes:
 *
 * - "ec2":     on EC2 with a known instance type (or a type named on EC2);
 * - "what-if": off EC2 with a type named by the user;
 * - "off-ec2": off EC2 (or on EC2 with no way to learn the type): the cheapest three types
 *              that fit this host.
 *
 * Everything here is exact (money.ts); rounding is the renderers' business (report.ts).
 */
import { join } from 'node:path';
import { loadCatalog, suggestTypes, type Arch, type Catalog } from './catalog.js';
import { archOf, readHostSize, readTraffic, readUptimeFrom, type HostSize, type Traffic, UPTIME_FROM_WORDS, type UptimeSource } from './host.js';
import { hereCounters, offLinux, readHereOffLinux } from './ledger/record.js';
import { EstimateError } from './errors.js';
import { identify, type Identity } from './identify.js';
import { computeCost, hourlyTotal, projectThirtyDays, type Cost, type CostInput } from './model.js';
import { dec, int, type Q } from './money.js';
import { cheapestFits } from './offhost.js';
import { readRefreshedPrices, refreshedEgress } from './price-cache.js';
import { quotePrice, type PriceQuote } from './prices.js';
import type { SpotLookup, SpotMode } from './spot.js';
import { transferRates, type EbsType, type TransferRates } from './rates.js';
import { isKnownRegion, notModelled, unknownRegionMessage, type NotModelled } from './regions.js';

export { EstimateError };

export const DEFAULT_REGION = 'us-east-1';

export interface EstimateRequest {
  procRoot: string;
  sysRoot: string;
  env: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  now?: () => Date;
  /** Already known (the status module keeps it between collects). */
  identity?: Identity;
  instanceType?: string;
  region?: string;
  uptimeSeconds?: Q;
  txBytes?: Q;
  rxBytes?: Q;
  interfaces?: string[];
  freeTier?: boolean;
  /** undefined: what the metadata service says on EC2, none elsewhere. */
  publicIpv4?: boolean;
  ebs?: { gb: Q; type: EbsType } | null;
  spotUsdPerHour?: Q;
  /**
   * On a spot instance: 'fetch' (the default) may ask EC2 for the spot price (bounded, cached
   * for an hour); 'cache' uses the cached price only (the status line); 'none' never looks.
   */
  spotLookup?: SpotMode | 'none';
  /** Off EC2: the size to fit (default: this host's) and the architecture ('any' = all). */
  vcpus?: number;
  memoryMiB?: number;
  arch?: Arch | 'any';
  /** IMDS per-request timeout (tests shorten it). */
  imdsTimeoutMs?: number;
}

export interface Priced {
  instanceType: string;
  vcpu: number | null;
  memoryMiB: number | null;
  /** A t-family type: its price assumes CPU use within the baseline (CPU credits). */
  burstable: boolean;
  region: string;
  quote: PriceQuote;
  spot: boolean;
  /** The spot price was given by the user (and is the rate used). */
  spotPriceGiven: boolean;
  /** On a spot instance: the spot price looked up (used when it has one), or why there is none. */
  spotLookup: SpotLookup | null;
  /** The hourly rate used: the spot price given or looked up, else the on-demand price. */
  usdPerHour: Q;
  input: CostInput;
  cost: Cost;
  per30Days: Q;
  /** Everything that accrues by the hour: instance + IPv4 + EBS. */
  hourlyAll: Q;
}

export interface Estimate {
  mode: 'ec2' | 'what-if' | 'off-ec2';
  identity: Identity;
  region: string;
  transfer: TransferRates;
  uptimeFrom: UptimeSource | 'option';
  trafficFrom: 'proc' | 'option' | 'mixed';
  interfaces: string[];
  missingInterfaces: string[];
  freeTier: boolean;
  /** The estimate the one-line report shows (the cheapest candidate off EC2). */
  main: Priced;
  /** Off EC2: the cheapest fits, main first. */
  candidates: Priced[];
  /** Off EC2: what was fitted. */
  fit?: { vcpus: number; memoryMiB: number; arch: Arch | null };
  /** Set when the region is outside what shoji models: the one-line report says so. */
  notModelled: NotModelled | null;
  notes: string[];
  assumptions: string[];
}

function usage(message: string): never {
  throw new EstimateError(message, 'usage');
}

function runtime<T>(read: () => T): T {
  try {
    return read();
  } catch (err) {
    throw new EstimateError((err as Error).message, 'runtime');
  }
}

export async function estimate(asked: EstimateRequest): Promise<Estimate> {
  // Instance types and regions are lower case at AWS: "M7I.LARGE" means m7i.large.
  const req = { ...asked, instanceType: asked.instanceType?.trim().toLowerCase(), region: asked.region?.trim().toLowerCase() };
  if (req.region !== undefined && !isKnownRegion(req.region)) usage(unknownRegionMessage(req.region));
  const catalog = runtime(loadCatalog);
  if (req.instanceType !== undefined && !catalog.has(req.instanceType)) {
    const near = suggestTypes(catalog, req.instanceType);
    usage(`unknown instance type "${req.instanceType}"${near.length > 0 ? ` (did you mean ${near.join(', ')}?)` : ''}`);
  }

  const identity =
    req.identity ?? (await identify({ sysRoot: req.sysRoot, procRoot: req.procRoot, env: req.env, signal: req.signal, timeoutMs: req.imdsTimeoutMs }));
  const notes: string[] = [];

  const uptimeRead = req.uptimeSeconds === undefined ? runtime(() => readUptimeFrom(req.procRoot)) : null;
  const uptimeSeconds = req.uptimeSeconds ?? uptimeRead!.seconds;
  const needProc = req.txBytes === undefined || req.rxBytes === undefined;
  // Without /proc (macOS, the BSDs): the counters the host reader gives, as the ledger records them.
  const traffic = !needProc
    ? null
    : offLinux(req.procRoot)
      ? await trafficOffLinux(req, req.interfaces ?? [])
      : runtime(() => readTraffic(req.procRoot, req.interfaces ?? []));
  if (traffic && req.interfaces?.length && traffic.missing.length > 0) {
    // Named by the user: a typo must not quietly count nothing.
    usage(`--interfaces: no interface ${traffic.missing.join(', ')} on this host (there: ${traffic.listed.join(', ') || 'none'})`);
  }
  if (traffic?.unavailable) notes.push(traffic.unavailable);
  else if (traffic && traffic.missing.length > 0) {
    notes.push(
      `the default route's interface(s) ${traffic.missing.join(', ')} have no counters${traffic.interfaces.length === 0 ? ': no traffic counted' : ''}`,
    );
  } else if (traffic && traffic.interfaces.length === 0) notes.push('no default route: no traffic counted');
  const txBytes = req.txBytes ?? traffic!.txBytes;
  const rxBytes = req.rxBytes ?? traffic!.rxBytes;

  const region = req.region ?? identity.region ?? DEFAULT_REGION;
  if (!req.region && !identity.region && identity.onEc2)
    notes.push(`the region is unknown (metadata service: ${identity.imdsNote ?? 'not asked'}): ${DEFAULT_REGION} assumed`);
  if (!isKnownRegion(region)) notes.push(`${region} is a region shoji has no data for`);
  const cached = readRefreshedPrices(req.env, region);
  // The region's refreshed egress tiers when its last refresh found them, else the shipped ones.
  const transfer = transferRates(region, refreshedEgress(cached.prices));
  if (transfer.note) notes.push(transfer.note);
  if (cached.problem) notes.push(cached.problem);
  const refreshed = cached.prices;
  const outside = notModelled(region, refreshed !== null);

  const type = req.instanceType ?? (identity.onEc2 ? identity.instanceType : null);
  const mode: Estimate['mode'] = identity.onEc2 && type ? 'ec2' : type ? 'what-if' : 'off-ec2';
  if (identity.onEc2 && !type)
    notes.push(
      `this is EC2 but its instance type is unknown (metadata service: ${identity.imdsNote ?? 'not asked'}): the cheapest types that fit this host are shown`,
    );

  const freeTier = req.freeTier ?? false;
  const publicIpv4 = req.publicIpv4 ?? (mode === 'ec2' ? identity.publicIpv4 === true : false);
  const spot = mode === 'ec2' && identity.lifecycle === 'spot' && !req.instanceType;
  const base = { uptimeSeconds, txBytes, rxBytes, transfer, freeTier, publicIpv4, ebs: req.ebs ?? null };

  if (mode === 'off-ec2' && req.spotUsdPerHour !== undefined) usage('--spot-price needs --instance-type off EC2');
  const lookup = spot && req.spotUsdPerHour === undefined ? await spotLookup(req, identity, region) : null;
  const price = (t: string, quote: PriceQuote, isSpot: boolean): Priced => {
    const looked = isSpot ? lookup : null;
    const usdPerHour = req.spotUsdPerHour ?? (looked?.price ? dec(looked.price.usdPerHour) : quote.usdPerHour);
    const input: CostInput = { ...base, usdPerHour };
    const info = catalog.get(t);
    return {
      instanceType: t,
      vcpu: info?.vcpu ?? null,
      memoryMiB: info?.memoryMiB ?? null,
      burstable: info?.burstable ?? false,
      region,
      quote,
      spot: isSpot || req.spotUsdPerHour !== undefined,
      spotPriceGiven: req.spotUsdPerHour !== undefined,
      spotLookup: looked,
      usdPerHour,
      input,
      cost: computeCost(input),
      per30Days: projectThirtyDays(input),
      hourlyAll: hourlyTotal(input),
    };
  };

  let candidates: Priced[] = [];
  let fit: Estimate['fit'];
  if (mode === 'off-ec2') {
    const size: HostSize =
      req.vcpus !== undefined && req.memoryMiB !== undefined
        ? { vcpus: req.vcpus, memoryMiB: req.memoryMiB, arch: archOf(process.arch) }
        : runtime(() => readHostSize(req.procRoot));
    fit = {
      vcpus: req.vcpus ?? size.vcpus,
      memoryMiB: req.memoryMiB ?? size.memoryMiB,
      arch: req.arch === 'any' ? null : (req.arch ?? size.arch),
    };
    candidates = cheapestFits(catalog, fit, region, refreshed).map((c) => price(c.type.type, c.quote, false));
    if (candidates.length === 0) {
      throw new EstimateError(
        `no current instance type has ${fit.vcpus} vCPUs and ${fit.memoryMiB} MiB${fit.arch ? ` on ${fit.arch}` : ''} (try --arch any)`,
        'runtime',
      );
    }
  } else {
    const quote = quotePrice(type!, region, catalog, refreshed);
    if (!quote) throw new EstimateError(`no price is known for ${type} or any type like it`, 'runtime');
    candidates = [price(type!, quote, spot)];
  }
  const main = candidates[0];
  notes.push(...main.quote.notes);
  if (mode === 'off-ec2' && candidates.some((c) => c.burstable)) {
    notes.push('burstable types (t2, t3, t3a, t4g) cost their list price only while CPU use stays within their baseline; sustained load costs more');
  }
  if (spot && req.spotUsdPerHour === undefined && !lookup?.price) {
    notes.push('spot instance: the on-demand price is shown as an upper bound (spot prices are not in the price list; give --spot-price)');
    if (lookup?.problem) notes.push(`no spot price: ${lookup.problem}`);
  }

  return {
    mode,
    identity,
    region,
    transfer,
    uptimeFrom: uptimeRead?.from ?? 'option',
    trafficFrom: !traffic ? 'option' : req.txBytes === undefined && req.rxBytes === undefined ? 'proc' : 'mixed',
    interfaces: traffic?.interfaces ?? [],
    missingInterfaces: traffic?.missing ?? [],
    freeTier,
    main,
    candidates,
    fit,
    notModelled: outside,
    notes,
    assumptions: assumptions({
      freeTier,
      region: transfer.region,
      interfaces: traffic?.interfaces ?? [],
      trafficFromProc: traffic !== null,
      uptimeFrom: uptimeRead?.from ?? 'option',
      catalog,
      main,
    }),
  };
}

/** The spot price of this instance, when it is asked for and can apply (its own region). */
async function spotLookup(req: EstimateRequest, identity: Identity, region: string): Promise<SpotLookup | null> {
  const mode = req.spotLookup ?? 'fetch';
  if (mode === 'none') return null;
  const none = (problem: string): SpotLookup => ({ price: null, key: null, checkedAt: null, cached: false, problem, refreshDue: false });
  if (identity.region && region !== identity.region) return none(`it is looked up for the instance's own region (${identity.region}) only`);
  const { lookUpSpotPrice } = await import('./spot.js');
  return lookUpSpotPrice(req.env, identity, (req.now ?? (() => new Date()))(), mode);
}

/**
 * Off Linux, the byte counters of the interfaces named, else the default route's, from the host
 * reader (ledger/record.ts reads them, once for the estimate and the recording); none counted,
 * and a note saying so, when it gives none for the default route.
 */
export async function trafficOffLinux(
  req: { env: NodeJS.ProcessEnv; procRoot: string; sysRoot: string },
  named: string[],
  platform: string = process.platform,
): Promise<Traffic> {
  await readHereOffLinux(req.env, req.procRoot, req.sysRoot, named, undefined, platform);
  const counters = hereCounters(named) ?? new Map<string, { rx: bigint; tx: bigint }>();
  const counted = [...counters.keys()];
  const unavailable =
    counted.length === 0 && named.length === 0
      ? `no network counters to read on ${platform} (no ${join(req.procRoot, 'net/dev')}, and the system gave none): no traffic counted (give --tx-bytes and --rx-bytes)`
      : undefined;
  let tx = 0n;
  let rx = 0n;
  for (const c of counters.values()) {
    tx += c.tx;
    rx += c.rx;
  }
  return {
    interfaces: counted,
    txBytes: int(tx),
    rxBytes: int(rx),
    missing: named.filter((n) => !counters.has(n)),
    listed: counted,
    ...(unavailable ? { unavailable } : {}),
  };
}

function assumptions(a: {
  freeTier: boolean;
  region: string;
  interfaces: string[];
  trafficFromProc: boolean;
  uptimeFrom: UptimeSource | 'option';
  catalog: Catalog;
  main: Priced;
}): string[] {
  const where = a.trafficFromProc ? (a.interfaces.length > 0 ? ` on ${a.interfaces.join(', ')}` : '') : ' (as given)';
  return [
    '"GB" means 2^30 bytes (GiB) throughout: bytes / 1,073,741,824.',
    `Since boot (${UPTIME_FROM_WORDS[a.uptimeFrom]}): an OS reboot does not restart EC2 billing, so time before the last reboot is not counted; stopped time is not billed.`,
    'Linux on-demand or spot billing: per second with a 60-second minimum. SUSE (hourly), Windows, RHEL and Marketplace software fees, and Dedicated tenancy are not modelled.',
    `Every byte sent${where} is counted as internet egress at ${a.region} rates: an upper bound (same-AZ traffic, S3 gateway endpoints and the metadata service are free; inter-AZ at $0.01/GB each way and inter-region transfer are not modelled separately).`,
    'Inbound data transfer is free.',
    a.freeTier
      ? 'The account-wide 100 GB monthly free allowance is applied to this host alone, before the tiers (tiers counted after the free 100 GB).'
      : 'The account-wide 100 GB monthly free allowance is not applied (other resources may use it): the figure is an upper bound. --free-tier applies it.',
    'Bytes since boot are priced as one billing month; tiers and the allowance reset monthly on a real bill.',
    'Not visible from the host: EBS volumes (unless given with --ebs-gb), snapshots, Elastic IPs of stopped instances, NAT gateways, load balancers, Savings Plans and Reserved Instances.',
    `EBS storage: GB-months prorated by uptime hours over a 730-hour month; provisioned IOPS and throughput are not modelled.`,
    `Instance prices: ${a.main.quote.source}, as of ${a.main.quote.asOf}${a.main.quote.source === 'shoji catalogue' ? ` (${a.catalog.sources[0]})` : ''}. Where the price list and AWS's pricing pages differ, AWS charges the pricing pages.`,
  ];
}
