/**
 * The `ec2-cost` command: options -> estimate -> one of three renderings; or, with
 * --refresh-prices, a price refresh (loaded only then: it needs stream parsers or the AWS SDK).
 * Every failure is one line on stderr: exit 2 for bad input, 1 for anything else.
 */
import { forLocale, isUtf8Locale } from '../core/locale.js';
import { hostRoots } from '../core/paths.js';
import { escapeControl, escapeControlLines, stripControl } from '../render/sanitize.js';
import type { ParsedArgs } from '../cli/spec.js';
import { EstimateError } from './errors.js';
import { defaultIo, type Io } from './io.js';
import { estimate, type EstimateRequest } from './estimate.js';
import { bytes, quantity } from './inputs.js';
import { ledgerInterfaces, recordRun } from './ledger/record.js';
import { ceil, int, mul } from './money.js';
import { EBS_TYPES, type EbsType } from './rates.js';
import { loadCatalog } from './catalog.js';
import { renderDetail, renderJson, renderOneLine } from './report.js';
import type { ConfigLoader } from './here-inputs.js';
import { checkFitFlags, fitWanted } from './fit-wanted.js';
import { hereWanted } from './here-wanted.js';

/** "ec2-cost: <message>" on one line, safe for a terminal under any locale. */
export function errorLine(err: unknown, env: NodeJS.ProcessEnv): string {
  return forLocale(`ec2-cost: ${escapeControl(err instanceof Error ? err.message : String(err))}`, env);
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** The estimate request the options describe (bad values throw a usage EstimateError). */
export function requestFromArgs(args: ParsedArgs, env: NodeJS.ProcessEnv): EstimateRequest {
  const roots = hostRoots(env);
  const req: EstimateRequest = { procRoot: roots.procRoot, sysRoot: roots.sysRoot, env };
  if (args._.length > 0) throw new EstimateError(`unexpected argument "${args._[0]}"`, 'usage');
  const given = (name: string): string | undefined => str(args[name]);
  req.instanceType = given('instance-type');
  req.region = given('region');
  const uptime = given('uptime');
  if (uptime !== undefined) req.uptimeSeconds = quantity('uptime', uptime);
  const tx = given('tx-bytes');
  if (tx !== undefined) req.txBytes = bytes('tx-bytes', tx);
  const rx = given('rx-bytes');
  if (rx !== undefined) req.rxBytes = bytes('rx-bytes', rx);
  const interfaces = given('interfaces');
  if (interfaces !== undefined) {
    req.interfaces = interfaces
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (req.interfaces.length === 0) throw new EstimateError('--interfaces must name at least one interface', 'usage');
  }
  req.freeTier = args['free-tier'] === true;
  if (typeof args['public-ipv4'] === 'boolean') req.publicIpv4 = args['public-ipv4'];
  const ebsGb = given('ebs-gb');
  if (ebsGb !== undefined) {
    const type = String(args['ebs-type'] ?? 'gp3');
    if (!(EBS_TYPES as readonly string[]).includes(type)) throw new EstimateError(`--ebs-type must be one of ${EBS_TYPES.join(', ')}`, 'usage');
    req.ebs = { gb: quantity('ebs-gb', ebsGb), type: type as EbsType };
  }
  const spot = given('spot-price');
  if (spot !== undefined) req.spotUsdPerHour = quantity('spot-price', spot);
  const vcpus = given('vcpus');
  if (vcpus !== undefined) req.vcpus = Number(ceil(quantity('vcpus', vcpus)));
  const memory = given('memory-gib');
  if (memory !== undefined) req.memoryMiB = Number(ceil(mul(quantity('memory-gib', memory), int(1024))));
  if (str(args.arch) !== undefined) req.arch = args.arch as EstimateRequest['arch'];
  return req;
}

/**
 * What the command prints, made safe for a terminal: text from outside (IMDS answers, interface
 * names, price files, file names) with its control characters shown escaped, never acted on;
 * and ASCII only under a locale that is not UTF-8 (LANG=C).
 */
function forTerminal(text: string, env: NodeJS.ProcessEnv): string {
  return forLocale(escapeControlLines(text), env);
}

/** The one-line report is a value on a line of its own: control characters are dropped. */
function oneLineForTerminal(line: string, env: NodeJS.ProcessEnv): string {
  return `${forLocale(stripControl(line), env)}\n`;
}

/**
 * JSON for a terminal: JSON.stringify already escapes C0 controls; C1 controls and the
 * bidirectional overrides are escaped too, and everything beyond ASCII under LANG=C, all as
 * \uXXXX, so the document stays valid JSON with the same values.
 */
function jsonForTerminal(json: string, env: NodeJS.ProcessEnv): string {
  const unsafe = isUtf8Locale(env) ? /[\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g : /[^\u0000-\u007e]/g;
  return json.replace(unsafe, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** What the command needs besides its arguments: a full config loader (src/cli passes one that loads the app). */
export interface RunOptions {
  loadConfig?: ConfigLoader;
}

/**
 * The right-sizing code when --fit or --detail asks for it (its options checked before anything is
 * read); --fit's options without either, or --fit with a report it does not go with, are usage errors.
 */
async function fitRunFor(args: ParsedArgs, env: NodeJS.ProcessEnv): Promise<typeof import('./fit-run.js') | null> {
  if (args.fit) {
    if (args.month !== undefined)
      throw new EstimateError('--fit and --month cannot be combined: --fit sizes a type to the hours recorded over --window', 'usage');
    if (args.detail)
      throw new EstimateError('--fit and --detail cannot be combined: --fit is a detailed report of its own (--detail ends with its section)', 'usage');
    checkFitFlags(args);
  } else if (!args.detail || args.month !== undefined) {
    // --json uses them only for its here-versus-EC2 side (here-run.ts sizes the EC2 side with them).
    const forHere = args.json === true && args.month === undefined && hereWanted(args, env);
    const stray = ['window', 'headroom'].filter((name) => args[name] !== undefined);
    if (stray.length > 0 && !forHere) {
      throw new EstimateError(
        `${stray.map((n) => `--${n}`).join(', ')} ${stray.length === 1 ? 'goes' : 'go'} with --fit, --detail, or --json when it compares here with EC2 (right-sizing)`,
        'usage',
      );
    }
    // Checked before anything is read; here-run.ts reads them.
    if (forHere && stray.length > 0) (await import('./fit-run.js')).fitOptions(args);
    return null;
  }
  // --detail shows the section once usage has been recorded, or when its options are given.
  if (!fitWanted(args, env) && args.window === undefined && args.headroom === undefined) return null;
  const fitRun = await import('./fit-run.js');
  fitRun.fitOptions(args);
  return fitRun;
}

export async function runEc2Cost(args: ParsedArgs, io: Io = defaultIo(), opts: RunOptions = {}): Promise<number> {
  try {
    if (args['refresh-prices'] !== undefined) {
      const { refreshPrices } = await import('./refresh/refresh.js');
      const safe: Io = { ...io, out: (t) => io.out(forTerminal(t, io.env)) };
      return await refreshPrices(String(args['refresh-prices']), str(args.region)?.trim().toLowerCase(), safe);
    }
    if (args.json && args.detail) throw new EstimateError('--json and --detail cannot be combined', 'usage');
    // --month [YYYY-MM] (and --now): the UTC month to date from the ledger; its code is loaded only then,
    // and its options are checked before anything is read.
    const monthRun = args.month !== undefined || (args.now !== undefined && !args.fit) ? await import('./month-run.js') : null;
    const monthAsked = monthRun?.monthOptions(args);
    // --fit (right-sizing, its own report) and the section --detail ends with: loaded only then, options checked first.
    const fitRun = await fitRunFor(args, io.env);
    // Here versus EC2 (--detail, --json): its code is loaded only when something about here is set, and its flags checked first.
    const hereRun = hereWanted(args, io.env) ? await import('./here-run.js') : null;
    hereRun?.checkHereFlags(args);
    const est = await estimate(requestFromArgs(args, io.env));
    // What this run read of the host goes into the ledger for --month (what-if runs record nothing).
    const counted = await ledgerInterfaces(args, io.env, opts.loadConfig);
    await recordRun(args, io, counted);
    if (monthRun && monthAsked) {
      const r = monthRun.monthReport(est, monthAsked, args, io.env, monthRun.ledgerUpToNow(monthAsked, counted));
      io.out(r.format === 'json' ? jsonForTerminal(r.text, io.env) : r.format === 'detail' ? forTerminal(r.text, io.env) : oneLineForTerminal(r.text, io.env));
      return 0;
    }
    if (fitRun && args.fit) {
      const r = fitRun.fitReport(est, args, io.env, loadCatalog());
      io.out(r.format === 'json' ? jsonForTerminal(r.text, io.env) : forTerminal(r.text, io.env));
      return 0;
    }
    // --detail's right-sizing, made once: the here-versus-EC2 section sizes its EC2 side with it.
    const fitted = fitRun && args.detail ? fitRun.fitFor(est, fitRun.fitOptions(args), io.env, loadCatalog()) : undefined;
    const here = hereRun ? await hereRun.hereFor(args, est, { env: io.env, loadConfig: opts.loadConfig }, fitted) : null;
    if (args.json) io.out(jsonForTerminal(renderJson(est, hereRun ? hereRun.hereJson(here) : { hereUsdPerMonth: null, here: null }), io.env));
    else if (args.detail) {
      const fit = fitRun && fitted ? fitRun.detailSection(fitted) : [];
      io.out(forTerminal(renderDetail(est, here && hereRun ? hereRun.renderHere(here) : [], fit), io.env));
    } else io.out(oneLineForTerminal(renderOneLine(est), io.env));
    return 0;
  } catch (err) {
    const usage =
      (err instanceof Error && err.name === 'EstimateError' && (err as EstimateError).kind === 'usage') || (err instanceof Error && err.name === 'UsageError');
    // One line, whatever the message holds (an IMDS answer, a file's region code, a file name).
    io.err(`${errorLine(err, io.env)}\n`);
    if (io.env.SHOJI_DEBUG && err instanceof Error && !usage) io.err(forTerminal(`${err.stack}\n`, io.env));
    return usage ? 2 : 1;
  }
}
