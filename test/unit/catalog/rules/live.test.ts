/** Frozen versions as other capabilities read them, and what must hold before a draft is sold. */
import { describe, expect, it } from 'vitest';
import type { OfferDefinition, OfferDocument, Plan } from '../../../../shared/catalog/model/offer';
import { offerTypes } from '../../../../shared/catalog/model/offer-types';
import { validateDefinition } from '../../../../shared/catalog/rules/definition';
import { canBuy, freezeViolations, liveOffer, livePlan } from '../../../../shared/catalog/rules/live';
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
  // Built inside each test: a mutant of the rules is only active while a test runs.
  const liveSaas = () => liveOffer(spec, document, version, 'internal', true);

  it('normalizes plans, pricing and metered dimensions for subscriptions and metering', () => {
    const offer = liveSaas();
    expect(offer).toMatchObject({
      version: 3,
      live: true,
      title: 'Contoso Notification Services',
      saas: {
        sellThroughMicrosoft: true,
        landingPageUrl: 'https://stub.test/signup',
        connectionWebhook: 'https://stub.test/webhook',
        aadTenantId: TENANT_A,
        aadAppId: '8d5b8a4e-3c0f-4c57-9a3e-6f1f0d2b9c11',
      },
    });
    expect(offer.meteredDimensions).toEqual([
      { id: 'email', displayName: 'email message', unitOfMeasure: 'per 100 emails' },
      { id: 'text', displayName: 'text message', unitOfMeasure: 'for 1 text message' },
    ]);
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
    const [basic, enterprise] = liveSaas().plans;
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

describe('what a live plan tells subscriptions and metering', () => {
  const APPS = 'microsoft-azure-applications';
  const apps = offerTypes[APPS];
  const vm = offerTypes['microsoft-azure-virtualmachines'];
  const def = (offer: OfferDefinition['offer'] = {}): OfferDefinition => ({ displayText: 'a', offer, plans: [] });
  const saasPlan = (fields: Record<string, unknown>): Plan => ({ planId: 'gold', ...fields });

  it('an Azure application plan is flat rate with its monthly price', () => {
    const offer = def({ [`${APPS}.meteredDimensions`]: [{ id: 'cpu', displayName: 'CPU hours', unitOfMeasure: 'per hour' }] });
    const plan = {
      planId: 'gold',
      [`${APPS}.pricing`]: { monthlyPriceUSD: 30, dimensions: [{ id: 'CPU', pricePerUnitUSD: 0.5 }] },
    } as Plan;
    expect(livePlan(apps, 'contoso', 'app', offer, plan).pricing).toEqual({
      model: 'flatRate',
      billingTerms: { monthly: { priceUSD: 30 } },
      dimensions: [{ id: 'CPU', enabled: true, displayName: 'CPU hours', unitOfMeasure: 'per hour', pricePerUnitUSD: 0.5 }],
    });
  });

  it('an Azure application plan without a monthly price has no billing term', () => {
    const plan = { planId: 'gold', [`${APPS}.pricing`]: {} } as Plan;
    expect(livePlan(apps, 'contoso', 'app', def(), plan).pricing).toEqual({ model: 'flatRate', billingTerms: {}, dimensions: [] });
  });

  it('a per-user SaaS plan carries its seat limits and only the terms with a price', () => {
    const plan = saasPlan({
      [`${SAAS}.pricing`]: { model: 'perUser', billingTerms: { monthly: { priceUSD: 5 }, annual: {} }, minUsers: 1, maxUsers: 100 },
    });
    expect(livePlan(spec, 'contoso', 'o', def(), plan).pricing).toEqual({
      model: 'perUser',
      billingTerms: { monthly: { priceUSD: 5 } },
      minUsers: 1,
      maxUsers: 100,
      dimensions: [],
    });
  });

  it('a plan without pricing, name or description carries none', () => {
    const plan = livePlan(spec, 'contoso', 'o', def(), saasPlan({}));
    expect(plan).toEqual({
      planId: 'gold',
      visibility: 'public',
      privateAudience: [],
      stopSell: false,
      purchasable: true,
      freeTrial: false,
      markets: [],
    });
  });

  it('a disabled dimension reads as disabled and keeps no definition it lacks', () => {
    const plan = saasPlan({ [`${SAAS}.pricing`]: { model: 'flatRate', billingTerms: {}, dimensions: [{ id: 'sms', enabled: false }] } });
    expect(livePlan(spec, 'contoso', 'o', def(), plan).pricing?.dimensions).toEqual([{ id: 'sms', enabled: false }]);
  });

  it('a plan lists its markets, free trial and audience (tenant ids in lower case)', () => {
    const plan = saasPlan({
      [`${SAAS}.markets`]: ['US', 'DE'],
      [`${SAAS}.freeTrial`]: { enabled: true },
      [`${SAAS}.visibility`]: 'private',
      [`${SAAS}.privateAudience`]: [{ id: TENANT_B.toUpperCase() }, 'not an entry'],
      [`${SAAS}.planName`]: '',
      [`${SAAS}.planDescription`]: 'Gold',
    });
    expect(livePlan(spec, 'contoso', 'o', def(), plan)).toMatchObject({
      markets: ['US', 'DE'],
      freeTrial: true,
      visibility: 'private',
      privateAudience: [TENANT_B],
      description: 'Gold',
    });
    expect(livePlan(spec, 'contoso', 'o', def(), plan)).not.toHaveProperty('name');
  });

  it('a free trial that is switched off is no free trial', () => {
    expect(livePlan(spec, 'c', 'o', def(), saasPlan({ [`${SAAS}.freeTrial`]: { enabled: false } })).freeTrial).toBe(false);
  });

  it.each([
    [0, false],
    [1, true],
  ])('a VM plan with a %i-month free trial has a free trial: %s', (months, trial) => {
    const plan = {
      planId: 'gold',
      'microsoft-azure-virtualmachines.skuTitle': 'Gold',
      virtualMachinePricing: { freeTrialDurationInMonths: months },
    } as Plan;
    expect(livePlan(vm, 'contoso', 'vm', def(), plan)).toMatchObject({ name: 'Gold', freeTrial: trial });
  });

  it('a D365 plan takes its SKU description', () => {
    const d365 = offerTypes['microsoft-dynamics365-ce'];
    const plan = { planId: 'gold', 'microsoft-dynamics365-ce.skuDescription': 'Gold SKU' } as Plan;
    expect(livePlan(d365, 'contoso', 'crm', def(), plan).description).toBe('Gold SKU');
  });

  it('a D365 plan without license management has no Service ID', () => {
    const d365 = offerTypes['microsoft-dynamics365-ce'];
    const offer = def({ 'microsoft-dynamics365-ce.listingOption': 'contactMe' });
    expect(livePlan(d365, 'contoso', 'crm', offer, { planId: 'gold' })).not.toHaveProperty('serviceId');
  });
});

describe('what a live offer tells subscriptions and metering', () => {
  const doc = (offerTypeId: OfferDocument['offerTypeId'], offer: OfferDefinition['offer']): OfferDocument => ({
    schemaVersion: 1,
    publisherId: 'contoso',
    offerId: 'o',
    offerTypeId,
    offerTypeVersions: {},
    definition: { displayText: 'alias', offer, plans: [] },
  });

  it('a listing-only SaaS offer shows only the technical fields that are set', () => {
    const offer = liveOffer(
      spec,
      doc('microsoft-saas', { [`${SAAS}.landingPageUrl`]: 'https://contoso.test/', [`${SAAS}.aadAppId`]: '' }),
      version,
      'i',
      false,
    );
    expect(offer.saas).toEqual({ sellThroughMicrosoft: false, landingPageUrl: 'https://contoso.test/' });
    expect(offer).toMatchObject({ live: false, alias: 'alias', internalId: 'i', frozenTime: version.frozenTime, meteredDimensions: [] });
    expect(offer).not.toHaveProperty('title');
    expect(offer).not.toHaveProperty('licenseManagement');
  });

  it('offer-level dimensions keep only the names that are set', () => {
    const offer = liveOffer(
      spec,
      doc('microsoft-saas', { [`${SAAS}.meteredDimensions`]: [{ id: 'sms', displayName: '', unitOfMeasure: 'per sms' }, { id: 'mms' }] }),
      version,
      'i',
      true,
    );
    expect(offer.meteredDimensions).toEqual([{ id: 'sms', unitOfMeasure: 'per sms' }, { id: 'mms' }]);
  });

  it('a D365 offer without license management says so, and has no SaaS settings', () => {
    const d365 = offerTypes['microsoft-dynamics365-ce'];
    const offer = liveOffer(
      d365,
      doc('microsoft-dynamics365-ce', { 'microsoft-dynamics365-ce.listingOption': 'contactMe' }),
      version,
      'i',
      true,
    );
    expect(offer.licenseManagement).toEqual({ enabled: false, allowInstallWithoutLicense: false });
    expect(offer.meteredDimensions).toEqual([]);
    expect(offer).not.toHaveProperty('saas');
  });

  it('an Azure application has neither SaaS nor license management settings', () => {
    const offer = liveOffer(offerTypes['microsoft-azure-applications'], doc('microsoft-azure-applications', {}), version, 'i', true);
    expect(offer).not.toHaveProperty('saas');
    expect(offer).not.toHaveProperty('licenseManagement');
  });
});

describe('what must hold before a draft is sold (exact fields)', () => {
  const APPS = 'microsoft-azure-applications';
  const apps = offerTypes[APPS];
  const codes = (s: typeof spec, d: OfferDefinition) => freezeViolations(s, d).map((v) => [v.code, v.path]);
  const P = (i: number) => `$.definition.plans[${i}]["${SAAS}.pricing"]`;

  it('a transactable SaaS offer names each missing technical field', () => {
    const d = definitionOf(saasOffer());
    for (const f of ['landingPageUrl', 'connectionWebhook', 'aadTenantId', 'aadAppId']) delete d.offer[`${SAAS}.${f}`];
    expect(codes(spec, d)).toEqual(
      ['landingPageUrl', 'connectionWebhook', 'aadTenantId', 'aadAppId'].map((f) => [
        'RequiredFieldMissing',
        `$.definition.offer["${SAAS}.${f}"]`,
      ]),
    );
  });

  it.each<[string, (b: ReturnType<typeof saasOffer>) => unknown, string[][]]>([
    ['a transactable offer without plans', (b) => withField(b, ['definition', 'plans'], []), [['PlanRequired', '$.definition.plans']]],
    [
      'a listing-only offer without plans or technical fields',
      (b) =>
        withField(
          withField(withField(b, ['definition', 'plans'], []), ['definition', 'offer', `${SAAS}.sellThroughMicrosoft`], false),
          ['definition', 'offer', `${SAAS}.aadAppId`],
          undefined,
        ),
      [],
    ],
    [
      'a sold plan without pricing',
      (b) => withField(b, [...['definition', 'plans', 1], `${SAAS}.pricing`], undefined),
      [['RequiredFieldMissing', P(1)]],
    ],
    [
      'a listing-only plan without pricing',
      (b) =>
        withField(
          withField(b, ['definition', 'plans', 1, `${SAAS}.pricing`], undefined),
          ['definition', 'offer', `${SAAS}.sellThroughMicrosoft`],
          false,
        ),
      [],
    ],
    [
      'a plan without billing terms',
      (b) => withField(b, ['definition', 'plans', 0, `${SAAS}.pricing`, 'billingTerms'], {}),
      [['BillingTermRequired', `${P(0)}.billingTerms`]],
    ],
    [
      'a plan dimension the offer does not define',
      (b) => withField(b, ['definition', 'plans', 0, `${SAAS}.pricing`, 'dimensions', 1, 'id'], 'fax'),
      [['UnknownDimension', `${P(0)}.dimensions[1].id`]],
    ],
    [
      'a plan dimension in another casing',
      (b) => withField(b, ['definition', 'plans', 0, `${SAAS}.pricing`, 'dimensions', 1, 'id'], 'TEXT'),
      [],
    ],
    [
      'a free trial on a plan with enabled dimensions (4.F 66)',
      (b) => withField(b, ['definition', 'plans', 1, `${SAAS}.freeTrial`], { enabled: true }),
      [['FreeTrialWithMetering', `$.definition.plans[1]["${SAAS}.freeTrial"]`]],
    ],
    [
      'a free trial on a plan whose dimensions are all disabled',
      (b) =>
        withField(
          withField(b, ['definition', 'plans', 1, `${SAAS}.freeTrial`], { enabled: true }),
          ['definition', 'plans', 1, `${SAAS}.pricing`, 'dimensions', 0, 'enabled'],
          false,
        ),
      [],
    ],
    [
      'a private plan without an audience (4.F 67)',
      (b) => withField(b, ['definition', 'plans', 1, `${SAAS}.privateAudience`], []),
      [['PrivateAudienceRequired', `$.definition.plans[1]["${SAAS}.privateAudience"]`]],
    ],
    ['a public plan without an audience', (b) => withField(b, ['definition', 'plans', 0, `${SAAS}.privateAudience`], []), []],
    [
      'a landing page with a fragment (4.F 73)',
      (b) => withField(b, ['definition', 'offer', `${SAAS}.landingPageUrl`], 'https://contoso.test/#/signup'),
      [['LandingPageHasFragment', `$.definition.offer["${SAAS}.landingPageUrl"]`]],
    ],
    [
      'one flat-rate and one per-user plan (4.F 65)',
      (b) => withField(b, ['definition', 'plans', 1, `${SAAS}.pricing`], { model: 'perUser', billingTerms: { monthly: { priceUSD: 5 } } }),
      [['PricingModelMismatch', '$.definition.plans']],
    ],
  ])('%s', (_case, mutate, expected) => {
    expect(codes(spec, definitionOf(mutate(saasOffer())))).toEqual(expected);
  });

  it('a listing-only offer may have a landing page with a fragment', () => {
    const d = definitionOf(withField(saasOffer(), ['definition', 'offer', `${SAAS}.sellThroughMicrosoft`], false));
    d.offer[`${SAAS}.landingPageUrl`] = 'https://contoso.test/#/signup';
    expect(codes(spec, d)).toEqual([]);
  });

  it('an Azure application needs a plan, and each plan a price', () => {
    expect(codes(apps, { displayText: 'a', offer: {}, plans: [] })).toEqual([['PlanRequired', '$.definition.plans']]);
    expect(codes(apps, { displayText: 'a', offer: {}, plans: [{ planId: 'gold' }] })).toEqual([
      ['RequiredFieldMissing', `$.definition.plans[0]["${APPS}.pricing"]`],
    ]);
    expect(codes(apps, { displayText: 'a', offer: {}, plans: [{ planId: 'gold', [`${APPS}.pricing`]: {} }] })).toEqual([]);
  });

  it('a license-managed D365 offer needs a plan; another D365 offer does not', () => {
    const d365 = offerTypes['microsoft-dynamics365-ce'];
    const d = (listingOption: string): OfferDefinition => ({
      displayText: 'a',
      offer: { 'microsoft-dynamics365-ce.listingOption': listingOption },
      plans: [],
    });
    expect(codes(d365, d('appLicenseManagement'))).toEqual([['PlanRequired', '$.definition.plans']]);
    expect(codes(d365, d('contactMe'))).toEqual([]);
  });

  it('offer types checked only by namespace are neither transactable SaaS nor license-managed', () => {
    const BC = 'microsoft-dynamics365-businesscentral';
    const bc = offerTypes[BC];
    const d: OfferDefinition = {
      displayText: 'a',
      offer: { [`${BC}.sellThroughMicrosoft`]: true, [`${BC}.listingOption`]: 'appLicenseManagement' },
      plans: [],
    };
    expect(codes(bc, d)).toEqual([]);
    expect(livePlan(bc, 'contoso', 'bc', d, { planId: 'gold' })).not.toHaveProperty('serviceId');
  });

  it('a billing term without a price does not count (4.F)', () => {
    const d = definitionOf(saasOffer());
    (d.plans[0]![`${SAAS}.pricing`] as { billingTerms: unknown }).billingTerms = { monthly: {} };
    expect(codes(spec, d)).toEqual([['BillingTermRequired', `${P(0)}.billingTerms`]]);
  });

  it('a free trial is refused when any one dimension of the plan is enabled (4.F 66)', () => {
    let body = withField(saasOffer(), ['definition', 'plans', 0, `${SAAS}.freeTrial`], { enabled: true });
    body = withField(body, ['definition', 'plans', 0, `${SAAS}.pricing`, 'dimensions', 0, 'enabled'], false);
    expect(codes(spec, definitionOf(body))).toEqual([['FreeTrialWithMetering', `$.definition.plans[0]["${SAAS}.freeTrial"]`]]);
  });

  it('every violation tells the publisher what to fix', () => {
    let body = withField(saasOffer(), ['definition', 'offer', `${SAAS}.landingPageUrl`], 'https://contoso.test/#/x');
    body = withField(body, ['definition', 'offer', `${SAAS}.aadAppId`], undefined);
    body = withField(body, ['definition', 'plans', 0, `${SAAS}.freeTrial`], { enabled: true });
    body = withField(body, ['definition', 'plans', 0, `${SAAS}.pricing`, 'dimensions', 1, 'id'], 'fax');
    body = withField(body, ['definition', 'plans', 0, `${SAAS}.pricing`, 'billingTerms'], {});
    body = withField(body, ['definition', 'plans', 1, `${SAAS}.privateAudience`], []);
    body = withField(body, ['definition', 'plans', 1, `${SAAS}.pricing`], { model: 'perUser', billingTerms: { monthly: { priceUSD: 5 } } });
    const messages = Object.fromEntries(freezeViolations(spec, definitionOf(body)).map((v) => [v.code, v.message]));
    expect(messages).toEqual({
      RequiredFieldMissing: expect.stringContaining('[L16466]'),
      LandingPageHasFragment: expect.stringContaining('#'),
      BillingTermRequired: expect.stringContaining('billing term'),
      UnknownDimension: expect.stringContaining('meteredDimensions'),
      FreeTrialWithMetering: expect.stringContaining('[L16045]'),
      PrivateAudienceRequired: expect.stringContaining('[L16606]'),
      PricingModelMismatch: expect.stringContaining('[L2507]'),
    });
    const empty = definitionOf(withField(saasOffer(), ['definition', 'plans'], []));
    expect(freezeViolations(spec, empty)[0]?.message).toContain('at least one plan');
    const unpriced = definitionOf(withField(saasOffer(), ['definition', 'plans', 0, `${SAAS}.pricing`], undefined));
    expect(freezeViolations(spec, unpriced)[0]?.message).toContain('needs pricing');
  });

  it('an offer type without plan pricing is not checked for it', () => {
    const vm = offerTypes['microsoft-azure-virtualmachines'];
    expect(codes(vm, { displayText: 'a', offer: {}, plans: [{ planId: 'gold' }] })).toEqual([]);
  });
});
