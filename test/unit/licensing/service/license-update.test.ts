import { describe, expect, it } from 'vitest';
import { PausePoints } from '../../../../shared/faults';
import { LinkSubscription } from '../../../../shared/licensing/service/link-subscription';
import { BEFORE_COMMIT, UpdateLicenses } from '../../../../shared/licensing/service/license-update';
import { serviceIdOf, skuIdOf } from '../../../../shared/licensing/rules/sku';
import { noFaults, type Faults } from '../../../../shared/faults';
import { admin, FakeSources, MemoryLicenseStore, plans, TENANT, user } from './fakes';

const SKU = skuIdOf(serviceIdOf('contoso', 'teamsapp', 'std'));
const PRO = skuIdOf(serviceIdOf('contoso', 'teamsapp', 'pro'));
const now = () => new Date('2026-01-05T10:00:00Z');

async function setup(quantity: number, faults: Faults = noFaults) {
  const store = new MemoryLicenseStore();
  const sources = new FakeSources();
  sources.add({ id: 'sub-1', quantity });
  await new LinkSubscription({ store, sources, plans: plans(), now }).link(admin, TENANT, 'sub-1');
  const update = new UpdateLicenses({ store, sources, faults, now, blockedTenants: ['33333333-3333-4333-8333-333333333333'] });
  const assign = (n: number, sku = SKU) =>
    update.apply(admin, TENANT, user(n), { LicensesToAssign: [{ SkuId: sku, ExcludedPlans: null }] });
  const remove = (n: number, sku = SKU) => update.apply(admin, TENANT, user(n), { LicensesToRemove: [sku] });
  const pool = async () => (await store.getPool(TENANT, SKU))?.value;
  return { store, sources, update, assign, remove, pool };
}

