/**
 * The address policy of the one outbound HTTP client (client.ts): which URLs and resolved addresses may be
 * called. Private, link-local, metadata and other special ranges are refused unless the host is allow-listed;
 * loopback only when allowed (by default under AUTH_MODE=local, decision 0006); https only outside local mode.
 * The address that is checked is the address that is connected to (decision 0420): `guardedLookup` is the
 * connection's own `lookup`, so a DNS-rebinding answer between a check and the connect cannot reach loopback or
 * the metadata endpoint.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP, type LookupFunction } from 'node:net';

export interface OutboundPolicy {
  timeoutMs: number;
  allowLoopback: boolean;
  /** Host names (or literal IPs) exempt from the private-address rule. */
  allowedHosts: string[];
  /** Refuse every plain-http URL, loopback and allow-listed hosts included (outside local mode). */
  httpsOnly?: boolean;
  /** A PEM CA certificate trusted for https targets besides the system's roots (tests' local CA). */
  extraCa?: string;
}

/**
 * One line for the host's start-up banner: what the outbound client will call. `allowLoopbackSource` says whether
 * loopback follows the mode's default or OUTBOUND_ALLOW_LOOPBACK.
 */
export function describeOutboundPolicy(policy: OutboundPolicy & { allowLoopbackSource?: 'default' | 'setting' }): string {
  const explicit = policy.allowLoopbackSource === 'setting';
  const http = policy.httpsOnly ? '' : ', http too';
  let loopback = `webhooks to localhost allowed${http} (local mode; OUTBOUND_ALLOW_LOOPBACK=false refuses)`;
  if (!policy.allowLoopback) loopback = explicit ? 'loopback refused (OUTBOUND_ALLOW_LOOPBACK=false)' : 'loopback refused';
  else if (explicit) loopback = 'loopback allowed (OUTBOUND_ALLOW_LOOPBACK=true)';
  const parts = [...(policy.httpsOnly ? ['https only'] : []), loopback];
  const except = policy.allowedHosts.length > 0 ? ` except ${policy.allowedHosts.join(', ')}` : '';
  parts.push(`private addresses refused${except}`);
  return parts.join('; ');
}

/** Resolves a host name to its addresses; injectable so tests can play a rebinding DNS server. */
export type Resolver = (host: string) => Promise<string[]>;

export const systemResolver: Resolver = async (host) => (await dnsLookup(host, { all: true, verbatim: true })).map((a) => a.address);

type AddressKind = 'loopback' | 'blocked' | 'public';

function classifyV4(ip: string): AddressKind {
  const [a = 0, b = 0, c = 0] = ip.split('.').map(Number);
  if (a === 127) return 'loopback';
  if (a === 0 || a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)) return 'blocked';
  if (a === 169 && b === 254) return 'blocked'; // link-local, incl. 169.254.169.254 metadata
  if (a === 100 && b >= 64 && b <= 127) return 'blocked'; // carrier-grade NAT
  if (a === 198 && (b === 18 || b === 19)) return 'blocked'; // benchmarking
  // IETF assignments, 6to4 relay and documentation ranges: nothing a webhook should live on.
  if ((a === 192 && b === 0 && (c === 0 || c === 2)) || (a === 192 && b === 88 && c === 99)) return 'blocked';
  if ((a === 198 && b === 51 && c === 100) || (a === 203 && b === 0 && c === 113)) return 'blocked';
  if (a >= 224) return 'blocked'; // multicast and reserved
  return 'public';
}

/** The eight 16-bit groups of a valid IPv6 address (zone id dropped, trailing dotted IPv4 folded in). */
function ipv6Groups(ip: string): number[] {
  let text = ip.toLowerCase().replace(/%.*$/, '');
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [o1, o2, o3, o4] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((o1 << 8) | o2).toString(16)}:${((o3 << 8) | o4).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const parse = (part: string) => (part ? part.split(':').map((g) => parseInt(g, 16)) : []);
  const front = parse(head);
  const back = tail === undefined ? [] : parse(tail);
  return [...front, ...Array<number>(8 - front.length - back.length).fill(0), ...back];
}

