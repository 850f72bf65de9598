/**
 * Idempotency and duplicates at capture (specs/leads.md 2.7): the `Idempotency-Key` syntax (1–128 of
 * `[A-Za-z0-9._:-]`, kept 24 h, scoped per offer), the canonical body hash a replay must match, and the natural key
 * of a submission without a key (offer, source, action, lower-cased email, phone, lower-cased names and company,
 * description), a duplicate within 10 minutes.
 */
import { createHash } from 'node:crypto';
import type { ActionCode, UserDetails } from '../model';
import type { CaptureKeys } from '../ports';

export const IDEMPOTENCY_KEY_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
export const DUPLICATE_WINDOW_MS = 10 * 60 * 1000;

export function isIdempotencyKey(value: string): boolean {
  return IDEMPOTENCY_KEY_PATTERN.test(value);
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex'); // a string is hashed as UTF-8
}

/** JSON with object keys sorted at every level: two bodies that mean the same give the same text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** The hash a replay's body must match. */
export function bodyHash(body: unknown): string {
  return sha256(canonicalJson(body));
}

export interface NaturalKeyParts {
  offerKey: string;
  source: string;
  action: ActionCode;
  userDetails: Pick<UserDetails, 'Email' | 'Phone' | 'FirstName' | 'LastName' | 'Company'>;
  description: string;
}

/** sha256 of the natural key (a JSON array, so no separator can make two keys collide). */
export function naturalKeyHash(p: NaturalKeyParts): string {
  const u = p.userDetails;
  return sha256(
    JSON.stringify([
      p.offerKey,
      p.source,
      p.action,
      u.Email.toLowerCase(),
      u.Phone,
      u.FirstName.toLowerCase(),
      u.LastName.toLowerCase(),
      u.Company.toLowerCase(),
      p.description,
    ]),
  );
}

/** The dedupe keys of one capture at `nowMs`. */
export function captureKeys(input: { nowMs: number; idempotencyKey?: string; body: unknown; natural: NaturalKeyParts }): CaptureKeys {
  const expires = (ms: number) => new Date(input.nowMs + ms).toISOString();
  return {
    ...(input.idempotencyKey !== undefined
      ? { idempotency: { keyHash: sha256(input.idempotencyKey), bodyHash: bodyHash(input.body), expiresAt: expires(IDEMPOTENCY_TTL_MS) } }
      : {}),
    natural: { hash: naturalKeyHash(input.natural), expiresAt: expires(DUPLICATE_WINDOW_MS) },
  };
}

/** Whether a dedupe row written with `expiresAt` still counts at `nowMs` (it counts until that instant, exclusive). */
export function stillValid(expiresAt: string, nowMs: number): boolean {
  return Date.parse(expiresAt) > nowMs;
}
