/** Rules that hold once a version is live (specs/publish.md 1.12; test cases 4.J 110–118, 4.K). */
import { describe, expect, it } from 'vitest';
import type { OfferDefinition } from '../../../../shared/catalog/model/offer';
import { offerTypes } from '../../../../shared/catalog/model/offer-types';
import { validateDefinition } from '../../../../shared/catalog/rules/definition';
import { publishedViolations } from '../../../../shared/catalog/rules/published';
import { parseEnvelope } from '../../../../shared/catalog/service/offers';
import { MP, SAAS, saasOffer, withField } from '../../../fixtures/offers';

const spec = offerTypes['microsoft-saas'];
const definitionOf = (body: unknown): OfferDefinition => validateDefinition(spec, parseEnvelope(body).definition).definition;
const live = definitionOf(saasOffer());
const frozenPlans = ['basic', 'enterprise'];
const pricing = (i: number) => ['definition', 'plans', i, `${SAAS}.pricing`];

describe('changes to a live offer', () => {
  it('allows editing listing text, adding a plan and adding a dimension that published plans do not enable', () => {
    let body = withField(saasOffer(), ['definition', 'offer', `${MP}.description`], '<p>New text</p>');
    body = withField(body, ['definition', 'offer', `${SAAS}.meteredDimensions`, 2], {
      id: 'sms',
      displayName: 'sms',
      unitOfMeasure: 'per sms',
    });
    body = withField(body, [...pricing(0), 'dimensions', 2], { id: 'sms', enabled: false });
    body = withField(body, ['definition', 'plans', 2], { planId: 'new-plan', [`${SAAS}.planName`]: 'New' });
    body = withField(body, ['definition', 'plans', 1, `${SAAS}.visibility`], 'public');
    expect(publishedViolations(spec, definitionOf(body), live, frozenPlans)).toEqual([]);
  });

  it.each<[string, (b: ReturnType<typeof saasOffer>) => unknown, string]>([
    [
      'removing a frozen plan (4.J 112)',
      (b) => withField(b, ['definition', 'plans'], [b.definition.plans[0]] as never),
      'PublishedPlanRemoved',
    ],
    ['changing the pricing model (4.J 110)', (b) => withField(b, [...pricing(0), 'model'], 'perUser'), 'ImmutablePropertyChanged'],
    [
      'removing a published billing term (4.J 113)',
      (b) => withField(b, [...pricing(0), 'billingTerms', 'annual'], undefined),
      'ImmutablePropertyChanged',
    ],
    [
      'changing a published price (4.J 113)',
      (b) => withField(b, [...pricing(1), 'billingTerms', 'annual', 'priceUSD'], 9500),
      'ImmutablePropertyChanged',
    ],
    [
      'public plan → private (4.J 111)',
      (b) => withField(b, ['definition', 'plans', 0, `${SAAS}.visibility`], 'private'),
      'ImmutablePropertyChanged',
    ],
    [
      "changing a published dimension's unit (4.J 115)",
      (b) => withField(b, ['definition', 'offer', `${SAAS}.meteredDimensions`, 0, 'unitOfMeasure'], 'per email'),
      'ImmutablePropertyChanged',
    ],
    [
      "changing a published plan's dimension price (F10)",
      (b) => withField(b, [...pricing(0), 'dimensions', 1, 'pricePerUnitUSD'], 0.03),
      'ImmutablePropertyChanged',
    ],
    [
      'enabling a new dimension on a published plan (F10)',
      (b) => withField(b, [...pricing(1), 'dimensions', 1], { id: 'text', enabled: true }),
      'ImmutablePropertyChanged',
    ],
    [
      'transactable → listing only (4.J 116)',
      (b) => withField(b, ['definition', 'offer', `${SAAS}.sellThroughMicrosoft`], false),
      'ImmutablePropertyChanged',
    ],
    [
      'standard contract → own terms (4.J 118)',
      (b) => withField(b, ['definition', 'offer', `${MP}.useStandardContract`], false),
      'ImmutablePropertyChanged',
    ],
  ])('refuses %s', (_case, mutate, code) => {
    const violations = publishedViolations(spec, definitionOf(mutate(saasOffer())), live, frozenPlans);
    expect(violations.map((v) => v.code)).toContain(code);
    expect(violations.every((v) => v.path.startsWith('$.definition'))).toBe(true);
  });

  it('refuses turning off a published free trial (4.J 114)', () => {
    const withTrial = definitionOf(withField(saasOffer(), ['definition', 'plans', 1, `${SAAS}.freeTrial`], { enabled: true }));
    const off = definitionOf(saasOffer());
    expect(publishedViolations(spec, off, withTrial, frozenPlans).map((v) => [v.code, v.path])).toEqual([
      ['ImmutablePropertyChanged', `$.definition.plans[1]["${SAAS}.freeTrial"]`],
    ]);
  });

  it('refuses toggling D365 app license management after publishing (4.J 117)', () => {
    const d365 = offerTypes['microsoft-dynamics365-ce'];
    const def = (listingOption: string) => ({
      displayText: 'a',
      offer: { 'microsoft-dynamics365-ce.listingOption': listingOption },
      plans: [],
    });
    expect(publishedViolations(d365, def('contactMe'), def('appLicenseManagement'), []).map((v) => v.code)).toEqual([
      'ImmutablePropertyChanged',
    ]);
  });
});