function classifyV6(ip: string): AddressKind {
  const g = ipv6Groups(ip);
  const at = (i: number) => g[i] ?? 0;
  const zeros = (from: number, to: number) => g.slice(from, to).every((x) => x === 0);
  const v4 = (hi: number, lo: number) => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  // Forms that carry an IPv4 address the kernel (or a translator) connects to: judge that address, so
  // ::ffff:127.0.0.1, its hex spelling ::ffff:7f00:1 and ::ffff:169.254.169.254 are not "public IPv6".
  if (zeros(0, 5) && at(5) === 0xffff) return classifyV4(v4(at(6), at(7))); // IPv4-mapped
  if (zeros(0, 7) && at(7) === 1) return 'loopback';
  if (zeros(0, 6)) return 'blocked'; // unspecified and the deprecated IPv4-compatible form
  // Translated forms reach the IPv4 address through some gateway, never this host's loopback: public or blocked.
  const viaTranslator = (embedded: string) => (classifyV4(embedded) === 'public' ? 'public' : 'blocked');
  if (zeros(0, 4) && at(4) === 0xffff && at(5) === 0) return viaTranslator(v4(at(6), at(7))); // IPv4-translated
  if (at(0) === 0x64 && at(1) === 0xff9b && zeros(2, 6)) return viaTranslator(v4(at(6), at(7))); // NAT64
  if (at(0) === 0x2002) return viaTranslator(v4(at(1), at(2))); // 6to4
  const first = at(0);
  if (first < 0x100) return 'blocked'; // ::/8 reserved (incl. local-use NAT64 64:ff9b:1::/48)
  if ((first & 0xffc0) === 0xfe80 || (first & 0xffc0) === 0xfec0) return 'blocked'; // link-local, site-local
  if ((first & 0xfe00) === 0xfc00) return 'blocked'; // unique-local, incl. fd00:ec2::254 metadata
  if ((first & 0xff00) === 0xff00) return 'blocked'; // multicast
  if (first === 0x2001 && (at(1) < 0x200 || at(1) === 0xdb8)) return 'blocked'; // Teredo, benchmarking, documentation
  if (first === 0x100 && zeros(1, 4)) return 'blocked'; // discard-only
  return 'public';
}

/** 'loopback', 'blocked' (private, link-local, metadata, unspecified, multicast, reserved, not an IP) or 'public'. */
export function classifyAddress(ip: string): AddressKind {
  const version = isIP(ip.replace(/%.*$/, ''));
  if (version === 4) return classifyV4(ip);
  if (version === 6) return classifyV6(ip);
  return 'blocked';
}

const HTTPS_ONLY = 'only https URLs are called outside local mode (got http:)';

function isAllowListed(host: string, policy: OutboundPolicy): boolean {
  return policy.allowedHosts.some((h) => h.toLowerCase() === host.toLowerCase());
}

/**
 * Why `host` may not be called at `addresses`, or undefined when it may. `plainHttp`: http is only for an allowed
 * loopback sink, so every address must then be loopback. The texts land in the publisher-visible attempt log, so
 * they name the host and the rule but never the address our resolver returned (that would turn the log into a
 * probe of internal DNS).
 */
function addressRefusal(host: string, addresses: string[], policy: OutboundPolicy, plainHttp: boolean): string | undefined {
  if (plainHttp && policy.httpsOnly) return HTTPS_ONLY;
  if (isAllowListed(host, policy)) return undefined;
  if (addresses.length === 0) return `the host ${host} could not be resolved`;
  const kinds = addresses.map(classifyAddress);
  if (kinds.includes('blocked')) return `the host ${host} resolves to a private or reserved address`;
  if (kinds.includes('loopback') && !policy.allowLoopback)
    return `the host ${host} is a loopback address (set OUTBOUND_ALLOW_LOOPBACK=true to allow)`;
  if (plainHttp && !kinds.every((k) => k === 'loopback')) return `only https URLs are called (got http:)`;
  return undefined;
}

export function bareHost(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, '');
}

/**
 * The early check, before any connection: scheme, literal IPs (a literal never goes through `lookup`, so this is
 * its only check) and a first resolution for a clear 'refused' record. For names it is advisory; the connect-time
 * guard below decides.
 */
export async function checkDestination(url: URL, policy: OutboundPolicy, resolve: Resolver = systemResolver): Promise<string | undefined> {
  const host = bareHost(url);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `only https URLs are called (got ${url.protocol})`;
  if (url.protocol === 'http:' && policy.httpsOnly) return HTTPS_ONLY;
  let addresses: string[];
  try {
    addresses = isIP(host) ? [host] : await resolve(host);
  } catch {
    return `the host ${host} could not be resolved`;
  }
  return addressRefusal(host, addresses, policy, url.protocol === 'http:');
}

/** A connect-time refusal by the address policy: reported as 'refused', like the early check. */
export class DestinationRefusedError extends Error {
  readonly code = 'EOUTBOUND_REFUSED';
}

/**
 * The socket's `lookup`: called by net.connect at connect time, it resolves the name, applies the policy to every
 * address and passes on only those, so the socket can connect nowhere else (no second resolution exists to race).
 * Node 20 asks with `all: true` (happy eyeballs) and tries each returned address; older paths ask for one.
 */
export function guardedLookup(policy: OutboundPolicy, plainHttp: boolean, resolve: Resolver = systemResolver): LookupFunction {
  const notFound = (hostname: string) => Object.assign(new Error(`the host ${hostname} could not be resolved`), { code: 'ENOTFOUND' });
  return (hostname, options, callback) => {
    const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : (options.family ?? 0);
    resolve(hostname).then(
      (addresses) => {
        const refusal = addressRefusal(hostname, addresses, policy, plainHttp);
        if (refusal) return callback(new DestinationRefusedError(refusal), '');
        const usable = addresses.map((address) => ({ address, family: isIP(address) })).filter((a) => !family || a.family === family);
        const first = usable[0];
        if (!first) return callback(notFound(hostname), '');
        return options.all ? callback(null, usable) : callback(null, first.address, first.family);
      },
      () => callback(notFound(hostname), ''),
    );
  };
}
