/**
 * The shapes of the names ec2-cost takes from outside (the metadata service, DMI, offer files,
 * its own cache files) before it uses them as keys, in messages, or in a cache file's path.
 * Checked against a strict pattern, not a blocklist: "__proto__", "constructor", "../x" and a
 * name with a newline or an escape sequence in it all fail, and so does anything overlong.
 */

/** "m7i.large", "u-24tb1.metal", "mac2-m2pro.metal": family, a dot, size; lower case. */
const TYPE_NAME = /^[a-z][a-z0-9-]{0,31}\.[a-z0-9-]{1,31}$/;

/** "us-east-1", "us-gov-west-1", "ap-southeast-7": letters in dashed words, then a number. */
const REGION_CODE = /^[a-z]{2}(?:-[a-z]{1,16}){1,3}-\d{1,2}$/;

/** "us-east-1a", "us-west-2-lax-1a", "us-east-1-wl1-bos-wlz-1". */
const ZONE_NAME = /^[a-z]{2}-[a-z0-9-]{1,60}$/;

/** "on-demand", "spot", "scheduled", or a kind AWS adds later. */
const LIFECYCLE = /^[a-z][a-z-]{0,31}$/;

const INSTANCE_ID = /^i-[0-9a-f]{8,17}$/;

const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

export const isTypeName = (s: string): boolean => TYPE_NAME.test(s);
export const isRegionCode = (s: string): boolean => REGION_CODE.test(s);
export const isZoneName = (s: string): boolean => ZONE_NAME.test(s);
export const isLifecycle = (s: string): boolean => LIFECYCLE.test(s);
export const isInstanceId = (s: string): boolean => INSTANCE_ID.test(s);
export const isIpv4 = (s: string): boolean => IPV4.test(s);

/** The highest hourly instance price believed: anything above is a damaged or hostile file. */
export const MAX_USD_PER_HOUR = 10_000;

/**
 * A published hourly price, "0.1008000000" or "12", normalised ("0.1008"); null when it is not
 * a plain positive decimal of sane length at most MAX_USD_PER_HOUR (a 400-digit number, "1e3",
 * "0x10", "-1", "0" and "NaN" are all refused).
 */
export function usablePrice(text: string): string | null {
  const s = text.trim();
  if (!/^\d{1,6}(?:\.\d{1,16})?$/.test(s)) return null;
  const normal = s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
  const plain = normal.replace(/^0+(?=\d)/, '');
  if (/^0(?:\.0*)?$/.test(plain)) return null;
  return Number(plain) > MAX_USD_PER_HOUR ? null : plain;
}
