import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/**
 * Which network addresses an AI provider URL may point at. Unless the deployment allows
 * it (AI_ALLOW_PRIVATE_URLS), nothing inside the host or its networks is reachable this
 * way: a user could otherwise make the server call its own admin ports, a database on the
 * LAN or the cloud metadata service (169.254.169.254) and read the answers back in error
 * messages (server-side request forgery).
 */
const internal = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, cloud metadata
  ['172.16.0.0', 12],
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.88.99.0', 24], // 6to4 relay anycast
  ['192.168.0.0', 16],
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) {
  internal.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated, still routed internally by some)
  ['ff00::', 8], // multicast
  ['100::', 64], // discard
  ['2001:db8::', 32], // documentation
] as const) {
  internal.addSubnet(net, prefix, 'ipv6');
}

/** The 16 bytes of an IPv6 address (no zone), or null when it does not parse. */
function ipv6Bytes(address: string): number[] | null {
  let s = address.replace(/^\[|\]$/g, '').split('%')[0]!;
  const tail: number[] = [];
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (v4) {
    if (isIP(v4[1]!) !== 4) return null;
    tail.push(...v4[1]!.split('.').map(Number));
    s = s.slice(0, -v4[1]!.length) + '0:0';
  }
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((h) => parseInt(h, 16)));
  const head = parse(halves[0]!);
  const rest = halves.length === 2 ? parse(halves[1]!) : [];
  const missing = 8 - head.length - rest.length;
  if (missing < 0 || (halves.length === 1 && missing !== 0)) return null;
  const words = [...head, ...Array<number>(halves.length === 2 ? missing : 0).fill(0), ...rest];
  if (words.some((w) => !Number.isInteger(w) || w < 0 || w > 0xffff)) return null;
  const bytes = words.flatMap((w) => [w >> 8, w & 0xff]);
  if (tail.length) bytes.splice(12, 4, ...tail);
  return bytes;
}

/** An IPv4 address carried inside an IPv6 one (mapped, compatible, NAT64, 6to4), if any. */
function embeddedIpv4(b: number[]): string | null {
  const zero = (from: number, to: number) => b.slice(from, to).every((x) => x === 0);
  const v4 = (at: number) => b.slice(at, at + 4).join('.');
  if (zero(0, 10) && b[10] === 0xff && b[11] === 0xff) return v4(12); // ::ffff:a.b.c.d
  if (zero(0, 12) && !zero(12, 16)) return v4(12); // ::a.b.c.d (deprecated "compatible")
  if (b[0] === 0x00 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b && zero(4, 12)) return v4(12); // 64:ff9b::/96
  if (b[0] === 0x20 && b[1] === 0x02) return v4(2); // 2002:a.b.c.d::/48 (6to4)
  return null;
}

/** Whether an IP address is private, loopback, link-local, unique-local or otherwise internal. */
export function isInternalAddress(address: string): boolean {
  const family = isIP(address.replace(/^\[|\]$/g, '').split('%')[0]!);
  if (family === 4) return internal.check(address, 'ipv4');
  if (family !== 6) return true; // not an address at all: refuse rather than guess
  const bytes = ipv6Bytes(address);
  if (!bytes) return true;
  const v4 = embeddedIpv4(bytes);
  if (v4 && internal.check(v4, 'ipv4')) return true;
  const canonical = address.replace(/^\[|\]$/g, '').split('%')[0]!;
  return internal.check(canonical, 'ipv6');
}

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

export class AddressPolicyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AddressPolicyError';
  }
}

/**
 * Resolves a host name (or takes an IP literal) and checks EVERY address it resolves to;
 * one internal address is enough to refuse the host, since a connection could be made to
 * any of them. Returns the checked addresses, so the caller can connect to exactly these.
 */
export async function resolveAllowedAddresses(host: string, opts: { allowPrivate: boolean }): Promise<ResolvedAddress[]> {
  const bare = host.replace(/^\[|\]$/g, '');
  let addresses: ResolvedAddress[];
  const literal = isIP(bare);
  if (literal) addresses = [{ address: bare, family: literal as 4 | 6 }];
  else {
    try {
      addresses = (await lookup(bare, { all: true, verbatim: true })) as ResolvedAddress[];
    } catch {
      throw new AddressPolicyError(`the host "${host}" could not be resolved`);
    }
    if (addresses.length === 0) throw new AddressPolicyError(`the host "${host}" could not be resolved`);
  }
  if (!opts.allowPrivate && addresses.some((a) => isInternalAddress(a.address))) {
    throw new AddressPolicyError(
      `the host "${host}" is a private, loopback or link-local address; the administrator has not allowed those (AI_ALLOW_PRIVATE_URLS)`,
    );
  }
  return addresses;
}

/**
 * The form of a provider base URL: http(s) only, a host, no credentials, query or
 * fragment. Returns the normalised URL (no trailing slash). Throws AddressPolicyError.
 */
export function parseBaseUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new AddressPolicyError('base_url is not a valid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new AddressPolicyError('base_url must be an http:// or https:// URL');
  if (!url.hostname) throw new AddressPolicyError('base_url has no host');
  if (url.username || url.password) throw new AddressPolicyError('base_url must not carry credentials; use api_key');
  if (url.search || url.hash) throw new AddressPolicyError('base_url must not have a query or fragment');
  url.pathname = url.pathname.replace(/\/+$/, '');
  return url;
}
