/** Frozen versions as other capabilities read them, and what must hold before a draft is sold. */
import { describe, expect, it } from 'vitest';
import type { OfferDocument } from '../../../../shared/catalog/model/offer';
import { offerTypes } from '../../../../shared/catalog/model/offer-types';
import { validateDefinition } from '../../../../shared/catalog/rules/definition';
import { canBuy, freezeViolations, liveOffer } from '../../../../shared/catalog/rules/live';
import { parseEnvelope } from '../../../../shared/catalog/service/offers';
import { SAAS, saasOffer, TENANT_A, TENANT_B, withField } from '../../../fixtures/offers';

const spec = offerTypes['microsoft-saas'];
const definitionOf = (body: unknown) => validateDefinition(spec, parseEnvelope(body).definition).definition;
const version = {
  publisherId: 'contoso',
  offerId: 'contoso-cns',
  version: 3,
  revision: 'r',
  frozenTime: '2026-01-01T00:00:00.0000000Z',
  frozenBy: 'operator:x',
};

describe('liveOffer', () => {
  const document: OfferDocument = {
    schemaVersion: 1,
    publisherId: 'contoso',
    offerId: 'contoso-cns',
    offerTypeId: 'microsoft-saas',
    offerTypeVersions: {},
    definition: definitionOf(saasOffer()),
  };
  const offer = liveOffer(spec, document, version, 'internal', true);

  it('normalizes plans, pricing and metered dimensions for subscriptions and metering', () => {
    expect(offer).toMatchObject({
      version: 3,
      live: true,
      saas: { sellThroughMicrosoft: true, landingPageUrl: 'https://stub.test/signup', aadTenantId: TENANT_A },
    });
    expect(offer.meteredDimensions.map((d) => d.id)).toEqual(['email', 'text']);
    expect(offer.plans[0]).toMatchObject({
      planId: 'basic',
      name: 'Basic plan',
      visibility: 'public',
      purchasable: true,
      pricing: {
        model: 'flatRate',
        billingTerms: { monthly: { priceUSD: 0 }, annual: { priceUSD: 0 } },
        dimensions: [
          {
            id: 'email',
            displayName: 'email message',
            unitOfMeasure: 'per 100 emails',
            enabled: true,
            pricePerUnitUSD: 1,
            includedQuantityMonthly: 10000,
            includedQuantityAnnual: 'unlimited',
          },
          { id: 'text', enabled: true, pricePerUnitUSD: 0.02 },
        ],
      },
    });
  });

  it('lets only the private audience buy a private plan, and nobody buy a stop-sold one', () => {
    const [basic, enterprise] = offer.plans;
    expect(canBuy(basic!, TENANT_A)).toBe(true);
    expect(canBuy(enterprise!, TENANT_A)).toBe(false);
    expect(canBuy(enterprise!, TENANT_B.toUpperCase())).toBe(true);
    const stopped = liveOffer(
      spec,
      { ...document, definition: definitionOf(withField(saasOffer(), ['definition', 'plans', 0, `${SAAS}.stopSell`], true)) },
      version,
      'internal',
      true,
    );
    expect(stopped.plans[0]).toMatchObject({ stopSell: true, purchasable: false });
    expect(canBuy(stopped.plans[0]!, TENANT_A)).toBe(false);
  });

  it('derives Service IDs for D365 license-managed plans (4.K 125)', () => {
    const d365 = offerTypes['microsoft-dynamics365-ce'];
    const doc: OfferDocument = {
      schemaVersion: 1,
      publisherId: 'contoso',
      offerId: 'f365',
      offerTypeId: 'microsoft-dynamics365-ce',
      offerTypeVersions: {},
      definition: {
        displayText: 'a',
        offer: {
          'microsoft-dynamics365-ce.listingOption': 'appLicenseManagement',
          'microsoft-dynamics365-ce.allowInstallWithoutLicense': true,
        },
        plans: [{ planId: 'bronze' }],
      },
    };
    const live = liveOffer(d365, doc, { ...version, offerId: 'f365' }, 'internal', true);
    expect(live.licenseManagement).toEqual({ enabled: true, allowInstallWithoutLicense: true });
    expect(live.plans[0]?.serviceId).toBe('contoso.f365.bronze');
  });
});

describe('freezeViolations (the purchase-relevant part of spec 3.3)', () => {
  it('passes the complete offer', () => {
    expect(freezeViolations(spec, definitionOf(saasOffer()))).toEqual([]);
  });

  it.each<[string, (b: ReturnType<typeof saasOffer>) => unknown, string]>([
    [
      'one flat-rate and one per-user plan (4.F 65)',
      (b) => withField(b, ['definition', 'plans', 1, `${SAAS}.pricing`], { model: 'perUser', billingTerms: { monthly: { priceUSD: 5 } } }),
      'PricingModelMismatch',
    ],
    [
      'a free trial on a plan with enabled dimensions (4.F 66)',
      (b) => withField(b, ['definition', 'plans', 0, `${SAAS}.freeTrial`], { enabled: true }),
      'FreeTrialWithMetering',
    ],
    [
      'a private plan without an audience (4.F 67)',
      (b) => withField(b, ['definition', 'plans', 1, `${SAAS}.privateAudience`], []),
      'PrivateAudienceRequired',
    ],
    [
      'a landing page with a fragment (4.F 73)',
      (b) => withField(b, ['definition', 'offer', `${SAAS}.landingPageUrl`], 'https://contoso.test/#/signup'),
      'LandingPageHasFragment',
    ],
    [
      'a transactable offer without a webhook',
      (b) => withField(b, ['definition', 'offer', `${SAAS}.connectionWebhook`], undefined),
      'RequiredFieldMissing',
    ],
    [
      'a plan without billing terms',
      (b) => withField(b, ['definition', 'plans', 0, `${SAAS}.pricing`, 'billingTerms'], {}),
      'BillingTermRequired',
    ],
    [
      'a plan dimension the offer does not define',
      (b) => withField(b, ['definition', 'plans', 0, `${SAAS}.pricing`, 'dimensions', 0, 'id'], 'fax'),
      'UnknownDimension',
    ],
    ['a transactable offer without plans', (b) => withField(b, ['definition', 'plans'], []), 'PlanRequired'],
  ])('flags %s', (_case, mutate, code) => {
    expect(freezeViolations(spec, definitionOf(mutate(saasOffer()))).map((v) => v.code)).toContain(code);
  });
});
