/**
 * What a customer action becomes (specs/leads.md 1.2, 2.1): trigger × storefront → Source token, ActionCode and
 * kind; the `LeadSource` composite `Source-Action|publisherId.offerId` and its parser (split at the first `|`, the
 * left part at the first `-`, the right part at the last `.`); and the lead id, a ULID (26 Crockford base32
 * characters: 48 bits of milliseconds, then 80 random bits), so ids sort by capture time.
 */
import type { ActionCode, LeadKind, LeadSourceToken, Storefront, Trigger } from '../model';

export type EmittedSource = Exclude<LeadSourceToken, 'TestDrive'>;

export interface Classified {
  source: EmittedSource;
  action: ActionCode;
  kind: LeadKind;
}

const STOREFRONT_SOURCE: Record<Storefront, EmittedSource> = {
  AppSource: 'SPZA',
  AzureMarketplace: 'AzureMarketplace',
  AzurePortal: 'AzurePortal',
};

/** Per trigger: its action, its kind, and the storefronts it can come from (spec 2.1). */
const TRIGGER_TABLE: Record<Trigger, { action: ActionCode; kind: LeadKind; storefronts: readonly Storefront[] }> = {
  ContactMe: { action: 'PLT', kind: 'initialInterest', storefronts: ['AppSource', 'AzureMarketplace'] },
  GetItNow: { action: 'INS', kind: 'active', storefronts: ['AppSource', 'AzureMarketplace'] },
  PortalCreate: { action: 'Create', kind: 'active', storefronts: ['AzurePortal'] },
  TestDrive: { action: 'StartTestDrive', kind: 'trial', storefronts: ['AppSource', 'AzureMarketplace'] },
  // No action code is documented for a free trial (A3): INS, with Metadata.Trigger = FreeTrial.
  FreeTrial: { action: 'INS', kind: 'trial', storefronts: ['AppSource', 'AzureMarketplace'] },
  CrossListed: { action: 'DNC', kind: 'notification', storefronts: ['AppSource'] },
};

/** Source, action and kind of a trigger on a storefront; undefined for a pair the marketplace never produces. */
export function classify(trigger: Trigger, storefront: Storefront): Classified | undefined {
  const row = TRIGGER_TABLE[trigger];
  if (!row.storefronts.includes(storefront)) return undefined;
  return { source: STOREFRONT_SOURCE[storefront], action: row.action, kind: row.kind };
}

/**
 * Whether a Source the client sent agrees with the storefront's: the same token, or `TestDrive` for a test drive
 * (accepted on input for compatibility, A2; never emitted).
 */
export function sourceAccepted(sent: LeadSourceToken, trigger: Trigger, derived: EmittedSource): boolean {
  return sent === derived || (sent === 'TestDrive' && trigger === 'TestDrive');
}

/** `${source}-${action}|${publisherId}.${offerId}` with no spaces around `|` (spec 1.2). */
export function leadSourceOf(source: EmittedSource, action: ActionCode, publisherId: string, offerId: string): string {
  return `${source}-${action}|${publisherId}.${offerId}`;
}

export interface ParsedLeadSource {
  source: string;
  action: string;
  publisherId: string;
  offerId: string;
}

/** The parts of a LeadSource composite, or undefined when it is not `Source-Action|publisher.offer`. */
export function parseLeadSource(value: string): ParsedLeadSource | undefined {
  const bar = value.indexOf('|');
  // Stryker disable next-line EqualityOperator: a | first leaves no Source-Action before it, refused below either way
  if (bar < 0) return undefined;
  const left = value.slice(0, bar);
  const right = value.slice(bar + 1);
  const dash = left.indexOf('-');
  const dot = right.lastIndexOf('.');
  if (dash < 1 || dash === left.length - 1 || dot < 1 || dot === right.length - 1) return undefined;
  return { source: left.slice(0, dash), action: left.slice(dash + 1), publisherId: right.slice(0, dot), offerId: right.slice(dot + 1) };
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const ULID_PATTERN = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/;
const TIME_MAX = 2 ** 48 - 1;

/** A ULID for `timeMs`: 10 characters of time, 16 of the 10 random bytes `random(10)` returns. */
export function ulid(timeMs: number, random: (bytes: number) => Uint8Array): string {
  if (!Number.isInteger(timeMs) || timeMs < 0 || timeMs > TIME_MAX) throw new RangeError(`ULID time out of range: ${timeMs}`);
  let time = '';
  let t = timeMs;
  for (let i = 0; i < 10; i += 1) {
    time = CROCKFORD.charAt(t % 32) + time;
    t = Math.floor(t / 32);
  }
  const bytes = random(10);
  let bits = 0n;
  for (const byte of bytes) bits = (bits << 8n) | BigInt(byte);
  let rest = '';
  for (let i = 0; i < 16; i += 1) {
    rest = CROCKFORD.charAt(Number(bits & 31n)) + rest;
    bits >>= 5n;
  }
  return time + rest;
}

/** The millisecond time a ULID carries. */
export function ulidTime(id: string): number {
  let t = 0;
  for (const ch of id.slice(0, 10)) t = t * 32 + CROCKFORD.indexOf(ch);
  return t;
}

/**
 * A key that sorts the other way round (each Crockford digit d → 31 − d): newest first in a Table partition, where
 * rows come back in ascending RowKey order.
 */
export function invertId(id: string): string {
  let out = '';
  for (const ch of id) {
    const d = CROCKFORD.indexOf(ch);
    out += d < 0 ? ch : CROCKFORD.charAt(31 - d);
  }
  return out;
}