describe('assigning and removing one user’s licenses', () => {
  it('assigns a seat and answers with the SKU and no warnings', async () => {
    const { assign, pool, store } = await setup(2);
    expect(await assign(1)).toEqual({ licensesToAssign: [{ skuId: SKU }], licensesToRemove: [], licenseWarnings: [] });
    expect((await pool())?.assigned).toBe(1);
    expect((await store.getAssignment(TENANT, SKU, user(1)))?.value).toEqual({
      tenantId: TENANT,
      skuId: SKU,
      userId: user(1),
      state: 'Active',
      epoch: 0,
      updatedAt: '2026-01-05T10:00:00.000Z',
    });
  });

  it('answers 60012 once the seats are taken and changes nothing', async () => {
    const { assign, pool, store } = await setup(2);
    await assign(1);
    await assign(2);
    await expect(assign(3)).rejects.toMatchObject({ code: '60012' });
    expect((await pool())?.assigned).toBe(2);
    expect(await store.getAssignment(TENANT, SKU, user(3))).toBeUndefined();
  });

  it('is idempotent: assigning twice takes one seat', async () => {
    const { assign, pool, store } = await setup(1);
    await assign(1);
    const commits = store.commits;
    expect(await assign(1)).toEqual({ licensesToAssign: [{ skuId: SKU }], licensesToRemove: [], licenseWarnings: [] });
    expect((await pool())?.assigned).toBe(1);
    expect(store.commits).toBe(commits);
  });

  it('frees the seat on removal and warns when the user holds none', async () => {
    const { assign, remove, pool, store } = await setup(1);
    await assign(1);
    expect(await remove(1)).toEqual({ licensesToAssign: [], licensesToRemove: [SKU], licenseWarnings: [] });
    expect((await pool())?.assigned).toBe(0);
    expect(await store.getAssignment(TENANT, SKU, user(1))).toBeUndefined();
    expect(await remove(4)).toEqual({
      licensesToAssign: [],
      licensesToRemove: [SKU],
      licenseWarnings: [{ code: 'LicenseNotAssigned', message: `The user does not hold a license of SKU ${SKU}.`, servicePlans: [] }],
    });
    expect((await pool())?.assigned).toBe(0);
    expect(await assign(2)).toMatchObject({ licensesToAssign: [{ skuId: SKU }] });
  });

  it('follows the subscription: a raised quantity frees seats, a lowered one keeps users but refuses new ones', async () => {
    const { assign, sources, pool } = await setup(1);
    await assign(1);
    sources.add({ id: 'sub-1', quantity: 2 });
    await assign(2);
    sources.add({ id: 'sub-1', quantity: 1 });
    await expect(assign(3)).rejects.toMatchObject({ code: '60012' });
    expect((await pool())?.assigned).toBe(2);
  });

  it('has no seats while the subscription is pending or after it was cancelled', async () => {
    const { assign, sources } = await setup(3);
    sources.add({ id: 'sub-1', status: 'PendingFulfillmentStart', quantity: 3 });
    await expect(assign(1)).rejects.toMatchObject({ code: '60012' });
    sources.add({ id: 'sub-1', status: 'Unsubscribed', quantity: 3 });
    await expect(assign(1)).rejects.toMatchObject({ code: '60012' });
  });

  it('refuses a SKU the customer has no pool for (960001) and SKUs of two offers (960004)', async () => {
    const { update, store, sources } = await setup(3);
    await expect(update.apply(admin, TENANT, user(1), { LicensesToAssign: [{ SkuId: PRO }] })).rejects.toMatchObject({ code: '960001' });
    const other = skuIdOf('other.offer.plan');
    await store.commit(TENANT, [
      {
        kind: 'pool',
        value: { ...(await store.getPool(TENANT, SKU))!.value, publisherId: 'other', offerId: 'offer', planId: 'plan', skuId: other },
      },
    ]);
    sources.add({ id: 'x' });
    await expect(update.apply(admin, TENANT, user(1), { LicensesToAssign: [{ SkuId: SKU }, { SkuId: other }] })).rejects.toMatchObject({
      code: '960004',
    });
  });

  it('assigns several SKUs atomically: one without a seat → 60012 and neither is assigned', async () => {
    const { update, store, sources, pool } = await setup(3);
    sources.add({ id: 'sub-2', planId: 'pro', quantity: 1 });
    await new LinkSubscription({ store, sources, plans: plans(), now }).link(admin, TENANT, 'sub-2');
    await update.apply(admin, TENANT, user(9), { LicensesToAssign: [{ SkuId: PRO }] });
    await expect(update.apply(admin, TENANT, user(1), { LicensesToAssign: [{ SkuId: SKU }, { SkuId: PRO }] })).rejects.toMatchObject({
      code: '60012',
    });
    expect((await pool())?.assigned).toBe(0);
    expect(await store.getAssignment(TENANT, SKU, user(1))).toBeUndefined();
  });

  it('checks the caller: app-only 900316, blocked tenant 900309, other tenant or no role 960005', async () => {
    const { update } = await setup(1);
    const body = { LicensesToAssign: [{ SkuId: SKU }] };
    await expect(update.apply({ kind: 'publisher', publisherId: 'contoso' }, TENANT, user(1), body)).rejects.toMatchObject({
      code: '900316',
    });
    await expect(update.apply({ kind: 'operator' }, TENANT, user(1), body)).rejects.toMatchObject({ code: '900316' });
    const blocked = '33333333-3333-4333-8333-333333333333';
    await expect(update.apply({ ...admin, tenantId: blocked }, blocked, user(1), body)).rejects.toMatchObject({
      code: '900309',
      kind: 'forbidden',
    });
    await expect(update.apply({ ...admin, tenantId: blocked.toUpperCase() }, blocked, user(1), body)).rejects.toMatchObject({
      code: '900309',
    });
    await expect(update.apply({ ...admin, tenantId: user(5) }, TENANT, user(1), body)).rejects.toMatchObject({
      code: '960005',
      kind: 'forbidden',
    });
    await expect(update.apply({ ...admin, roles: ['Reader'] }, TENANT, user(1), body)).rejects.toMatchObject({ code: '960005' });
    expect(await update.apply({ ...admin, tenantId: TENANT.toUpperCase() }, TENANT, user(1), body)).toMatchObject({ licenseWarnings: [] });
  });

  it('refuses ids that are not GUIDs and bad bodies with 960002', async () => {
    const { update } = await setup(1);
    await expect(update.apply(admin, TENANT, 'u1', { LicensesToAssign: [{ SkuId: SKU }] })).rejects.toMatchObject({
      code: '960002',
      message: 'user-id must be a GUID.',
    });
    await expect(update.apply({ ...admin, tenantId: 'TL' }, 'TL', user(1), { LicensesToAssign: [{ SkuId: SKU }] })).rejects.toMatchObject({
      code: '960002',
      message: 'customer-id must be a GUID.',
    });
    await expect(update.apply(admin, TENANT, user(1), {})).rejects.toMatchObject({ code: '960002' });
  });

  it('never gives the last seat twice: two requests that read it before either commits (interleaving)', async () => {
    const faults = new PausePoints();
    const { assign, pool, store } = await setup(1, faults);
    const gate = faults.pause(BEFORE_COMMIT);
    const first = assign(1);
    const second = assign(2);
    await gate.arrivals(2); // both read the pool with one free seat and are about to commit
    gate.release();
    const results = await Promise.allSettled([first, second]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as { code: string }).code] : []))).toEqual(['60012']);
    expect((await pool())?.assigned).toBe(1);
    expect((await store.listAssignments(TENANT, SKU)).length).toBe(1);
  });

  it('lets the loser of a race take another free seat', async () => {
    const faults = new PausePoints();
    const { assign, pool } = await setup(2, faults);
    const gate = faults.pause(BEFORE_COMMIT);
    const both = Promise.all([assign(1), assign(2)]);
    await gate.arrivals(2);
    gate.release();
    await both;
    expect((await pool())?.assigned).toBe(2);
  });

  it('answers 409 when it loses more races than allowed', async () => {
    const store = new MemoryLicenseStore();
    const sources = new FakeSources();
    sources.add({ id: 'sub-1', quantity: 5 });
    await new LinkSubscription({ store, sources, plans: plans(), now }).link(admin, TENANT, 'sub-1');
    const losing = new MemoryLicenseStore();
    for (const [key, row] of store.rows) losing.rows.set(key, row);
    losing.commit = async () => 'conflict' as const;
    const update = new UpdateLicenses({ store: losing, sources, faults: noFaults, now, blockedTenants: [], maxAttempts: 3 });
    await expect(update.apply(admin, TENANT, user(1), { LicensesToAssign: [{ SkuId: SKU }] })).rejects.toMatchObject({
      kind: 'conflict',
      code: 'LicenseUpdateConflict',
    });
  });

  it('200 concurrent requests against 50 seats: exactly 50 succeed, 150 get 60012', async () => {
    const { assign, pool, store } = await setup(50);
    const results = await Promise.allSettled(Array.from({ length: 200 }, (_, i) => assign(i + 1)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(50);
    const codes = results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as { code: string }).code] : []));
    expect(codes).toEqual(Array.from({ length: 150 }, () => '60012'));
    expect((await pool())?.assigned).toBe(50);
    expect((await store.listAssignments(TENANT, SKU)).length).toBe(50);
  });
});
