/**
 * A customer's own subscriptions against Azurite (decision 1003): the tenant index the purchase writes lists the
 * subscriptions a tenant bought or benefits from, newest first, a page at a time, and nobody else's.
 */
import { describe, expect, it } from 'vitest';
import { saasUseCases } from '../../../shared/saas/composition';
import { SaasCore } from '../../../shared/saas/service/internal';
import { TableSubscriptionStore } from '../../../shared/saas/store/table';
import { contoso, operator, putRequest, testCatalog } from '../../fixtures/catalog';
import { identity, offer1, offer2, TB, TC } from './fixture';

async function setup() {
  const c = testCatalog();
  for (const offer of [offer1(), offer2()]) {
    await c.offers.put(contoso, 'contoso', offer.id, putRequest(offer));
    await c.offers.freeze(operator, 'contoso', offer.id, null);
  }
  c.clock.set(new Date('2019-05-31T00:00:00Z'));
  const store = new TableSubscriptionStore(
    () => c.storage.table('SaasSubscriptions'),
    () => c.storage.table('SaasIndex'),
  );
  const saas = saasUseCases(
    new SaasCore({
      store,
      catalog: c.reader,
      clock: c.clock,
      faults: { reach: async () => undefined },
      settings: { purchaseTokenTtlMs: 24 * 3600_000, ackWindowMs: 10_000 },
    }),
  );
  const buy = async (purchaser: string, beneficiary = purchaser) => {
    c.clock.advance(1000); // one second apart, so "newest first" is observable
    const bought = await saas.storefront.purchase({
      publisherId: 'contoso',
      offerId: 'offer2',
      planId: 'basic',
      termUnit: 'P1M',
      purchaser: identity(purchaser, 'u1'),
      beneficiary: identity(beneficiary, 'u2'),
    });
    return bought.subscription.id;
  };
  return { c, saas, store, buy };
}

describe('a tenant lists its own subscriptions (integration)', () => {
  it('lists what the tenant bought or benefits from, newest first, and not other tenants’ subscriptions', async () => {
    const { saas, buy } = await setup();
    const own = await buy(TB);
    const forOther = await buy(TB, TC);
    const boughtForUs = await buy(TC, TB);
    const notOurs = await buy(TC);
    const tb = await saas.customerList.list(TB);
    expect(tb.items.map((s) => s.id)).toEqual([boughtForUs, forOther, own]);
    expect(tb.next).toBeUndefined();
    const tc = await saas.customerList.list(TC.toUpperCase());
    expect(tc.items.map((s) => s.id)).toEqual([notOurs, boughtForUs, forOther]);
    expect(tc.items[0]).toMatchObject({ id: notOurs, status: 'PendingFulfillmentStart', planId: 'basic', offerId: 'offer2' });
    expect((await saas.customerList.list('someone-else')).items).toEqual([]);
  });

  it('shows the current state: an activated subscription lists as Subscribed', async () => {
    const { saas, buy } = await setup();
    const id = await buy(TB);
    await saas.fulfillment.activate('contoso', id, { planId: 'basic' });
    expect((await saas.customerList.list(TB)).items.map((s) => [s.id, s.status])).toEqual([[id, 'Subscribed']]);
  });

  it('pages: each page continues after the last key of the one before, with no duplicate and none missed', async () => {
    const { store, buy } = await setup();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.unshift(await buy(TB));
    const seen: string[][] = [];
    let after: string | undefined;
    do {
      const page = await store.listTenantSubscriptions(TB, 2, after);
      seen.push(page.items.map((s) => s.id));
      after = page.next;
    } while (after);
    expect(seen).toEqual([ids.slice(0, 2), ids.slice(2, 4), ids.slice(4)]);
  });

  it('an index row whose subscription was never written (a crashed purchase) is not listed', async () => {
    const { c, store, buy } = await setup();
    const id = await buy(TB);
    const index = await c.storage.table('SaasIndex');
    await index.upsertEntity({ partitionKey: `ten|${TB}`, rowKey: `0000000000000000|7d2f0a3e-0000-4000-8000-000000000001`, publisherId: 'contoso' });
    const page = await store.listTenantSubscriptions(TB, 1);
    expect(page.items).toEqual([]);
    expect(page.next).toBe('0000000000000000|7d2f0a3e-0000-4000-8000-000000000001');
    expect((await store.listTenantSubscriptions(TB, 1, page.next)).items.map((s) => s.id)).toEqual([id]);
  });
});
