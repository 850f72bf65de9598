/**
 * The HTTPS endpoint's request signature (specs/leads.md 3.3; decision 0511): with a `signingSecret` configured,
 * every request carries `X-Marketplace-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + body)>`
 * over the exact bytes of the body sent. A receiver recomputes it over the raw body it read, compares in constant
 * time, and refuses a `t` too far from its clock (replays). `verifyLeadSignature` is that receiver's check.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'X-Marketplace-Signature';
/** How far `t` may be from the receiver's clock by default: 5 minutes. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

export function signLeadBody(secret: string, body: string | Buffer, unixSeconds: number): string {
  const mac = createHmac('sha256', secret).update(`${unixSeconds}.`).update(body).digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}

export type SignatureCheck = { ok: true } | { ok: false; reason: 'missing' | 'malformed' | 'stale' | 'mismatch' };

export function verifyLeadSignature(
  secret: string,
  body: string | Buffer,
  header: string | undefined,
  nowUnixSeconds: number,
  toleranceSeconds: number = DEFAULT_TOLERANCE_SECONDS,
): SignatureCheck {
  if (header === undefined || header === '') return { ok: false, reason: 'missing' };
  const parts = new Map(header.split(',').map((p) => [p.slice(0, p.indexOf('=')).trim(), p.slice(p.indexOf('=') + 1).trim()]));
  // Stryker disable next-line StringLiteral: an absent part is malformed whatever text stands in for it (the patterns refuse it)
  const [t = '', v1 = ''] = [parts.get('t'), parts.get('v1')];
  if (!/^\d{1,12}$/.test(t) || !/^[0-9a-f]{64}$/.test(v1)) return { ok: false, reason: 'malformed' };
  if (Math.abs(nowUnixSeconds - Number(t)) > toleranceSeconds) return { ok: false, reason: 'stale' };
  const expected = Buffer.from(signLeadBody(secret, body, Number(t)).slice(`t=${t},v1=`.length), 'hex');
  return timingSafeEqual(expected, Buffer.from(v1, 'hex')) ? { ok: true } : { ok: false, reason: 'mismatch' };
}
