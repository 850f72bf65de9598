import { describe, expect, it } from 'vitest';
import { isTenantListKey, tenantListKey, tenantPartition } from '../../../../shared/saas/rules/tenant-list';

const ID = '0f2b4a1e-8c1d-4b8e-9a7f-2c3d4e5f6a7b';

describe('tenantListKey', () => {
  it('inverts the creation time into 16 digits, then the lower-case id', () => {
    expect(tenantListKey('1970-01-01T00:00:00.000Z', ID)).toBe(`8640000000000000|${ID}`);
    expect(tenantListKey('1970-01-01T00:00:00.001Z', ID.toUpperCase())).toBe(`8639999999999999|${ID}`);
    expect(tenantListKey('2026-01-01T00:00:00.000Z', ID)).toBe(`${8_640_000_000_000_000 - Date.parse('2026-01-01T00:00:00.000Z')}|${ID}`);
  });

  it('pads to 16 digits at the largest time, so keys sort as their times do', () => {
    expect(tenantListKey('+275760-09-13T00:00:00.000Z', ID)).toBe(`0000000000000000|${ID}`);
  });

  it('sorts a newer subscription before an older one', () => {
    const older = tenantListKey('2026-01-01T00:00:00.000Z', ID);
    const newer = tenantListKey('2026-01-01T00:00:00.001Z', ID);
    expect(newer < older).toBe(true);
  });

  it('refuses a creation time that is not a time', () => {
    expect(() => tenantListKey('yesterday', ID)).toThrow('not a time: yesterday');
  });
});

describe('isTenantListKey', () => {
  it('accepts exactly what tenantListKey produces', () => {
    expect(isTenantListKey(tenantListKey('2026-03-04T05:06:07.000Z', ID))).toBe(true);
  });

  it('refuses other shapes', () => {
    expect(isTenantListKey(`864000000000000|${ID}`)).toBe(false);
    expect(isTenantListKey(`86400000000000000|${ID}`)).toBe(false);
    expect(isTenantListKey(`x${'0'.repeat(15)}|${ID}`)).toBe(false);
    expect(isTenantListKey(`${'0'.repeat(16)}${ID}`)).toBe(false);
    expect(isTenantListKey(`${'0'.repeat(16)}|${ID.toUpperCase()}`)).toBe(false);
    expect(isTenantListKey(`${'0'.repeat(16)}|${ID}x`)).toBe(false);
    expect(isTenantListKey(`a${'0'.repeat(16)}|${ID}`)).toBe(false);
    expect(isTenantListKey('')).toBe(false);
  });
});

describe('tenantPartition', () => {
  it('is the lower-cased tenant under ten|', () => {
    expect(tenantPartition('Fabrikam')).toBe('ten|fabrikam');
  });
});
