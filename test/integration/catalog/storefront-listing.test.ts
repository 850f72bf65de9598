/**
 * The storefront's list of live offers against Azurite (decision 1003): only offers with a live version, only
 * those with a plan the caller's tenant may buy, in (publisher, offer) order, a page at a time with none missed.
 */
import { describe, expect, it } from 'vitest';
import { StorefrontListing } from '../../../shared/catalog/service/storefront-listing';
import { contoso, operator, putRequest, testCatalog } from '../../fixtures/catalog';
import { offer1, offer2, TB, TC } from '../saas/fixture';

async function setup() {
  const c = testCatalog();
  // offer-a and offer-c are live; offer-b is a draft only (never frozen).
  for (const [offer, live] of [
    [offer2('https://stub.test/webhook', 'offer-a'), true],
    [offer2('https://stub.test/webhook', 'offer-b'), false],
    [offer2('https://stub.test/webhook', 'offer-c'), true],
  ] as const) {
    await c.offers.put(contoso, 'contoso', offer.id, putRequest(offer));
    if (live) await c.offers.freeze(operator, 'contoso', offer.id, null);
  }
  return { c, listing: new StorefrontListing({ store: c.store, catalog: c.reader }) };
}

describe('the storefront list of live offers (integration)', () => {
  it('lists the live offers in order, never a draft-only one', async () => {
    const { listing } = await setup();
    const page = await listing.list(TB);
    expect(page.items.map((o) => `${o.publisherId}/${o.offerId}`)).toEqual(['contoso/offer-a', 'contoso/offer-c']);
    expect(page.next).toBeUndefined();
  });

  it('pages after the last offer of the page before, with none missed and none twice', async () => {
    const { c } = await setup();
    const first = await c.store.listLive(1);
    expect(first.items.map((o) => o.offerId)).toEqual(['offer-a']);
    expect(first.next).toEqual({ publisherId: 'contoso', offerId: 'offer-a' });
    const second = await c.store.listLive(1, first.next);
    expect(second.items.map((o) => o.offerId)).toEqual(['offer-c']);
    expect(second.next).toBeUndefined();
  });

  it('leaves out an offer whose only buyable plans are private to another tenant', async () => {
    const { c, listing } = await setup();
    const only = offer1('https://stub.test/webhook', 'offer-p');
    const plans = (only.definition.plans as Record<string, unknown>[]).filter((p) => p['planId'] === 'platinum001');
    await c.offers.put(contoso, 'contoso', only.id, putRequest({ ...only, definition: { ...only.definition, plans } }));
    await c.offers.freeze(operator, 'contoso', only.id, null);
    expect((await listing.list(TC)).items.map((o) => o.offerId)).toEqual(['offer-a', 'offer-c']);
    expect((await listing.list(TB)).items.map((o) => o.offerId)).toEqual(['offer-a', 'offer-c', 'offer-p']);
  });
});
