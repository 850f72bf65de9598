import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  bodyHash,
  canonicalJson,
  captureKeys,
  DUPLICATE_WINDOW_MS,
  IDEMPOTENCY_TTL_MS,
  isIdempotencyKey,
  naturalKeyHash,
  sha256,
  stillValid,
  type NaturalKeyParts,
} from '../../../../shared/leads/rules/dedupe';

const hex = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

function parts(over: Partial<NaturalKeyParts> = {}, details: Partial<NaturalKeyParts['userDetails']> = {}): NaturalKeyParts {
  return {
    offerKey: 'contoso.contoso-app',
    source: 'SPZA',
    action: 'PLT',
    userDetails: { Email: 'Ann@Contoso.com', Phone: '1234', FirstName: 'Ann', LastName: 'Lee', Company: 'Contoso', ...details },
    description: 'Call me',
    ...over,
  };
}

describe('Idempotency-Key syntax', () => {
  it.each(['a', 'A-z_0.9:x', 'k'.repeat(128), '01HZX3-order:42'])('accepts %j', (key) => {
    expect(isIdempotencyKey(key)).toBe(true);
  });
  it.each(['', 'k'.repeat(129), 'a b', 'a/b', 'ä', 'a\n', 'a,b', ' a'])('refuses %j', (key) => {
    expect(isIdempotencyKey(key)).toBe(false);
  });
  it('windows: 24 hours and 10 minutes', () => {
    expect(IDEMPOTENCY_TTL_MS).toBe(86_400_000);
    expect(DUPLICATE_WINDOW_MS).toBe(600_000);
  });
});

describe('canonical body', () => {
  it('sorts keys at every level and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: null }], c: 'x' } })).toBe('{"a":{"c":"x","d":[2,{"y":null,"z":1}]},"b":1}');
    expect(canonicalJson([3, 1])).toBe('[3,1]');
    expect(canonicalJson('s"')).toBe('"s\\""');
    expect(canonicalJson(undefined)).toBe('null');
  });
  it('hashes the same for the same meaning, differently for another', () => {
    expect(bodyHash({ a: 1, b: 2 })).toBe(bodyHash({ b: 2, a: 1 }));
    expect(bodyHash({ a: 1, b: 2 })).toBe(hex('{"a":1,"b":2}'));
    expect(bodyHash({ a: 1 })).not.toBe(bodyHash({ a: '1' }));
    expect(sha256('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

describe('natural key', () => {
  it('is the hash of the documented parts, e-mail, names and company lower-cased', () => {
    expect(naturalKeyHash(parts())).toBe(
      hex(JSON.stringify(['contoso.contoso-app', 'SPZA', 'PLT', 'ann@contoso.com', '1234', 'ann', 'lee', 'contoso', 'Call me'])),
    );
    expect(naturalKeyHash(parts({}, { Email: 'ANN@contoso.COM', FirstName: 'ANN', LastName: 'LEE', Company: 'CONTOSO' }))).toBe(
      naturalKeyHash(parts()),
    );
  });
  it.each([
    ['offer', parts({ offerKey: 'contoso.other' })],
    ['source', parts({ source: 'AzureMarketplace' })],
    ['action', parts({ action: 'INS' })],
    ['email', parts({}, { Email: 'bob@contoso.com' })],
    ['phone', parts({}, { Phone: '12345' })],
    ['first name', parts({}, { FirstName: 'Bob' })],
    ['last name', parts({}, { LastName: 'Lo' })],
    ['company', parts({}, { Company: 'Fabrikam' })],
    ['description', parts({ description: 'call me' })],
  ])('changes with the %s', (_name, other) => {
    expect(naturalKeyHash(other)).not.toBe(naturalKeyHash(parts()));
  });
});

describe('captureKeys', () => {
  const now = Date.UTC(2025, 0, 1, 12);
  it('has the idempotency row only with a key, both with their expiry', () => {
    expect(captureKeys({ nowMs: now, body: { a: 1 }, natural: parts() })).toEqual({
      natural: { hash: naturalKeyHash(parts()), expiresAt: '2025-01-01T12:10:00.000Z' },
    });
    expect(captureKeys({ nowMs: now, idempotencyKey: 'k1', body: { a: 1 }, natural: parts() })).toEqual({
      idempotency: { keyHash: hex('k1'), bodyHash: bodyHash({ a: 1 }), expiresAt: '2025-01-02T12:00:00.000Z' },
      natural: { hash: naturalKeyHash(parts()), expiresAt: '2025-01-01T12:10:00.000Z' },
    });
  });
  it('counts a row until its expiry instant, exclusive', () => {
    const at = '2025-01-01T12:10:00.000Z';
    expect(stillValid(at, Date.parse(at) - 1)).toBe(true);
    expect(stillValid(at, Date.parse(at))).toBe(false);
  });
});
