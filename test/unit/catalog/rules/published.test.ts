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