describe('what a publisher sees for each change to a live offer', () => {
  const P = (i: number) => `$.definition.plans[${i}]["${SAAS}.pricing"]`;
  const DIMS = `$.definition.offer["${SAAS}.meteredDimensions"]`;
  const check = (body: unknown, liveDefinition: OfferDefinition | undefined = live, frozen = frozenPlans) =>
    publishedViolations(spec, definitionOf(body), liveDefinition, frozen).map((v) => [v.code, v.path]);

  it.each<[string, (b: ReturnType<typeof saasOffer>) => unknown, string[][]]>([
    ['no change', (b) => b, []],
    [
      'removing a frozen plan (4.J 112)',
      (b) => withField(b, ['definition', 'plans'], [b.definition.plans[0]] as never),
      [['PublishedPlanRemoved', '$.definition.plans']],
    ],
    [
      'changing the pricing model to per user (4.J 110), which drops the dimensions',
      (b) => withField(b, pricing(0), { model: 'perUser', billingTerms: { monthly: { priceUSD: 0 }, annual: { priceUSD: 0 } } }),
      [
        ['ImmutablePropertyChanged', `${P(0)}.model`],
        ['ImmutablePropertyChanged', `${P(0)}.dimensions`],
        ['ImmutablePropertyChanged', `${P(0)}.dimensions`],
      ],
    ],
    [
      'removing the pricing of a published plan',
      (b) => withField(b, pricing(1), undefined),
      [
        ['ImmutablePropertyChanged', `${P(1)}.model`],
        ['ImmutablePropertyChanged', `${P(1)}.billingTerms.annual`],
        ['ImmutablePropertyChanged', `${P(1)}.dimensions`],
      ],
    ],
    [
      'removing a published billing term (4.J 113)',
      (b) => withField(b, [...pricing(0), 'billingTerms', 'annual'], undefined),
      [['ImmutablePropertyChanged', `${P(0)}.billingTerms.annual`]],
    ],
    [
      'changing a published price (4.J 113)',
      (b) => withField(b, [...pricing(1), 'billingTerms', 'annual', 'priceUSD'], 9500),
      [['ImmutablePropertyChanged', `${P(1)}.billingTerms.annual`]],
    ],
    ['adding a billing term', (b) => withField(b, [...pricing(1), 'billingTerms', 'monthly'], { priceUSD: 800 }), []],
    [
      'removing a dimension from a published plan (F10)',
      (b) => withField(b, [...pricing(1), 'dimensions'], []),
      [['ImmutablePropertyChanged', `${P(1)}.dimensions`]],
    ],
    [
      "changing a published plan's dimension price (F10)",
      (b) => withField(b, [...pricing(0), 'dimensions', 1, 'pricePerUnitUSD'], 0.03),
      [['ImmutablePropertyChanged', `${P(0)}.dimensions`]],
    ],
    [
      'adding a dimension that the published plan does not enable',
      (b) => withField(b, [...pricing(1), 'dimensions', 1], { id: 'text', enabled: false }),
      [],
    ],
    [
      'enabling a new dimension on a published plan (F10)',
      (b) => withField(b, [...pricing(1), 'dimensions', 1], { id: 'text', enabled: true }),
      [['ImmutablePropertyChanged', `${P(1)}.dimensions`]],
    ],
    [
      'adding a dimension without saying it is disabled (F10)',
      (b) => withField(b, [...pricing(1), 'dimensions', 1], { id: 'text' }),
      [['ImmutablePropertyChanged', `${P(1)}.dimensions`]],
    ],
    [
      'public plan → private (4.J 111)',
      (b) => withField(b, ['definition', 'plans', 0, `${SAAS}.visibility`], 'private'),
      [['ImmutablePropertyChanged', `$.definition.plans[0]["${SAAS}.visibility"]`]],
    ],
    [
      "changing a published dimension's unit (4.J 115)",
      (b) => withField(b, ['definition', 'offer', `${SAAS}.meteredDimensions`, 0, 'unitOfMeasure'], 'per email'),
      [['ImmutablePropertyChanged', DIMS]],
    ],
    [
      'removing a published dimension',
      (b) =>
        withField(
          b,
          ['definition', 'offer', `${SAAS}.meteredDimensions`],
          [{ id: 'email', displayName: 'email message', unitOfMeasure: 'per 100 emails' }],
        ),
      [['ImmutablePropertyChanged', DIMS]],
    ],
    [
      'transactable → listing only (4.J 116)',
      (b) => withField(b, ['definition', 'offer', `${SAAS}.sellThroughMicrosoft`], false),
      [['ImmutablePropertyChanged', `$.definition.offer["${SAAS}.sellThroughMicrosoft"]`]],
    ],
    [
      'standard contract → own terms (4.J 118)',
      (b) => withField(b, ['definition', 'offer', `${MP}.useStandardContract`], false),
      [['ImmutablePropertyChanged', `$.definition.offer["${MP}.useStandardContract"]`]],
    ],
    ['leaving the contract choice unset', (b) => withField(b, ['definition', 'offer', `${MP}.useStandardContract`], undefined), []],
    ['turning on a free trial', (b) => withField(b, ['definition', 'plans', 0, `${SAAS}.freeTrial`], { enabled: true }), []],
  ])('%s', (_case, mutate, expected) => {
    expect(check(mutate(saasOffer()))).toEqual(expected);
  });

  it('reorders plans freely and names the plan where it now stands', () => {
    const body = saasOffer();
    const swapped = withField(body, ['definition', 'plans'], [body.definition.plans[1]!, body.definition.plans[0]!] as never);
    expect(check(withField(swapped, ['definition', 'plans', 1, `${SAAS}.visibility`], 'private'))).toEqual([
      ['ImmutablePropertyChanged', `$.definition.plans[1]["${SAAS}.visibility"]`],
    ]);
  });

  it('names each frozen plan that is missing', () => {
    const violations = publishedViolations(spec, definitionOf(withField(saasOffer(), ['definition', 'plans'], [])), live, frozenPlans);
    expect(violations.map((v) => v.message)).toEqual([expect.stringContaining('"basic"'), expect.stringContaining('"enterprise"')]);
  });

  it('before anything is live, only keeps the plans of frozen versions', () => {
    const body = withField(saasOffer(), ['definition', 'offer', `${SAAS}.sellThroughMicrosoft`], false);
    const none = (next: unknown, frozen: string[]) =>
      publishedViolations(spec, definitionOf(next), undefined, frozen).map((v) => [v.code, v.path]);
    expect(none(withField(body, ['definition', 'plans'], []), ['basic'])).toEqual([['PublishedPlanRemoved', '$.definition.plans']]);
    expect(none(withField(body, [...pricing(0), 'billingTerms'], { monthly: { priceUSD: 1 } }), [])).toEqual([]);
  });

  it('a published plan without a pricing model may set one', () => {
    const before = definitionOf(saasOffer());
    delete (before.plans[0]![`${SAAS}.pricing`] as Record<string, unknown>)['model'];
    expect(check(saasOffer(), before)).toEqual([]);
  });

  it('a plan published without a free trial setting may add one, and one published with a trial may not drop it (F7)', () => {
    const before = definitionOf(saasOffer());
    delete before.plans[0]![`${SAAS}.freeTrial`];
    expect(check(saasOffer(), before)).toEqual([]);
    const withTrial = definitionOf(withField(saasOffer(), ['definition', 'plans', 0, `${SAAS}.freeTrial`], { enabled: true }));
    expect(check(withField(saasOffer(), ['definition', 'plans', 0, `${SAAS}.freeTrial`], undefined), withTrial)).toEqual([
      ['ImmutablePropertyChanged', `$.definition.plans[0]["${SAAS}.freeTrial"]`],
    ]);
  });

  it('an offer that stays listing-only, or stays on its own terms, is fine', () => {
    let body = withField(saasOffer(), ['definition', 'offer', `${SAAS}.sellThroughMicrosoft`], false);
    body = withField(body, ['definition', 'offer', `${MP}.useStandardContract`], false);
    expect(check(body, definitionOf(body))).toEqual([]);
  });

  it('every violation tells the publisher what changed', () => {
    let body = withField(saasOffer(), [...pricing(0), 'billingTerms', 'annual'], undefined);
    body = withField(body, [...pricing(0), 'billingTerms', 'monthly', 'priceUSD'], 1);
    body = withField(body, [...pricing(0), 'dimensions', 1, 'pricePerUnitUSD'], 0.03);
    body = withField(body, [...pricing(1), 'dimensions', 1], { id: 'text' });
    body = withField(body, ['definition', 'offer', `${SAAS}.meteredDimensions`, 0, 'unitOfMeasure'], 'per email');
    body = withField(body, ['definition', 'offer', `${SAAS}.sellThroughMicrosoft`], false);
    body = withField(body, ['definition', 'offer', `${MP}.useStandardContract`], false);
    body = withField(body, ['definition', 'plans', 0, `${SAAS}.visibility`], 'private');
    let before = withField(saasOffer(), ['definition', 'plans', 0, `${SAAS}.freeTrial`], { enabled: true });
    before = withField(
      before,
      ['definition', 'plans', 0, `${SAAS}.pricing`, 'dimensions'],
      [
        { id: 'email', enabled: true, pricePerUnitUSD: 1, includedQuantityMonthly: 10000, includedQuantityAnnual: 'unlimited' },
        { id: 'text', enabled: true, pricePerUnitUSD: 0.02, includedQuantityMonthly: 1000, includedQuantityAnnual: 'unlimited' },
      ],
    );
    const messages = publishedViolations(spec, definitionOf(body), definitionOf(before), frozenPlans).map((v) => v.message);
    expect(messages).toEqual([
      expect.stringContaining('from public to private'),
      expect.stringContaining('free trial'),
      expect.stringContaining('published price'),
      expect.stringContaining("billing term and can't be removed (F5)"),
      expect.stringContaining('dimension "text" of a published plan'),
      expect.stringContaining('dimension "text" is new to a published plan'),
      expect.stringContaining('published dimension "email"'),
      expect.stringContaining('listing-only (F11)'),
      expect.stringContaining('from the standard contract'),
    ]);
    const d365 = offerTypes['microsoft-dynamics365-ce'];
    const lm = (o: string): OfferDefinition => ({ displayText: 'a', offer: { 'microsoft-dynamics365-ce.listingOption': o }, plans: [] });
    expect(publishedViolations(d365, lm('contactMe'), lm('appLicenseManagement'), [])[0]?.message).toContain('(F13)');
    const model = withField(saasOffer(), pricing(1), { model: 'perUser', billingTerms: { annual: { priceUSD: 9000 } } });
    expect(publishedViolations(spec, definitionOf(model), live, frozenPlans)[0]?.message).toContain('pricing model');
  });

  it('a listing-only offer may become transactable, and own terms may become the standard contract', () => {
    let before = withField(saasOffer(), ['definition', 'offer', `${SAAS}.sellThroughMicrosoft`], false);
    before = withField(before, ['definition', 'offer', `${MP}.useStandardContract`], false);
    expect(check(saasOffer(), definitionOf(before))).toEqual([]);
  });

  it('a free trial that stays on is fine (F7)', () => {
    const withTrial = withField(saasOffer(), ['definition', 'plans', 1, `${SAAS}.freeTrial`], { enabled: true });
    expect(check(withTrial, definitionOf(withTrial))).toEqual([]);
  });
});

