import { describe, expect, it } from 'vitest';
import { noFaults } from '../../../../shared/faults';
import { LicenseCheck } from '../../../../shared/licensing/service/check';
import { LinkSubscription } from '../../../../shared/licensing/service/link-subscription';
import { UpdateLicenses } from '../../../../shared/licensing/service/license-update';
import { ListPools } from '../../../../shared/licensing/service/pools';
import { serviceIdOf, skuIdOf } from '../../../../shared/licensing/rules/sku';
import { admin, FakeSources, MemoryLicenseStore, plans, TENANT, user } from './fakes';

const now = () => new Date('2026-01-05T10:00:00Z');
const SERVICE = 'contoso.teamsapp.std';
const SKU = skuIdOf(serviceIdOf('contoso', 'teamsapp', 'std'));

async function setup() {
  const store = new MemoryLicenseStore();
  const sources = new FakeSources();
  sources.add({ id: 'sub-1', quantity: 3 });
  await new LinkSubscription({ store, sources, plans: plans(), now }).link(admin, TENANT, 'sub-1');
  const update = new UpdateLicenses({ store, sources, faults: noFaults, now, blockedTenants: [] });
  const check = new LicenseCheck({ store, sources, plans: plans() });
  return { store, sources, update, check, pools: new ListPools({ store, sources }) };
}

describe('the run-time license check', () => {
  it('sees an assignment and a removal at the next check', async () => {
    const { update, check } = await setup();
    const publisher = { kind: 'publisher' as const, publisherId: 'contoso' };
    expect(await check.check(publisher, TENANT, user(1), SERVICE)).toEqual({
      tenantId: TENANT,
      userId: user(1),
      serviceId: SERVICE,
      hasLicense: false,
      state: 'None',
      reason: 'NotAssigned',
    });
    await update.apply(admin, TENANT, user(1), { LicensesToAssign: [{ SkuId: SKU }] });
    expect(await check.check(publisher, TENANT.toUpperCase(), user(1).toUpperCase(), SERVICE)).toEqual({
      tenantId: TENANT,
      userId: user(1),
      serviceId: SERVICE,
      hasLicense: true,
      state: 'Active',
    });
    await update.apply(admin, TENANT, user(1), { LicensesToRemove: [SKU] });
    expect(await check.check(publisher, TENANT, user(1), SERVICE)).toMatchObject({ hasLicense: false, reason: 'NotAssigned' });
  });

  it('follows the subscription: suspended and cancelled say why', async () => {
    const { update, check, sources } = await setup();
    await update.apply(admin, TENANT, user(1), { LicensesToAssign: [{ SkuId: SKU }] });
    sources.add({ id: 'sub-1', status: 'Suspended', quantity: 3 });
    expect(await check.check(admin, TENANT, user(1), SERVICE)).toMatchObject({ hasLicense: false, reason: 'SubscriptionSuspended' });
    sources.add({ id: 'sub-1', status: 'Subscribed', quantity: 3 });
    expect(await check.check(admin, TENANT, user(1), SERVICE)).toMatchObject({ hasLicense: true });
    sources.add({ id: 'sub-1', status: 'Unsubscribed', quantity: 3 });
    expect(await check.check(admin, TENANT, user(1), SERVICE)).toMatchObject({ hasLicense: false, reason: 'SubscriptionUnsubscribed' });
  });

  it('answers 404 for an unknown or malformed Service ID', async () => {
    const { check } = await setup();
    await expect(check.check(admin, TENANT, user(1), 'nope.nope.nope')).rejects.toMatchObject({
      kind: 'not-found',
      code: 'ServiceNotFound',
    });
    await expect(check.check(admin, TENANT, user(1), 'Nope')).rejects.toMatchObject({ kind: 'not-found' });
  });

  it('shows the answer only to the publisher, the tenant’s admins and the user themself', async () => {
    const { check } = await setup();
    await expect(check.check({ kind: 'publisher', publisherId: 'fabrikam' }, TENANT, user(1), SERVICE)).rejects.toMatchObject({
      kind: 'forbidden',
    });
    const other = '99999999-1111-4111-8111-111111111111';
    await expect(check.check({ ...admin, tenantId: other }, TENANT, user(1), SERVICE)).rejects.toMatchObject({ kind: 'forbidden' });
    await expect(check.check({ ...admin, roles: [] }, TENANT, user(1), SERVICE)).rejects.toMatchObject({ kind: 'forbidden' });
    expect(await check.check({ ...admin, roles: [], userId: user(1) }, TENANT, user(1), SERVICE)).toMatchObject({ hasLicense: false });
    expect(await check.check({ kind: 'operator' }, TENANT, user(1), SERVICE)).toMatchObject({ hasLicense: false });
  });
});

describe('a tenant’s pools', () => {
  it('lists provisioned, assigned and available seats to the tenant’s admins and the publisher', async () => {
    const { update, pools } = await setup();
    await update.apply(admin, TENANT, user(1), { LicensesToAssign: [{ SkuId: SKU }] });
    const [only] = await pools.list(admin, TENANT);
    expect(only?.status).toEqual({ provisioned: 3, available: 2, state: 'Active' });
    expect(only?.pool.assigned).toBe(1);
    expect(await pools.list({ kind: 'publisher', publisherId: 'contoso' }, TENANT)).toHaveLength(1);
    expect(await pools.list({ kind: 'publisher', publisherId: 'fabrikam' }, TENANT)).toEqual([]);
    await expect(pools.list({ ...admin, roles: [] }, TENANT)).rejects.toMatchObject({ kind: 'forbidden' });
    await expect(pools.list(admin, '99999999-1111-4111-8111-111111111111')).rejects.toMatchObject({ kind: 'forbidden' });
  });
});
