/**
 * Who can reach the exporter: whether an address is this host's alone, which Host headers a
 * loopback-bound exporter answers (DNS rebinding), and the warning printed when it is reachable
 * beyond this host with nothing guarding it. Shared by the running exporter (run.ts, server.ts)
 * and `--systemd-unit`, which prints the same warning before the service ever starts.
 */
import { isIP } from 'node:net';

/** Whether an address the server bound is this host's alone (127.0.0.0/8, ::1). */
export function isLoopback(address: string): boolean {
  return address === '::1' || /^(?:::ffff:)?127\./.test(address);
}

/**
 * Whether a Host header names this host's loopback: `localhost`, an address in 127.0.0.0/8 or
 * `[::1]`, with any port. A web page a browser loaded from elsewhere can make it connect to
 * 127.0.0.1 by rebinding its own name to that address (DNS rebinding), but the browser still
 * sends that name as Host, so a loopback-bound exporter answering only these names is not
 * readable that way. No Host at all (HTTP/1.0) is not a browser's request: answered.
 */
export function isLoopbackHost(host: string | undefined): boolean {
  if (host === undefined) return true;
  const bracketed = /^\[([^\]]+)\](?::\d*)?$/.exec(host);
  const name = bracketed ? bracketed[1] : host.replace(/:\d*$/, '');
  if (name.toLowerCase() === 'localhost') return true;
  if (bracketed) return isIP(name) === 6 && isLoopback(name.toLowerCase());
  return isIP(name) === 4 && isLoopback(name);
}

/**
 * The warning for an exporter reachable beyond this host without TLS or a password, or null.
 * `address` is the one bound (or, for a unit not yet started, the host --listen names: a name
 * other than localhost may resolve anywhere; '' means every interface).
 */
export function exposureWarning(address: string, port: number, guarded: { tls: boolean; password: boolean }): string | null {
  if (guarded.tls || guarded.password) return null;
  if (isLoopback(address) || address.toLowerCase() === 'localhost') return null;
  const where = address === '' ? 'every interface' : address;
  return `${where} is reachable beyond this host, without TLS or a password: anyone who can reach port ${port} can read the metrics (--web-config-file adds both)`;
}
