/** Plan terms from the catalog's frozen versions (store/catalog-plans.ts), with the interim table as fallback. */
import { describe, expect, it } from 'vitest';
import type { LiveOffer, OfferCatalog } from '../../../../shared/catalog/ports';
import { CatalogPlanDimensions } from '../../../../shared/metering/store/catalog-plans';
import { FirstFoundPlanDimensions } from '../../../../shared/metering/store/plan-sources';
import { InMemoryPlans, OFFER, P1, PLANS } from '../../../fixtures/metering';

function offer(version: number, price: number): LiveOffer {
  return {
    publisherId: P1,
    offerId: 'catalog-offer',
    offerTypeId: 'microsoft-saas',
    internalId: 'i',
    version,
    frozenTime: '2024-01-01T00:00:00Z',
    live: version === 2,
    alias: 'Catalog Offer',
    meteredDimensions: [{ id: 'email' }],
    plans: [
      {
        planId: 'gold',
        name: 'Gold',
        visibility: 'public',
        privateAudience: [],
        stopSell: false,
        purchasable: true,
        freeTrial: false,
        markets: [],
        pricing: {
          model: 'flatRate',
          billingTerms: { monthly: { priceUSD: 10 } },
          dimensions: [{ id: 'email', enabled: true, pricePerUnitUSD: price, includedQuantityMonthly: 'unlimited' }],
        },
      },
    ],
    definition: {} as LiveOffer['definition'],
  };
}

const catalog: OfferCatalog = {
  getLiveOffer: async (p, o) => (p === P1 && o === 'catalog-offer' ? offer(2, 2) : undefined),
  getOfferVersion: async (p, o, v) => (p === P1 && o === 'catalog-offer' && (v === 1 || v === 2) ? offer(v, v) : undefined),
  getLivePlan: async () => undefined,
  getPurchasable: async () => undefined,
  getPreviewOffer: async () => undefined,
};

describe('plan terms sources', () => {
  it('reads a plan at the version the subscription recorded, or the live one', async () => {
    const plans = new CatalogPlanDimensions(catalog);
    expect(await plans.terms(P1, 'catalog-offer', 'gold', 1)).toMatchObject({
      planName: 'Gold',
      offerName: 'Catalog Offer',
      dimensions: [{ id: 'email', pricePerUnitUSD: 1 }],
    });
    expect((await plans.terms(P1, 'catalog-offer', 'gold'))?.dimensions[0]).toMatchObject({
      pricePerUnitUSD: 2,
      includedQuantityMonthly: 'unlimited',
    });
    expect(await plans.terms(P1, 'catalog-offer', 'silver')).toBeUndefined();
  });

  it('falls back to the interim table for offers the catalog does not know', async () => {
    const interim = new InMemoryPlans();
    await interim.put(P1, OFFER, PLANS[0] as (typeof PLANS)[number]);
    const plans = new FirstFoundPlanDimensions([new CatalogPlanDimensions(catalog), interim]);
    expect((await plans.terms(P1, 'catalog-offer', 'gold'))?.planName).toBe('Gold');
    expect((await plans.terms(P1, OFFER, 'basic'))?.planName).toBe('Basic');
    expect(await plans.terms(P1, 'nowhere', 'basic')).toBeUndefined();
  });
});
