import { describe, expect, it } from 'vitest';
import { LinkSubscription } from '../../../../shared/licensing/service/link-subscription';
import { serviceIdOf, skuIdOf } from '../../../../shared/licensing/rules/sku';
import { admin, FakeSources, MemoryLicenseStore, plans, TENANT } from './fakes';

const now = () => new Date('2026-01-05T10:00:00Z');
const SKU = skuIdOf(serviceIdOf('contoso', 'teamsapp', 'std'));

function setup(perUser = true) {
  const store = new MemoryLicenseStore();
  const sources = new FakeSources();
  return { store, sources, link: new LinkSubscription({ store, sources, plans: plans(perUser), now }) };
}

describe('linking a SaaS subscription to its tenant’s pool', () => {
  it('creates the pool with the plan’s Service ID and SKU id, seats following the subscription', async () => {
    const { sources, link } = setup();
    sources.add({ id: 'sub-1', quantity: 5 });
    const result = await link.link(admin, TENANT, 'sub-1');
    expect(result).toEqual({
      created: true,
      status: { provisioned: 5, available: 5, state: 'Active' },
      pool: {
        publisherId: 'contoso',
        offerId: 'teamsapp',
        planId: 'std',
        serviceId: 'contoso.teamsapp.std',
        skuId: SKU,
        tenantId: TENANT,
        subscriptionIds: ['sub-1'],
        dealSeats: 0,
        assigned: 0,
        reserved: 0,
        epoch: 0,
        firstActivatedAt: '2026-01-05T10:00:00.000Z',
      },
    });
  });

  it('is idempotent and adds a second subscription’s seats', async () => {
    const { sources, link } = setup();
    sources.add({ id: 'sub-1', quantity: 5 });
    sources.add({ id: 'sub-2', quantity: 3 });
    await link.link(admin, TENANT, 'sub-1');
    expect(await link.link(admin, TENANT, 'sub-1')).toMatchObject({ created: false, pool: { subscriptionIds: ['sub-1'] } });
    expect(await link.link({ kind: 'publisher', publisherId: 'contoso' }, TENANT, 'sub-2')).toMatchObject({
      created: false,
      status: { provisioned: 8 },
      pool: { subscriptionIds: ['sub-1', 'sub-2'] },
    });
  });

  it('starts a new epoch when every linked subscription was cancelled', async () => {
    const { sources, link, store } = setup();
    sources.add({ id: 'sub-1', quantity: 5 });
    await link.link(admin, TENANT, 'sub-1');
    const pool = (await store.getPool(TENANT, SKU))!;
    await store.commit(TENANT, [{ kind: 'pool', value: { ...pool.value, assigned: 4 }, etag: pool.etag }]);
    sources.add({ id: 'sub-1', status: 'Unsubscribed', quantity: 5 });
    sources.add({ id: 'sub-2', quantity: 2 });
    expect(await link.link(admin, TENANT, 'sub-2')).toMatchObject({
      status: { provisioned: 2, available: 2, state: 'Active' },
      pool: { subscriptionIds: ['sub-2'], assigned: 0, reserved: 0, epoch: 1 },
    });
  });

  it('hides subscriptions of other tenants and publishers (404) and refuses non-admins (960005)', async () => {
    const { sources, link } = setup();
    sources.add({ id: 'sub-1' });
    await expect(link.link(admin, '99999999-1111-4111-8111-111111111111', 'sub-1')).rejects.toMatchObject({ kind: 'not-found' });
    await expect(link.link({ kind: 'publisher', publisherId: 'fabrikam' }, TENANT, 'sub-1')).rejects.toMatchObject({ kind: 'not-found' });
    await expect(link.link({ ...admin, tenantId: '99999999-1111-4111-8111-111111111111' }, TENANT, 'sub-1')).rejects.toMatchObject({
      kind: 'not-found',
    });
    await expect(link.link(admin, TENANT, 'nope')).rejects.toMatchObject({ kind: 'not-found' });
    await expect(link.link({ ...admin, roles: [] }, TENANT, 'sub-1')).rejects.toMatchObject({ code: '960005' });
    expect(await link.link({ kind: 'operator' }, TENANT, 'sub-1')).toMatchObject({ created: true });
  });

  it('refuses flat-rate subscriptions: they have no seats', async () => {
    const flat = setup(false);
    flat.sources.add({ id: 'sub-1' });
    await expect(flat.link.link(admin, TENANT, 'sub-1')).rejects.toMatchObject({ kind: 'invalid', code: 'NotPerSeat' });
    const noQuantity = setup(true);
    noQuantity.sources.add({ id: 'sub-1', quantity: undefined });
    noQuantity.sources.subs.get('sub-1')!.quantity = undefined;
    await expect(noQuantity.link.link(admin, TENANT, 'sub-1')).rejects.toMatchObject({ code: 'NotPerSeat' });
  });
});
