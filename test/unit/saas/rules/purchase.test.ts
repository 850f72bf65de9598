/** What a storefront purchase sells (decision 0605): the live version, or the preview to its audience only, as a test. */
import { describe, expect, it } from 'vitest';
import type { LiveOffer, LivePlan } from '../../../../shared/catalog/ports';
import { mayBuyPlan, saleOf } from '../../../../shared/saas/rules/purchase';

const TENANT = '0f2b4a1e-8c1d-4b8e-9a7f-2c3d4e5f6a7b';

const offer = (o: { sells?: boolean; saas?: boolean; audience?: unknown } = {}): LiveOffer => ({
  publisherId: 'contoso',
  offerId: 'o1',
  offerTypeId: 'microsoft-saas',
  internalId: 'iid',
  version: 2,
  frozenTime: '2026-05-01T00:00:00.0000000Z',
  live: false,
  alias: 'o1',
  ...(o.saas === false ? {} : { saas: { sellThroughMicrosoft: o.sells ?? true } }),
  meteredDimensions: [],
  plans: [],
  definition: {
    displayText: 'o1',
    offer: {
      'microsoft-azure-marketplace.previewAudience': (o.audience ?? [{ id: 'Ann@Fabrikam.example', type: 'MixedAadMsaId' }]) as never,
    },
    plans: [],
  },
});

describe('saleOf', () => {
  const preview = offer();
  it.each([
    ['production, someone', 'production', preview, 'bob@northwind.example', { offer: preview, isTest: false }],
    [
      'production, an audience member (a test purchase, DEC-A34)',
      'production',
      preview,
      'ann@fabrikam.example',
      { offer: preview, isTest: true },
    ],
    ['production, no e-mail in the token', 'production', preview, undefined, { offer: preview, isTest: false }],
    ['preview, an audience member (case-insensitive)', 'preview', preview, 'ANN@fabrikam.example', { offer: preview, isTest: true }],
    ['preview, someone outside the audience', 'preview', preview, 'bob@northwind.example', undefined],
    ['preview, no e-mail in the token', 'preview', preview, undefined, undefined],
    ['preview, an empty audience', 'preview', offer({ audience: [] }), 'ann@fabrikam.example', undefined],
    ['nothing in the slot', 'preview', undefined, 'ann@fabrikam.example', undefined],
    ['nothing live', 'production', undefined, 'ann@fabrikam.example', undefined],
  ] as const)('%s', (_name, slot, found, email, expected) => {
    expect(saleOf(slot, found, email)).toEqual(expected);
  });

  it.each(['production', 'preview'] as const)('%s: an offer not sold through Microsoft (or not SaaS) is not for sale', (slot) => {
    expect(saleOf(slot, offer({ sells: false }), 'ann@fabrikam.example')).toBeUndefined();
    expect(saleOf(slot, offer({ saas: false }), 'ann@fabrikam.example')).toBeUndefined();
  });
});

const plan = (p: Partial<LivePlan> = {}): LivePlan => ({
  planId: 'basic',
  visibility: 'public',
  privateAudience: [],
  stopSell: false,
  purchasable: true,
  freeTrial: false,
  markets: ['US'],
  ...p,
});

describe('mayBuyPlan', () => {
  it.each([
    ['a public plan, production', plan(), 'production', true],
    ['a public plan, preview', plan(), 'preview', true],
    ['a stop-sold plan, production', plan({ stopSell: true, purchasable: false }), 'production', false],
    ['a stop-sold plan, preview', plan({ stopSell: true, purchasable: false }), 'preview', false],
    [
      'a private plan for another tenant, production',
      plan({ visibility: 'private', privateAudience: ['someone-else'] }),
      'production',
      false,
    ],
    [
      'a private plan for another tenant, preview (the preview audience sees all plans)',
      plan({ visibility: 'private', privateAudience: ['someone-else'] }),
      'preview',
      true,
    ],
    ['a private plan for the tenant, production', plan({ visibility: 'private', privateAudience: [TENANT] }), 'production', true],
  ] as const)('%s', (_name, p, slot, expected) => {
    expect(mayBuyPlan(p, TENANT, slot)).toBe(expected);
  });
});
