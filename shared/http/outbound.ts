/**
 * The one outbound HTTP client (architecture.md, Identity and security). Every call to a URL that a publisher
 * configured goes through here:
 * - address policy: the host name is resolved and every address checked; private, link-local, metadata and other
 *   special ranges are refused unless the host is allow-listed; loopback only with OUTBOUND_ALLOW_LOOPBACK=true;
 * - https only, except http to an allowed loopback or allow-listed host (tests run a plain-HTTP sink);
 * - a timeout, redirects not followed (a 3xx is an answer, not a hop to an unchecked address);
 * - the response is kept only as a short excerpt with secrets masked, for the attempt log.
 * The check resolves the name before fetch resolves it again; a DNS-rebinding attacker could race the two lookups.
 * Pinning the address needs a custom dispatcher (undici), noted as a follow-up.
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';

export interface OutboundPolicy {
  timeoutMs: number;
  allowLoopback: boolean;
  /** Host names (or literal IPs) exempt from the private-address rule. */
  allowedHosts: string[];
}

export interface OutboundRequest {
  url: string;
  body: unknown;
  headers: Record<string, string>;
}

export type OutboundResult =
  | { kind: 'response'; status: number; excerpt: string; durationMs: number }
  | { kind: 'error'; message: string; durationMs: number }
  | { kind: 'refused'; message: string };

const EXCERPT_CHARS = 512;

function ipv4Parts(ip: string): number[] {
  return ip.split('.').map(Number);
}

/** 'loopback', 'blocked' (private, link-local, metadata, unspecified, multicast, reserved) or 'public'. */
export function classifyAddress(ip: string): 'loopback' | 'blocked' | 'public' {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped?.[1]) return classifyAddress(mapped[1]);
  if (isIP(ip) === 4) {
    const [a = 0, b = 0] = ipv4Parts(ip);
    if (a === 127) return 'loopback';
    if (a === 10 || a === 0 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)) return 'blocked';
    if (a === 169 && b === 254) return 'blocked'; // link-local, incl. 169.254.169.254 metadata
    if (a === 100 && b >= 64 && b <= 127) return 'blocked'; // carrier-grade NAT
    if (a >= 224) return 'blocked'; // multicast and reserved
    return 'public';
  }
  const v6 = ip.toLowerCase();
  if (v6 === '::1') return 'loopback';
  if (v6 === '::' || v6.startsWith('fe8') || v6.startsWith('fe9') || v6.startsWith('fea') || v6.startsWith('feb')) return 'blocked';
  if (v6.startsWith('fc') || v6.startsWith('fd') || v6.startsWith('ff')) return 'blocked';
  if (v6.startsWith('fd00:ec2::254')) return 'blocked';
  return 'public';
}

/** Masks bearer tokens, JWT-looking strings and `secret=`/`sig=`/`password=`-style values before storing. */
export function redact(text: string): string {
  return text
    .replace(/bearer\s+[\w.~+/=-]+/gi, 'Bearer ***')
    .replace(/eyJ[\w-]+\.[\w-]+\.[\w-]+/g, '***')
    .replace(/((?:secret|sig|signature|password|token|key)["']?\s*[=:]\s*["']?)[^"'&\s,}]+/gi, '$1***');
}

export async function checkDestination(url: URL, policy: OutboundPolicy): Promise<string | undefined> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const allowListed = policy.allowedHosts.some((h) => h.toLowerCase() === host.toLowerCase());
  let addresses: string[];
  try {
    addresses = isIP(host) ? [host] : (await lookup(host, { all: true })).map((a) => a.address);
  } catch {
    return `the host ${host} could not be resolved`;
  }
  const kinds = addresses.map(classifyAddress);
  const loopbackOnly = kinds.every((k) => k === 'loopback');
  if (!allowListed) {
    if (kinds.includes('blocked')) return `the host ${host} resolves to a private or reserved address`;
    if (kinds.includes('loopback') && !policy.allowLoopback)
      return `the host ${host} is a loopback address (set OUTBOUND_ALLOW_LOOPBACK=true to allow)`;
  }
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && (allowListed || (loopbackOnly && policy.allowLoopback))) return undefined;
  return `only https URLs are called (got ${url.protocol})`;
}

export class OutboundClient {
  readonly #policy: OutboundPolicy;

  constructor(policy: OutboundPolicy) {
    this.#policy = policy;
  }

  async postJson(request: OutboundRequest): Promise<OutboundResult> {
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return { kind: 'refused', message: 'the URL is not valid' };
    }
    const refusal = await checkDestination(url, this.#policy);
    if (refusal) return { kind: 'refused', message: refusal };
    const started = performance.now();
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...request.headers },
        body: JSON.stringify(request.body),
        redirect: 'manual',
        signal: AbortSignal.timeout(this.#policy.timeoutMs),
      });
      const text = await response.text().catch(() => '');
      return {
        kind: 'response',
        status: response.status,
        excerpt: redact(text.slice(0, EXCERPT_CHARS)),
        durationMs: Math.round(performance.now() - started),
      };
    } catch (error) {
      const e = error as Error;
      const message = e.name === 'TimeoutError' ? `timed out after ${this.#policy.timeoutMs} ms` : redact(e.message);
      return { kind: 'error', message, durationMs: Math.round(performance.now() - started) };
    }
  }
}
