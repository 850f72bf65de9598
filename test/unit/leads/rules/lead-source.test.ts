import { describe, expect, it } from 'vitest';
import { classify, invertId, leadSourceOf, parseLeadSource, sourceAccepted, ulid, ulidTime, ULID_PATTERN } from '../../../../shared/leads/rules/lead-source';

describe('classify (spec 2.1)', () => {
  it.each([
    ['ContactMe', 'AppSource', 'SPZA', 'PLT', 'initialInterest'],
    ['ContactMe', 'AzureMarketplace', 'AzureMarketplace', 'PLT', 'initialInterest'],
    ['GetItNow', 'AppSource', 'SPZA', 'INS', 'active'],
    ['GetItNow', 'AzureMarketplace', 'AzureMarketplace', 'INS', 'active'],
    ['PortalCreate', 'AzurePortal', 'AzurePortal', 'Create', 'active'],
    ['TestDrive', 'AppSource', 'SPZA', 'StartTestDrive', 'trial'],
    ['TestDrive', 'AzureMarketplace', 'AzureMarketplace', 'StartTestDrive', 'trial'],
    ['FreeTrial', 'AppSource', 'SPZA', 'INS', 'trial'],
    ['FreeTrial', 'AzureMarketplace', 'AzureMarketplace', 'INS', 'trial'],
    ['CrossListed', 'AppSource', 'SPZA', 'DNC', 'notification'],
  ] as const)('%s on %s → %s %s %s', (trigger, storefront, source, action, kind) => {
    expect(classify(trigger, storefront)).toEqual({ source, action, kind });
  });
  it.each([
    ['ContactMe', 'AzurePortal'],
    ['GetItNow', 'AzurePortal'],
    ['FreeTrial', 'AzurePortal'],
    ['TestDrive', 'AzurePortal'],
    ['CrossListed', 'AzurePortal'],
    ['PortalCreate', 'AzureMarketplace'],
    ['PortalCreate', 'AppSource'],
    ['CrossListed', 'AzureMarketplace'],
  ] as const)('%s on %s is a pair the marketplace never produces', (trigger, storefront) => {
    expect(classify(trigger, storefront)).toBeUndefined();
  });
});

describe('sourceAccepted', () => {
  it('accepts the derived token, and TestDrive for a test drive only', () => {
    expect(sourceAccepted('SPZA', 'ContactMe', 'SPZA')).toBe(true);
    expect(sourceAccepted('AzureMarketplace', 'ContactMe', 'SPZA')).toBe(false);
    expect(sourceAccepted('TestDrive', 'TestDrive', 'SPZA')).toBe(true);
    expect(sourceAccepted('TestDrive', 'ContactMe', 'SPZA')).toBe(false);
    expect(sourceAccepted('AzureMarketplace', 'TestDrive', 'SPZA')).toBe(false);
  });
});

describe('LeadSource', () => {
  it('is Source-Action|publisher.offer with no spaces', () => {
    expect(leadSourceOf('SPZA', 'PLT', 'contoso', 'contoso-crm-addon')).toBe('SPZA-PLT|contoso.contoso-crm-addon');
    expect(leadSourceOf('AzurePortal', 'Create', 'contoso', 'contoso-app')).toBe('AzurePortal-Create|contoso.contoso-app');
  });
  it('parses at the first |, the first - and the last .', () => {
    expect(parseLeadSource('SPZA-PLT|contoso.contoso-crm-addon')).toEqual({
      source: 'SPZA',
      action: 'PLT',
      publisherId: 'contoso',
      offerId: 'contoso-crm-addon',
    });
    expect(parseLeadSource('AzureMarketplace-StartTestDrive|con.toso.offer_1|x')).toEqual({
      source: 'AzureMarketplace',
      action: 'StartTestDrive',
      publisherId: 'con.toso',
      offerId: 'offer_1|x',
    });
    expect(parseLeadSource('A-B-C|p.o')).toEqual({ source: 'A', action: 'B-C', publisherId: 'p', offerId: 'o' });
  });
  it.each(['SPZA-PLT', 'SPZA-PLT contoso.offer', 'SPZA|p.o', '-PLT|p.o', 'SPZA-|p.o', 'SPZA-PLT|po', 'SPZA-PLT|.o', 'SPZA-PLT|p.', ''])('%j is not a LeadSource', (value) => {
    expect(parseLeadSource(value)).toBeUndefined();
  });
  it('round-trips', () => {
    const value = leadSourceOf('AzureMarketplace', 'INS', 'bitnami', 'openedxcypress');
    expect(parseLeadSource(value)).toEqual({ source: 'AzureMarketplace', action: 'INS', publisherId: 'bitnami', offerId: 'openedxcypress' });
  });
});

describe('ulid', () => {
  const zeros = (n: number) => new Uint8Array(n);
  const ones = (n: number) => new Uint8Array(n).fill(255);
  it('encodes the time in the first 10 characters and 80 random bits in the last 16', () => {
    expect(ulid(0, zeros)).toBe('00000000000000000000000000');
    expect(ulid(2 ** 48 - 1, ones)).toBe('7ZZZZZZZZZZZZZZZZZZZZZZZZZ');
    expect(ulid(1_469_918_176_385, zeros)).toBe('01ARYZ6S410000000000000000');
    expect(ulid(32, (n) => Uint8Array.from({ length: n }, (_, i) => (i === n - 1 ? 33 : 0)))).toBe('00000000100000000000000011');
  });
  it('asks for 10 random bytes and matches the pattern', () => {
    let asked = 0;
    const id = ulid(Date.UTC(2025, 0, 1), (n) => {
      asked = n;
      return Uint8Array.from({ length: n }, (_, i) => i * 37);
    });
    expect(asked).toBe(10);
    expect(id).toMatch(ULID_PATTERN);
    expect(ulidTime(id)).toBe(Date.UTC(2025, 0, 1));
  });
  it('sorts by time', () => {
    expect(ulid(1000, ones) < ulid(1001, zeros)).toBe(true);
  });
  it.each([-1, 2 ** 48, 1.5, Number.NaN])('refuses time %s', (t) => {
    expect(() => ulid(t, zeros)).toThrow(new RangeError(`ULID time out of range: ${t}`));
  });
});

describe('invertId', () => {
  it('maps each digit d to 31 - d, so later ids sort first', () => {
    expect(invertId('0')).toBe('Z');
    expect(invertId('Z')).toBe('0');
    expect(invertId('01ARYZ6S41')).toBe('ZYN710S6VY');
    const early = ulid(1000, (n) => new Uint8Array(n));
    const late = ulid(2000, (n) => new Uint8Array(n));
    expect(invertId(late) < invertId(early)).toBe(true);
    expect(invertId(invertId(late))).toBe(late);
  });
  it('leaves a character outside the alphabet as it is', () => {
    expect(invertId('a|0')).toBe('a|Z');
  });
});
