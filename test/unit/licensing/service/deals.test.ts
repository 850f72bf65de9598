import { describe, expect, it } from 'vitest';
import { noFaults } from '../../../../shared/faults';
import type { LicenseCaller } from '../../../../shared/licensing/model';
import { serviceIdOf, skuIdOf } from '../../../../shared/licensing/rules/sku';
import { LicenseCheck } from '../../../../shared/licensing/service/check';
import { Deals } from '../../../../shared/licensing/service/deals';
import { UpdateLicenses } from '../../../../shared/licensing/service/license-update';
import { admin, FakeSources, MemoryLicenseStore, plans, TENANT, user } from './fakes';

const now = () => new Date('2026-01-05T10:00:00Z');
const FABRIKAM: LicenseCaller = { kind: 'publisher', publisherId: 'fabrikam' };
const GLOBAL_ADMIN: LicenseCaller = { kind: 'customer', tenantId: TENANT, userId: user(900), roles: ['Global Administrator'] };
const BRONZE = serviceIdOf('fabrikam', 'f365', 'bronze');
const SKU_B = skuIdOf(BRONZE);

function setup() {
  const store = new MemoryLicenseStore();
  const sources = new FakeSources();
  let n = 0;
  const deals = new Deals({ store, sources, plans: plans(), now, consentUrl: (id) => `/consent/${id}`, newId: () => `id-${++n}` });
  const update = new UpdateLicenses({ store, sources, faults: noFaults, now, blockedTenants: [] });
  const check = new LicenseCheck({ store, sources, plans: plans() });
  return { store, deals, update, check, pool: async () => (await store.getPool(TENANT, SKU_B))?.value };
}

async function consented(t: ReturnType<typeof setup>) {
  const { deal } = await t.deals.register(FABRIKAM, { offerId: 'f365', customerTenantId: TENANT, customerName: 'Tailspin' });
  const invitation = await t.deals.invite(FABRIKAM, deal.dealId);
  await t.deals.accept(GLOBAL_ADMIN, invitation.invitationId);
  return deal.dealId;
}

describe('deals and consent (the Dynamics flavour)', () => {
  it('refuses lines before consent (409 CustomerConsentRequired) and after an invitation not yet accepted (C.13-108)', async () => {
    const t = setup();
    const { deal, relationship } = await t.deals.register(FABRIKAM, {
      offerId: 'f365',
      customerTenantId: TENANT,
      customerName: 'Tailspin',
    });
    expect(relationship).toBe('None');
    await expect(t.deals.setLine(FABRIKAM, deal.dealId, 'bronze', 10)).rejects.toMatchObject({
      kind: 'conflict',
      code: 'CustomerConsentRequired',
    });
    expect(await t.deals.invite(FABRIKAM, deal.dealId)).toEqual({
      invitationId: 'id-2',
      consentUrl: '/consent/id-2',
      relationship: 'Invited',
    });
    await expect(t.deals.setLine(FABRIKAM, deal.dealId, 'bronze', 10)).rejects.toMatchObject({ code: 'CustomerConsentRequired' });
  });

  it('lets only the tenant’s Global or Billing administrator consent (C.13-109)', async () => {
    const t = setup();
    const { deal } = await t.deals.register(FABRIKAM, { offerId: 'f365', customerTenantId: TENANT, customerName: 'Tailspin' });
    const { invitationId } = await t.deals.invite(FABRIKAM, deal.dealId);
    await expect(t.deals.accept(admin, invitationId)).rejects.toMatchObject({ kind: 'forbidden' });
    await expect(t.deals.accept({ ...GLOBAL_ADMIN, tenantId: user(5) }, invitationId)).rejects.toMatchObject({ kind: 'forbidden' });
    await expect(t.deals.accept(GLOBAL_ADMIN, 'nope')).rejects.toMatchObject({ kind: 'not-found' });
    expect(await t.deals.accept({ ...GLOBAL_ADMIN, roles: ['Billing Administrator'] }, invitationId)).toMatchObject({
      state: 'Accepted',
      acceptedBy: user(900),
    });
    await expect(t.deals.accept(GLOBAL_ADMIN, invitationId)).rejects.toMatchObject({ kind: 'conflict' });
    await expect(t.deals.invite(FABRIKAM, deal.dealId)).rejects.toMatchObject({ code: 'ConsentAlreadyGiven' });
  });

  it('provisions, changes and adds up deal lines; quantities below 1 are refused (C.13-110/111/114)', async () => {
    const t = setup();
    const dealId = await consented(t);
    expect(await t.deals.setLine(FABRIKAM, dealId, 'bronze', 10)).toMatchObject({
      status: { provisioned: 10, available: 10, state: 'Active' },
    });
    expect(await t.deals.setLine(FABRIKAM, dealId, 'bronze', 15)).toMatchObject({ status: { provisioned: 15 } });
    for (const bad of [0, -1, 2.5])
      await expect(t.deals.setLine(FABRIKAM, dealId, 'bronze', bad)).rejects.toMatchObject({ code: 'InvalidQuantity' });
    const { deal: second, relationship } = await t.deals.register(FABRIKAM, {
      offerId: 'f365',
      customerTenantId: TENANT,
      customerName: 'Tailspin',
    });
    expect(relationship).toBe('Accepted');
    await t.deals.setLine(FABRIKAM, second.dealId, 'bronze', 5);
    expect(await t.pool()).toMatchObject({ dealSeats: 20 });
  });

  it('refuses a plan of another offer and hides other publishers’ deals (C.13-112)', async () => {
    const t = setup();
    const dealId = await consented(t);
    await expect(t.deals.setLine(FABRIKAM, dealId, 'std', 3)).rejects.toMatchObject({ code: 'PlanNotInOffer' });
    await expect(t.deals.setLine({ kind: 'publisher', publisherId: 'contoso' }, dealId, 'bronze', 3)).rejects.toMatchObject({
      kind: 'not-found',
    });
    await expect(t.deals.register(admin, { offerId: 'f365', customerTenantId: TENANT, customerName: 'x' })).rejects.toMatchObject({
      kind: 'forbidden',
    });
    await expect(t.deals.register(FABRIKAM, { offerId: 'f365', customerTenantId: 'TL', customerName: 'x' })).rejects.toMatchObject({
      kind: 'invalid',
    });
  });

  it('removing the line makes the pool Inactive, assignments kept; re-adding restores them (C.13-113)', async () => {
    const t = setup();
    const dealId = await consented(t);
    await t.deals.setLine(FABRIKAM, dealId, 'bronze', 10);
    await t.update.apply(admin, TENANT, user(1), { LicensesToAssign: [{ SkuId: SKU_B }] });
    expect(await t.check.check(admin, TENANT, user(1), BRONZE)).toMatchObject({ hasLicense: true });
    expect(await t.deals.setLine(FABRIKAM, dealId, 'bronze', undefined)).toMatchObject({ status: { provisioned: 0, state: 'Inactive' } });
    expect(await t.check.check(admin, TENANT, user(1), BRONZE)).toMatchObject({ hasLicense: false, reason: 'PoolInactive' });
    await expect(t.deals.setLine(FABRIKAM, dealId, 'bronze', undefined)).rejects.toMatchObject({ code: 'DealLineNotFound' });
    await t.deals.setLine(FABRIKAM, dealId, 'bronze', 10);
    expect(await t.check.check(admin, TENANT, user(1), BRONZE)).toMatchObject({ hasLicense: true });
  });
});