describe('D365 app license management after publishing (F13, 4.J 117)', () => {
  const d365 = offerTypes['microsoft-dynamics365-ce'];
  const def = (listingOption?: string): OfferDefinition => ({
    displayText: 'a',
    offer: listingOption ? { 'microsoft-dynamics365-ce.listingOption': listingOption } : {},
    plans: [],
  });

  it.each([
    ['appLicenseManagement', 'contactMe', 1],
    ['contactMe', 'appLicenseManagement', 1],
    [undefined, 'appLicenseManagement', 1],
    ['appLicenseManagement', 'appLicenseManagement', 0],
    ['contactMe', 'getItNow', 0],
  ])('%s → %s: %i violation(s)', (before, after, count) => {
    const violations = publishedViolations(d365, def(after), def(before), []);
    expect(violations.map((v) => [v.code, v.path])).toEqual(
      Array(count).fill(['ImmutablePropertyChanged', '$.definition.offer["microsoft-dynamics365-ce.listingOption"]']),
    );
  });

  it('is not a rule of other offer types', () => {
    const apps = offerTypes['microsoft-azure-applications'];
    const key = 'microsoft-azure-applications.listingOption';
    const on: OfferDefinition = { displayText: 'a', offer: { [key]: 'appLicenseManagement' }, plans: [] };
    expect(publishedViolations(apps, { ...on, offer: {} }, on, [])).toEqual([]);
  });

  it('SaaS transact → listing only is not a rule of other offer types', () => {
    const apps = offerTypes['microsoft-azure-applications'];
    const key = 'microsoft-azure-applications.sellThroughMicrosoft';
    const on: OfferDefinition = { displayText: 'a', offer: { [key]: true }, plans: [] };
    expect(publishedViolations(apps, { ...on, offer: {} }, on, [])).toEqual([]);
  });
});
