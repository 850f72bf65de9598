import { describe, expect, it } from 'vitest';
import { isGuid, parseServiceId, serviceIdOf, skuIdOf } from '../../../../shared/licensing/rules/sku';

describe('service ids and SKU ids', () => {
  it('joins publisher, offer and plan with dots, as the catalog does', () => {
    expect(serviceIdOf('fabrikam', 'f365', 'bronze')).toBe('fabrikam.f365.bronze');
  });

  it('parses a Service ID of three catalog ids', () => {
    expect(parseServiceId('fabrikam.f365.bronze')).toEqual({ publisherId: 'fabrikam', offerId: 'f365', planId: 'bronze' });
    expect(parseServiceId('a-1.b_2.c')).toEqual({ publisherId: 'a-1', offerId: 'b_2', planId: 'c' });
  });

  it('refuses Service IDs that are not exactly three lowercase ids', () => {
    expect(parseServiceId('fabrikam.f365')).toBeUndefined();
    expect(parseServiceId('fabrikam.f365.bronze.x')).toBeUndefined();
    expect(parseServiceId('Fabrikam.F365.bronze')).toBeUndefined();
    expect(parseServiceId('fabrikam..bronze')).toBeUndefined();
    expect(parseServiceId('fab rikam.f365.bronze')).toBeUndefined();
    expect(parseServiceId(`${'a'.repeat(51)}.f365.bronze`)).toBeUndefined();
    expect(parseServiceId(`${'a'.repeat(50)}.f365.bronze`)).toEqual({ publisherId: 'a'.repeat(50), offerId: 'f365', planId: 'bronze' });
    expect(parseServiceId('x.f365.bronze!')).toBeUndefined();
    expect(parseServiceId('!x.f365.bronze')).toBeUndefined();
  });

  it('derives the same GUID for the same Service ID and different ones otherwise', () => {
    const sku = skuIdOf('fabrikam.f365.bronze');
    expect(sku).toBe(skuIdOf('fabrikam.f365.bronze'));
    expect(sku).not.toBe(skuIdOf('fabrikam.f365.gold'));
    expect(sku).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('derives a fixed value (SHA-256 of the prefixed Service ID in a version-5 layout)', () => {
    expect(skuIdOf('fabrikam.f365.bronze')).toMatchInlineSnapshot(`"01c68b7e-7ae3-543f-be4f-9d85256b7341"`);
  });

  it('sets the variant bits whatever the hash digit', () => {
    const variants = new Set(Array.from({ length: 64 }, (_, i) => skuIdOf(`p.o.plan${i}`).charAt(19)));
    for (const v of variants) expect(['8', '9', 'a', 'b']).toContain(v);
    expect(variants.size).toBeGreaterThan(1);
  });

  it('tells GUIDs from other strings', () => {
    expect(isGuid('f8a1db68-be16-40ed-86d5-cb42ce701560')).toBe(true);
    expect(isGuid('F8A1DB68-BE16-40ED-86D5-CB42CE701560')).toBe(true);
    expect(isGuid('f8a1db68-be16-40ed-86d5-cb42ce70156')).toBe(false);
    expect(isGuid('xf8a1db68-be16-40ed-86d5-cb42ce701560')).toBe(false);
    expect(isGuid('f8a1db68-be16-40ed-86d5-cb42ce701560x')).toBe(false);
    expect(isGuid('SKU-B')).toBe(false);
  });
});
