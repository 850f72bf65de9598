/** listAvailablePlans answers with the contract's Plan (saasapi.v2.json): prices, terms, dimensions, seat range. */
import { describe, expect, it } from 'vitest';
import type { LivePlan } from '../../../../shared/catalog/ports';
import { planView } from '../../../../shared/saas/http/views';

const metered: LivePlan = {
  planId: 'basic',
  name: 'Basic plan',
  description: 'Send 10000 emails per month.',
  visibility: 'public',
  privateAudience: [],
  stopSell: false,
  purchasable: true,
  freeTrial: true,
  markets: ['US', 'GB'],
  pricing: {
    model: 'flatRate',
    billingTerms: { monthly: { priceUSD: 0 }, annual: { priceUSD: 120 } },
    dimensions: [
      { id: 'email', displayName: 'email message', unitOfMeasure: 'per 100 emails', enabled: true, pricePerUnitUSD: 1, includedQuantityMonthly: 10000, includedQuantityAnnual: 'unlimited' },
      { id: 'text', enabled: true, pricePerUnitUSD: 0.02, includedQuantityMonthly: 0 },
      { id: 'fax', enabled: false, pricePerUnitUSD: 5 },
    ],
  },
};

describe('a plan as listAvailablePlans shows it', () => {
  it('lists each billing term with its price and the units it includes, and each enabled dimension with its price', () => {
    expect(planView(metered)).toEqual({
      planId: 'basic',
      displayName: 'Basic plan',
      description: 'Send 10000 emails per month.',
      isPrivate: false,
      isStopSell: false,
      isPricePerSeat: false,
      hasFreeTrials: true,
      market: 'US',
      planComponents: {
        recurrentBillingTerms: [
          { currency: 'USD', price: 0, termUnit: 'P1M', termDescription: '1 month', meteredQuantityIncluded: [{ dimensionId: 'email', units: '10000' }] },
          { currency: 'USD', price: 120, termUnit: 'P1Y', termDescription: '1 year', meteredQuantityIncluded: [{ dimensionId: 'email', units: 'Unlimited' }] },
        ],
        meteringDimensions: [
          { id: 'email', currency: 'USD', pricePerUnit: 1, unitOfMeasure: 'per 100 emails', displayName: 'email message' },
          { id: 'text', currency: 'USD', pricePerUnit: 0.02 },
        ],
      },
    });
  });

  it('gives a per-seat plan its seat range, a private plan isPrivate, a stop-sold plan isStopSell', () => {
    const seats: LivePlan = {
      ...metered,
      planId: 'team',
      name: undefined,
      description: undefined,
      visibility: 'private',
      stopSell: true,
      markets: [],
      pricing: { model: 'perUser', minUsers: 5, maxUsers: 50, billingTerms: { annual: { priceUSD: 30 } }, dimensions: [] },
    };
    expect(planView(seats)).toEqual({
      planId: 'team',
      displayName: 'team',
      isPrivate: true,
      isStopSell: true,
      isPricePerSeat: true,
      minQuantity: 5,
      maxQuantity: 50,
      hasFreeTrials: true,
      planComponents: {
        recurrentBillingTerms: [{ currency: 'USD', price: 30, termUnit: 'P1Y', termDescription: '1 year' }],
        meteringDimensions: [],
      },
    });
  });
});
