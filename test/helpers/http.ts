/**
 * One HTTP(S) request to a test server on loopback, its whole answer collected: for the
 * exporter's tests, which check status, headers and body of what a scraper would get.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** TLS: the CA to trust, and a client certificate and key to present. */
  ca?: string;
  cert?: string;
  key?: string;
  /** The loopback address to send from (127.0.0.2: another client). */
  localAddress?: string;
}

/** Send one request to `url` (http or https, an IPv6 host in brackets) on a fresh connection. */
export function get(url: string, opts: RequestOptions = {}): Promise<Answer> {
  const u = new URL(url);
  const request = u.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: u.hostname.replace(/^\[|\]$/g, ''),
        port: u.port,
        path: u.pathname,
        method: opts.method ?? 'GET',
        headers: opts.headers,
        agent: false,
        ca: opts.ca,
        cert: opts.cert,
        key: opts.key,
        localAddress: opts.localAddress,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d) => {
          body += d;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** An Authorization header's value for basic auth. */
export function basicAuth(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}
