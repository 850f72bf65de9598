import { describe, expect, it } from 'vitest';
import { member, parseLicenseUpdate } from '../../../../shared/licensing/rules/license-update';

const SKU = 'f8a1db68-be16-40ed-86d5-cb42ce701560';
const SKU2 = '0a1b2c3d-be16-40ed-86d5-cb42ce701561';

describe('the LicenseUpdate body', () => {
  it('reads the sample of seed 003 exactly', () => {
    const body = {
      LicensesToAssign: [{ ExcludedPlans: null, SkuId: SKU }],
      LicensesToRemove: null,
      LicenseWarnings: null,
      Attributes: { ObjectType: 'LicenseUpdate' },
    };
    expect(parseLicenseUpdate(body)).toEqual({ ok: true, request: { assign: [SKU], remove: [] } });
  });

  it('matches names whatever their casing and lowercases SKU ids', () => {
    expect(parseLicenseUpdate({ licensesToAssign: [{ skuId: SKU.toUpperCase(), excludedPlans: [] }] })).toEqual({
      ok: true,
      request: { assign: [SKU], remove: [] },
    });
    expect(parseLicenseUpdate({ LICENSESTOREMOVE: [SKU] })).toEqual({ ok: true, request: { assign: [], remove: [SKU] } });
  });

  it('lists a SKU once when it is repeated', () => {
    expect(parseLicenseUpdate({ LicensesToAssign: [{ SkuId: SKU }, { SkuId: SKU.toUpperCase() }, { SkuId: SKU2 }] })).toEqual({
      ok: true,
      request: { assign: [SKU, SKU2], remove: [] },
    });
    expect(parseLicenseUpdate({ LicensesToRemove: [SKU, SKU] })).toEqual({ ok: true, request: { assign: [], remove: [SKU] } });
  });

  it('refuses a body that is not an object', () => {
    for (const body of [null, [], 'x', 3]) {
      expect(parseLicenseUpdate(body)).toEqual({ ok: false, problems: ['The body must be a LicenseUpdate object.'] });
    }
  });

  it('refuses a body with nothing to do', () => {
    const nothing = { ok: false, problems: ['LicensesToAssign or LicensesToRemove must list at least one SKU.'] };
    expect(parseLicenseUpdate({})).toEqual(nothing);
    expect(parseLicenseUpdate({ LicensesToAssign: null, LicensesToRemove: null })).toEqual(nothing);
    expect(parseLicenseUpdate({ LicensesToAssign: [], LicensesToRemove: [] })).toEqual(nothing);
  });

  it('refuses lists that are not arrays and SKU ids that are not GUIDs', () => {
    expect(parseLicenseUpdate({ LicensesToAssign: { SkuId: SKU } })).toEqual({
      ok: false,
      problems: ['LicensesToAssign must be an array or null.'],
    });
    expect(parseLicenseUpdate({ LicensesToRemove: SKU })).toEqual({ ok: false, problems: ['LicensesToRemove must be an array or null.'] });
    expect(parseLicenseUpdate({ LicensesToAssign: [{ SkuId: 'SKU-B' }, 'x'] })).toEqual({
      ok: false,
      problems: ['LicensesToAssign[0] must be a SKU id (a GUID).', 'LicensesToAssign[1] must be a SKU id (a GUID).'],
    });
    expect(parseLicenseUpdate({ LicensesToRemove: [SKU, 7] })).toEqual({
      ok: false,
      problems: ['LicensesToRemove[1] must be a SKU id (a GUID).'],
    });
  });

  it('accepts ExcludedPlans only null, absent or empty', () => {
    expect(parseLicenseUpdate({ LicensesToAssign: [{ SkuId: SKU, ExcludedPlans: ['x'] }] })).toEqual({
      ok: false,
      problems: ['LicensesToAssign[0].ExcludedPlans must be null or empty: the plan has no service plans to exclude.'],
    });
    expect(parseLicenseUpdate({ LicensesToAssign: [{ SkuId: SKU, ExcludedPlans: 'x' }] }).ok).toBe(false);
    expect(parseLicenseUpdate({ LicensesToAssign: [{ SkuId: SKU, ExcludedPlans: {} }] }).ok).toBe(false);
    expect(parseLicenseUpdate({ LicensesToAssign: [{ SkuId: SKU }] }).ok).toBe(true);
  });

  it('refuses a SKU both assigned and removed', () => {
    expect(parseLicenseUpdate({ LicensesToAssign: [{ SkuId: SKU }, { SkuId: SKU2 }], LicensesToRemove: [SKU2.toUpperCase()] })).toEqual({
      ok: false,
      problems: [`SKU ${SKU2} is both assigned and removed.`],
    });
  });

  it('refuses items that are not objects and ids that only print like a GUID', () => {
    expect(parseLicenseUpdate({ LicensesToAssign: [null] })).toEqual({
      ok: false,
      problems: ['LicensesToAssign[0] must be a SKU id (a GUID).'],
    });
    expect(parseLicenseUpdate({ LicensesToAssign: [[SKU]] })).toEqual({
      ok: false,
      problems: ['LicensesToAssign[0] must be a SKU id (a GUID).'],
    });
    expect(parseLicenseUpdate({ LicensesToRemove: [[SKU]] })).toEqual({
      ok: false,
      problems: ['LicensesToRemove[0] must be a SKU id (a GUID).'],
    });
  });

  it('names every SKU listed twice', () => {
    expect(parseLicenseUpdate({ LicensesToAssign: [{ SkuId: SKU }, { SkuId: SKU2 }], LicensesToRemove: [SKU, SKU2] })).toEqual({
      ok: false,
      problems: [`SKU ${SKU}, ${SKU2} is both assigned and removed.`],
    });
  });

  it('finds a member whatever its casing, undefined when absent', () => {
    expect(member({ undefined: 1 }, 'SkuId')).toBeUndefined();
    expect(member({ SkuId: 1 }, 'skuid')).toBe(1);
    expect(member({ skuId: null }, 'SkuId')).toBeNull();
    expect(member({ other: 1 }, 'SkuId')).toBeUndefined();
  });
});
