/** `shoji exporter --listen`: the address forms exporters take, and clear refusals of the rest. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_LISTEN, parseListen } from '../../../src/cli/exporter.js';
import { isLoopback } from '../../../src/exporter/exposure.js';

describe('--listen', () => {
  it('takes HOST:PORT, [IPv6]:PORT and :PORT (every interface); port 0 picks a free one', () => {
    expect(parseListen(DEFAULT_LISTEN)).toEqual({ host: '127.0.0.1', port: 7465 });
    expect(parseListen('[::1]:9999')).toEqual({ host: '::1', port: 9999 });
    expect(parseListen('[fe80::1%eth0]:7465')).toEqual({ host: 'fe80::1%eth0', port: 7465 });
    expect(parseListen(':7465')).toEqual({ host: '', port: 7465 });
    expect(parseListen('localhost:0')).toEqual({ host: 'localhost', port: 0 });
    expect(parseListen('0.0.0.0:65535')).toEqual({ host: '0.0.0.0', port: 65535 });
  });

  it('refuses anything else, naming what was given', () => {
    expect(() => parseListen('7465')).toThrow('--listen must be HOST:PORT, [IPv6]:PORT or :PORT (got "7465")');
    expect(() => parseListen('::1:7465')).toThrow('(write an IPv6 address in brackets: [::1]:7465)');
    expect(() => parseListen('host:port')).toThrow(/^--listen must be/);
    expect(() => parseListen('host:70000')).toThrow('--listen: port 70000 is above 65535');
    expect(() => parseListen('a b:1')).toThrow(/^--listen must be/);
  });

  it('knows which bound addresses only this host can reach', () => {
    for (const a of ['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1']) expect(isLoopback(a), a).toBe(true);
    for (const a of ['0.0.0.0', '::', '10.0.0.1', '::ffff:10.0.0.1', '128.0.0.1']) expect(isLoopback(a), a).toBe(false);
  });
});
