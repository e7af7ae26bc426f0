/**
 * The `ec2-cost` command: options -> estimate -> one of three renderings; or, with
 * --refresh-prices, a price refresh (loaded only then: it needs stream parsers or the AWS SDK).
 * Every failure is one line on stderr: exit 2 for bad input, 1 for anything else.
 */
import { fstatSync, writeSync } from 'node:fs';
import { hostRoots } from '../core/paths.js';
import type { ParsedArgs } from '../cli/spec.js';
import { EstimateError } from './errors.js';
import { estimate, type EstimateRequest } from './estimate.js';
import { bytes, nonNegative } from './inputs.js';
import { toNumber } from './money.js';
import { EBS_TYPES, type EbsType } from './rates.js';
import { renderDetail, renderJson, renderOneLine } from './report.js';

export interface Io {
  env: NodeJS.ProcessEnv;
  out(text: string): void;
  err(text: string): void;
  /** Whether stderr is a terminal (the refresh shows a progress bar only then). */
  stderrIsTTY: boolean;
}

const defaultIo = (): Io => ({
  env: process.env,
  out: (t) => writeSync(1, t),
  err: (t) => writeSync(2, t),
  stderrIsTTY: isTerminal(2),
});

/** Without touching process.stderr, which would load the stream machinery on every run. */
function isTerminal(fd: number): boolean {
  try {
    return fstatSync(fd).isCharacterDevice();
  } catch {
    return false;
  }
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** The estimate request the options describe (bad values throw a usage EstimateError). */
export function requestFromArgs(args: ParsedArgs, env: NodeJS.ProcessEnv): EstimateRequest {
  const roots = hostRoots(env);
  const req: EstimateRequest = { procRoot: roots.procRoot, sysRoot: roots.sysRoot, env };
  if (args._.length > 0) throw new EstimateError(`unexpected argument "${args._[0]}"`, 'usage');
  if (str(args['instance-type']) !== undefined) req.instanceType = String(args['instance-type']).trim();
  if (str(args.region) !== undefined) req.region = String(args.region).trim();
  if (str(args.uptime) !== undefined) req.uptimeSeconds = nonNegative('uptime', String(args.uptime));
  if (str(args['tx-bytes']) !== undefined) req.txBytes = bytes('tx-bytes', String(args['tx-bytes']));
  if (str(args['rx-bytes']) !== undefined) req.rxBytes = bytes('rx-bytes', String(args['rx-bytes']));
  if (str(args.interfaces) !== undefined) {
    req.interfaces = String(args.interfaces).split(',').map((s) => s.trim()).filter(Boolean);
    if (req.interfaces.length === 0) throw new EstimateError('--interfaces must name at least one interface', 'usage');
  }
  req.freeTier = args['free-tier'] === true;
  if (typeof args['public-ipv4'] === 'boolean') req.publicIpv4 = args['public-ipv4'];
  if (args['ebs-gb'] !== undefined) {
    const type = String(args['ebs-type'] ?? 'gp3');
    if (!(EBS_TYPES as readonly string[]).includes(type)) throw new EstimateError(`--ebs-type must be one of ${EBS_TYPES.join(', ')}`, 'usage');
    req.ebs = { gb: nonNegative('ebs-gb', args['ebs-gb'] as number), type: type as EbsType };
  }
  if (args['spot-price'] !== undefined) req.spotUsdPerHour = nonNegative('spot-price', args['spot-price'] as number);
  if (args.vcpus !== undefined) {
    const v = nonNegative('vcpus', args.vcpus as number);
    req.vcpus = Math.ceil(toNumber(v));
  }
  if (args['memory-gib'] !== undefined) req.memoryMiB = Math.ceil(toNumber(nonNegative('memory-gib', args['memory-gib'] as number)) * 1024);
  if (str(args.arch) !== undefined) req.arch = args.arch as EstimateRequest['arch'];
  return req;
}

export async function runEc2Cost(args: ParsedArgs, io: Io = defaultIo()): Promise<number> {
  try {
    if (args['refresh-prices'] !== undefined) {
      const { refreshPrices } = await import('./refresh/refresh.js');
      return await refreshPrices(String(args['refresh-prices']), str(args.region), io);
    }
    if (args.json && args.detail) throw new EstimateError('--json and --detail cannot be combined', 'usage');
    const est = await estimate(requestFromArgs(args, io.env));
    io.out(args.json ? renderJson(est) : args.detail ? renderDetail(est) : `${renderOneLine(est)}\n`);
    return 0;
  } catch (err) {
    const usage = (err instanceof Error && err.name === 'EstimateError' && (err as EstimateError).kind === 'usage') || (err instanceof Error && err.name === 'UsageError');
    io.err(`ec2-cost: ${err instanceof Error ? err.message : String(err)}\n`);
    if (io.env.SHOJI_DEBUG && err instanceof Error && !usage) io.err(`${err.stack}\n`);
    return usage ? 2 : 1;
  }
}
