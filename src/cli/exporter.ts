/**
 * `shoji exporter`: this host's readings as Prometheus metrics, served on /metrics or written for
 * node_exporter's textfile collector (src/exporter/; docs/exporter.md). The exporter and
 * prom-client are loaded only here, so no other command pays for them.
 */
import { isAbsolute, resolve } from 'node:path';
import { escapeControl, escapeControlLines } from '../render/sanitize.js';
import { UsageError, type CommandSpec, type ParsedArgs } from './spec.js';

/**
 * The default port. The Prometheus wiki's "Default port allocations" list hands out 9100-9999
 * and has no free port left in it, and the writing-exporters guide asks exporters not listed
 * there to stay out of that range; 7465 is outside it, below Linux's ephemeral ports
 * (32768-60999), in no Debian /etc/services entry, and spells SHOJ on a phone keypad.
 */
export const DEFAULT_PORT = 7465;
export const DEFAULT_LISTEN = `127.0.0.1:${DEFAULT_PORT}`;

export const exporterCommand: CommandSpec = {
  command: 'exporter',
  describe: 'Serve this host’s readings as Prometheus metrics (or write them for node_exporter’s textfile collector)',
  options: {
    listen: {
      type: 'string',
      describe: `Address to serve /metrics on: HOST:PORT, [IPv6]:PORT or :PORT for every interface (default ${DEFAULT_LISTEN}; port 0 picks a free one)`,
    },
    'web-config-file': { type: 'string', describe: 'TLS and basic auth, in the web configuration format Prometheus exporters share (docs/exporter.md)' },
    textfile: { type: 'string', describe: 'Instead of serving, keep DIR/shoji.prom current for node_exporter’s --collector.textfile.directory' },
    once: { type: 'boolean', default: false, describe: 'With --textfile: collect once, write the file and exit (for cron or a systemd timer)' },
    'systemd-unit': {
      type: 'boolean',
      default: false,
      describe: 'Print a hardened systemd service running this exporter (with the --listen and --web-config-file given)',
    },
  },
  run: runExporterCommand,
};

async function runExporterCommand(args: ParsedArgs): Promise<number> {
  const listenText = args.listen as string | undefined;
  const textfile = args.textfile as string | undefined;
  const webConfig = args['web-config-file'] as string | undefined;
  const once = args.once === true;
  if (textfile !== undefined && (listenText !== undefined || webConfig !== undefined)) {
    throw new UsageError('--textfile writes a file instead of serving: give it without --listen and --web-config-file');
  }
  if (once && textfile === undefined) throw new UsageError('--once goes with --textfile DIR (a server that answers once is no use to Prometheus)');
  if (textfile === '') throw new UsageError('--textfile needs a folder');
  if (webConfig === '') throw new UsageError('--web-config-file needs a file');
  const listen = parseListen(listenText ?? DEFAULT_LISTEN);
  const webConfigFile = webConfig === undefined ? undefined : resolve(webConfig);

  if (args['systemd-unit']) {
    if (textfile !== undefined) {
      throw new UsageError('--systemd-unit writes a unit for the server; run --textfile DIR --once from cron or a systemd timer instead');
    }
    const { checkUnitWebConfig, systemdUnit } = await import('../exporter/systemd-unit.js');
    const { exposureWarning } = await import('../exporter/exposure.js');
    const { formatProblem, isConfigError } = await import('../core/config-schema.js');
    let guarded = { tls: false, password: false };
    if (webConfigFile !== undefined) {
      try {
        guarded = checkUnitWebConfig(webConfigFile);
      } catch (err) {
        if (!isConfigError(err)) throw err;
        process.stderr.write(`shoji: web config problem:\n${escapeControlLines(err.problems.map(formatProblem).join('\n'))}\n`);
        return 1;
      }
    }
    const unit = systemdUnit({ listen: listenText ?? DEFAULT_LISTEN, webConfigFile });
    for (const w of unit.warnings) process.stderr.write(`shoji: warning: ${w}\n`);
    // The running exporter's own warning, before it is installed rather than in its journal after.
    const exposed = exposureWarning(listen.host, listen.port, guarded);
    if (exposed) process.stderr.write(`shoji exporter: warning: ${escapeControl(exposed)}\n`);
    process.stdout.write(unit.text);
    return 0;
  }

  const env = process.env;
  if (textfile !== undefined) {
    const dir = isAbsolute(textfile) ? textfile : resolve(textfile);
    const { textfileFolderProblem } = await import('../exporter/textfile.js');
    const why = textfileFolderProblem(dir);
    if (why) throw new Error(`refusing ${dir}: ${why}`);
    const run = await import('../exporter/run.js');
    return once ? run.textfileOnce(env, dir) : run.keepTextfile(env, dir);
  }
  const { serveMetrics } = await import('../exporter/run.js');
  return serveMetrics({ env, host: listen.host, port: listen.port, webConfigFile });
}

/**
 * `--listen`'s value: HOST:PORT, [IPv6]:PORT, or :PORT (every interface, as exporters take it).
 * The host is given to the server as written (a name is resolved when binding).
 */
export function parseListen(text: string): { host: string; port: number } {
  const bracketed = /^\[([0-9A-Fa-f:.]+(?:%[\w.-]+)?)\]:(\d{1,5})$/.exec(text);
  const plain = /^([^:[\]\s]*):(\d{1,5})$/.exec(text);
  const m = bracketed ?? plain;
  if (!m) {
    const hint = (text.match(/:/g)?.length ?? 0) > 1 ? ' (write an IPv6 address in brackets: [::1]:7465)' : '';
    throw new UsageError(`--listen must be HOST:PORT, [IPv6]:PORT or :PORT (got "${text}")${hint}`);
  }
  const port = Number(m[2]);
  if (port > 65535) throw new UsageError(`--listen: port ${port} is above 65535`);
  return { host: m[1], port };
}
