import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { ipv6Bytes } from '../../http/ip-address.js';

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

/**
 * IPv6: only global unicast (2000::/3) outside the special-purpose blocks is public, plus
 * the two forms that carry an IPv4 address a resolver may hand out for a public host
 * (IPv4-mapped ::ffff:0:0/96 and the well-known NAT64 prefix 64:ff9b::/96 of DNS64), and
 * those only when that IPv4 address is public. Everything else — loopback, unique-local,
 * link-local, multicast, the other IPv4-embedding forms (::a.b.c.d, ::ffff:0:a.b.c.d,
 * 64:ff9b:1::/48, 6to4, Teredo) — is refused: an allow-list cannot miss a form.
 */
function isInternalIpv6(b: number[]): boolean {
  const zero = (from: number, to: number) => b.slice(from, to).every((x) => x === 0);
  const v4 = () => b.slice(12, 16).join('.');
  if (zero(0, 10) && b[10] === 0xff && b[11] === 0xff) return internal.check(v4(), 'ipv4'); // ::ffff:a.b.c.d
  if (b[0] === 0x00 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b && zero(4, 12)) return internal.check(v4(), 'ipv4'); // 64:ff9b::a.b.c.d
  if ((b[0]! & 0xe0) !== 0x20) return true; // outside 2000::/3
  const word1 = (b[2]! << 8) | b[3]!;
  if (b[0] === 0x20 && b[1] === 0x01 && word1 <= 0x01ff) return true; // 2001::/23: Teredo, ORCHID, benchmarking…
  if (b[0] === 0x20 && b[1] === 0x01 && word1 === 0x0db8) return true; // documentation
  if (b[0] === 0x20 && b[1] === 0x02) return true; // 6to4: an IPv4 address behind a relay
  if (b[0] === 0x3f && b[1] === 0xff && b[2]! < 0x10) return true; // 3fff::/20 documentation
  return false;
}

/** Whether an IP address is private, loopback, link-local, unique-local or otherwise not on the public internet. */
export function isInternalAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '').split('%')[0]!;
  const family = isIP(bare);
  if (family === 4) return internal.check(bare, 'ipv4');
  if (family !== 6) return true; // not an address at all: refuse rather than guess
  const bytes = ipv6Bytes(bare);
  return bytes ? isInternalIpv6(bytes) : true;
}

/**
 * The one answer for every address refusal, whether the host did not resolve or resolved
 * to an internal address: two answers would let anyone map internal host names.
 */
export const ADDRESS_REFUSED =
  'its host must be a public internet address that this server can look up. A model on this server or on your own ' +
  'network (such as a local Ollama) can be used only when the administrator allows private addresses (AI_ALLOW_PRIVATE_URLS=true)';

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
    // With private addresses allowed there is nothing to hide, so a name that does not
    // resolve may say so; otherwise it gets the same answer as an internal address.
    const unresolved = () => new AddressPolicyError(opts.allowPrivate ? `the host "${host}" could not be resolved` : ADDRESS_REFUSED);
    try {
      addresses = (await lookup(bare, { all: true, verbatim: true })) as ResolvedAddress[];
    } catch {
      throw unresolved();
    }
    if (addresses.length === 0) throw unresolved();
  }
  if (!opts.allowPrivate && addresses.some((a) => isInternalAddress(a.address))) throw new AddressPolicyError(ADDRESS_REFUSED);
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
