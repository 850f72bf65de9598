/**
 * License seats against Azurite (store/table.ts over the real Table API; decision 0801): the pool row's If-Match
 * is what stops oversubscription. A store that wrote without If-Match (read-then-write) fails the interleaving test
 * (both requests commit the last seat) and the 200-against-50 test (more than 50 succeed).
 */
import { describe, expect, it } from 'vitest';
import { noFaults, PausePoints, type Faults } from '../../../shared/faults';
import { serviceIdOf, skuIdOf } from '../../../shared/licensing/rules/sku';
import { LicenseCheck } from '../../../shared/licensing/service/check';
import { BEFORE_COMMIT, UpdateLicenses } from '../../../shared/licensing/service/license-update';
import { LinkSubscription } from '../../../shared/licensing/service/link-subscription';
import { TableLicenseStore } from '../../../shared/licensing/store/table';
import { testStorage } from '../../fixtures/storage';
import { admin, FakeSources, plans, TENANT, user } from '../../unit/licensing/service/fakes';

const now = () => new Date('2026-01-05T10:00:00Z');
const SKU = skuIdOf(serviceIdOf('contoso', 'teamsapp', 'std'));

async function setup(quantity: number, faults: Faults = noFaults) {
  const storage = testStorage();
  const store = new TableLicenseStore(() => storage.table('Licensing'));
  const sources = new FakeSources();
  sources.add({ id: 'sub-1', quantity });
  await new LinkSubscription({ store, sources, plans: plans(), now }).link(admin, TENANT, 'sub-1');
  const update = new UpdateLicenses({ store, sources, faults, now, blockedTenants: [] });
  const assign = (n: number) => update.apply(admin, TENANT, user(n), { LicensesToAssign: [{ SkuId: SKU, ExcludedPlans: null }] });
  const remove = (n: number) => update.apply(admin, TENANT, user(n), { LicensesToRemove: [SKU] });
  return { store, sources, update, assign, remove, check: new LicenseCheck({ store, sources, plans: plans() }) };
}

describe('license seats in Table storage', () => {
  it('stores an assignment and its removal with the pool counters in one transaction', async () => {
    const { store, assign, remove, check } = await setup(2);
    await assign(1);
    expect((await store.getPool(TENANT, SKU))?.value).toMatchObject({ assigned: 1, reserved: 0 });
    expect((await store.listAssignments(TENANT, SKU)).map((a) => a.value.userId)).toEqual([user(1)]);
    expect(await check.check(admin, TENANT, user(1), 'contoso.teamsapp.std')).toMatchObject({ hasLicense: true });
    await remove(1);
    expect((await store.getPool(TENANT, SKU))?.value).toMatchObject({ assigned: 0 });
    expect(await store.listAssignments(TENANT, SKU)).toEqual([]);
    expect(await store.listPools(TENANT)).toHaveLength(1);
  });

  it('lists a publisher’s pools and monthly snapshots across tenants (the report), and keeps batches and groups', async () => {
    const { store, assign } = await setup(3);
    await assign(1);
    expect((await store.listPoolsOf('contoso')).map((p) => [p.tenantId, p.assigned])).toEqual([[TENANT, 1]]);
    expect(await store.listPoolsOf('fabrikam')).toEqual([]);
    expect(await store.listSnapshotsOf('contoso')).toEqual([
      {
        tenantId: TENANT,
        skuId: SKU,
        publisherId: 'contoso',
        month: '2026-01',
        provisioned: 3,
        assigned: 1,
        state: 'Active',
        at: '2026-01-05T10:00:00.000Z',
      },
    ]);
    await store.commit(TENANT, [{ kind: 'group', value: { tenantId: TENANT, groupId: 'G1', members: [user(1)] } }]);
    expect((await store.getGroup(TENANT, 'G1'))?.value.members).toEqual([user(1)]);
    await store.indexBatch('b1', TENANT);
    expect(await store.tenantOfBatch('b1')).toBe(TENANT);
    expect(await store.tenantOfBatch('b2')).toBeUndefined();
    await store.setApprovalFault(TENANT, user(2), true);
    expect(await store.approvalFails(TENANT, user(2))).toBe(true);
    await store.setApprovalFault(TENANT, user(2), false);
    await store.setApprovalFault(TENANT, user(2), false);
    expect(await store.approvalFails(TENANT, user(2))).toBe(false);
  });

  it('keeps deals, consents and their index rows', async () => {
    const { store } = await setup(1);
    const deal = {
      dealId: 'd1',
      publisherId: 'fabrikam',
      offerId: 'f365',
      tenantId: TENANT,
      customerName: 'T',
      status: 'InProgress' as const,
      lines: [],
      createdAt: '2026-01-05T10:00:00.000Z',
    };
    expect(
      await store.commit(TENANT, [
        { kind: 'deal', value: deal },
        { kind: 'consent', value: { publisherId: 'fabrikam', tenantId: TENANT, state: 'Invited', invitationId: 'i1' } },
      ]),
    ).toBe('ok');
    expect((await store.getDeal(TENANT, 'd1'))?.value).toEqual(deal);
    expect((await store.getConsent(TENANT, 'fabrikam'))?.value.state).toBe('Invited');
    expect(await store.getConsent(TENANT, 'contoso')).toBeUndefined();
    await store.putIndex('invitation', 'i1', { tenantId: TENANT, publisherId: 'fabrikam' });
    expect(await store.getIndex('invitation', 'i1')).toEqual({ tenantId: TENANT, publisherId: 'fabrikam' });
    expect(await store.getIndex('deal', 'i1')).toBeUndefined();
  });

  it('answers conflict for a stale If-Match and for a create over an existing row', async () => {
    const { store } = await setup(1);
    const pool = (await store.getPool(TENANT, SKU))!;
    expect(await store.commit(TENANT, [{ kind: 'pool', value: { ...pool.value, assigned: 1 }, etag: pool.etag }])).toBe('ok');
    expect(await store.commit(TENANT, [{ kind: 'pool', value: { ...pool.value, assigned: 2 }, etag: pool.etag }])).toBe('conflict');
    expect(await store.commit(TENANT, [{ kind: 'pool', value: pool.value }])).toBe('conflict');
    expect((await store.getPool(TENANT, SKU))?.value.assigned).toBe(1);
  });

  it('never gives the last seat twice (deterministic interleaving)', async () => {
    const faults = new PausePoints();
    const { store, assign } = await setup(1, faults);
    const gate = faults.pause(BEFORE_COMMIT);
    const racing = Promise.allSettled([assign(1), assign(2)]);
    await gate.arrivals(2);
    gate.release();
    const results = await racing;
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as { code: string }).code] : []))).toEqual(['60012']);
    expect((await store.getPool(TENANT, SKU))?.value.assigned).toBe(1);
    expect(await store.listAssignments(TENANT, SKU)).toHaveLength(1);
  });

  it('200 concurrent assignments against 50 seats: exactly 50 succeed and 150 get 60012', async () => {
    const { store, assign } = await setup(50);
    const results = await Promise.allSettled(Array.from({ length: 200 }, (_, i) => assign(i + 1)));
    const failures = results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as { code?: string }).code ?? String(r.reason)] : []));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(50);
    expect(failures).toEqual(Array.from({ length: 150 }, () => '60012'));
    expect((await store.getPool(TENANT, SKU))?.value.assigned).toBe(50);
    expect(await store.listAssignments(TENANT, SKU)).toHaveLength(50);
  }, 120_000);
});
