/**
 * The AWS SDKs' environment settings for the metadata service, read without loading the
 * client (node:http alone costs ~10 ms to load, and most runs never need it).
 */

export function isTrue(v: string | undefined): boolean {
  return (v ?? '').trim().toLowerCase() === 'true';
}

/** AWS_EC2_METADATA_DISABLED=true: no network I/O at all. */
export function imdsDisabled(env: NodeJS.ProcessEnv): boolean {
  return isTrue(env.AWS_EC2_METADATA_DISABLED);
}

/** AWS_EC2_METADATA_SERVICE_ENDPOINT, else the IPv6 or IPv4 link-local address. */
export function imdsEndpoint(env: NodeJS.ProcessEnv): URL {
  const custom = env.AWS_EC2_METADATA_SERVICE_ENDPOINT?.trim();
  if (custom) return new URL(custom);
  return new URL(env.AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE?.trim().toLowerCase() === 'ipv6' ? 'http://[fd00:ec2::254]/' : 'http://169.254.169.254/');
}
