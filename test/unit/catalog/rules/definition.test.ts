/** Structural validation of PUT bodies (specs/publish.md 2.4; test cases 4.B 17–28, 4.K). */
import { describe, expect, it } from 'vitest';
import type { Violation } from '../../../../shared/errors';
import { ID_PATTERN } from '../../../../shared/catalog/model/ids';
import { offerTypes } from '../../../../shared/catalog/model/offer-types';
import { validateDefinition } from '../../../../shared/catalog/rules/definition';
import { envelopeViolations } from '../../../../shared/catalog/rules/envelope';
import { parseEnvelope } from '../../../../shared/catalog/service/offers';
import { MP, SAAS, saasOffer, withField } from '../../../fixtures/offers';

type Body = ReturnType<typeof saasOffer>;

function violationsOf(
  body: unknown,
  options: { publisherId?: string; offerId?: string; existing?: { offerTypeId: string; alias: string } } = {},
): Violation[] {
  let envelope;
  try {
    envelope = parseEnvelope(body);
  } catch (error) {
    return (error as { violations: Violation[] }).violations;
  }
  const env = envelopeViolations(envelope, options.publisherId ?? 'contoso', options.offerId ?? 'contoso-cns', options.existing);
  if (env.length > 0) return env;
  return validateDefinition(offerTypes[envelope.offerTypeId as keyof typeof offerTypes], envelope.definition).violations;
}

const offerKey = (key: string) => ['definition', 'offer', key];
const planKey = (index: number, key: string) => ['definition', 'plans', index, key];
const manyPlans = (count: number, visibility: 'public' | 'private') =>
  Array.from({ length: count }, (_, i) => ({
    planId: `plan-${i}`,
    [`${SAAS}.planName`]: `Plan ${i}`,
    [`${SAAS}.visibility`]: visibility,
  }));
const dims = (count: number) =>
  Array.from({ length: count }, (_, i) => ({ id: `dim${i}`, displayName: `Dimension ${i}`, unitOfMeasure: 'per unit' }));

describe('offer and plan ids (spec 1.2)', () => {
  it.each([
    ['test-offer-1', true],
    ['a_b-c1', true],
    ['a'.repeat(50), true],
    ['a'.repeat(51), false],
    ['Test-Offer', false],
    ['test offer', false],
    ['test.offer', false],
    ['', false],
  ])('%j is valid: %s', (id, valid) => {
    expect(ID_PATTERN.test(id)).toBe(valid);
  });
});

describe('a valid offer', () => {
  it('has no violations, and keys come back in canonical casing', () => {
    const body = saasOffer();
    const lowerCased = withField(body, offerKey(`${MP}.usefullinks`), [{ linkTitle: 'Docs', linkUrl: 'https://contoso.test/docs' }]);
    expect(violationsOf(lowerCased)).toEqual([]);
    const result = validateDefinition(offerTypes['microsoft-saas'], parseEnvelope(lowerCased).definition);
    expect(Object.keys(result.definition.offer)).toContain(`${MP}.usefulLinks`);
  });

  it('accepts the misspelled Marketo key and emits the canonical one (spec A23)', () => {
    const body = withField(saasOffer(), offerKey(`${MP}.marketLeadConfiguration`), {});
    const result = validateDefinition(offerTypes['microsoft-saas'], parseEnvelope(body).definition);
    expect(result.violations).toEqual([]);
    expect(Object.keys(result.definition.offer)).toContain(`${MP}.marketoLeadConfiguration`);
  });
});

describe('violations name the field and the rule', () => {
  it.each<[string, (b: Body) => unknown, string, string]>([
    ['body id differs from the path (4.B 18)', (b) => withField(b, ['id'], 'other-offer'), 'IdMismatch', '$.id'],
    ['body publisherId differs from the path (4.B 18)', (b) => withField(b, ['publisherId'], 'fabrikam'), 'IdMismatch', '$.publisherId'],
    ['unknown offer type (4.B 19)', (b) => withField(b, ['offerTypeId'], 'microsoft-nothing'), 'UnknownOfferType', '$.offerTypeId'],
    ['missing offer type', (b) => withField(b, ['offerTypeId'], undefined), 'RequiredFieldMissing', '$.offerTypeId'],
    ['empty alias on create', (b) => withField(b, ['definition', 'displayText'], ' '), 'InvalidAlias', '$.definition.displayText'],
    ['uppercase plan id (4.B 21)', (b) => withField(b, planKey(0, 'planId'), 'Gold'), 'InvalidPlanId', '$.definition.plans[0].planId'],
    [
      '51-character plan id (4.B 21)',
      (b) => withField(b, planKey(0, 'planId'), 'p'.repeat(51)),
      'InvalidPlanId',
      '$.definition.plans[0].planId',
    ],
    [
      'two plans with one id (4.B 22)',
      (b) => withField(b, planKey(1, 'planId'), 'basic'),
      'DuplicatePlanId',
      '$.definition.plans[1].planId',
    ],
    [
      'two plans with one name (4.B 22)',
      (b) => withField(b, planKey(1, `${SAAS}.planName`), 'basic PLAN'),
      'DuplicatePlanName',
      `$.definition.plans[1]["${SAAS}.planName"]`,
    ],
    ['101 plans (4.B 23)', (b) => withField(b, ['definition', 'plans'], manyPlans(101, 'public')), 'TooManyItems', '$.definition.plans'],
    [
      '46 private plans (4.B 23)',
      (b) => withField(b, ['definition', 'plans'], manyPlans(46, 'private')),
      'TooManyItems',
      '$.definition.plans',
    ],
    [
      '31 metered dimensions (4.B 24)',
      (b) => withField(b, offerKey(`${SAAS}.meteredDimensions`), dims(31)),
      'TooManyItems',
      `$.definition.offer["${SAAS}.meteredDimensions"]`,
    ],
    [
      'a dimension id given twice',
      (b) => withField(b, offerKey(`${SAAS}.meteredDimensions`), [...dims(2), { id: 'DIM0', displayName: 'again', unitOfMeasure: 'x' }]),
      'DuplicateDimensionId',
      `$.definition.offer["${SAAS}.meteredDimensions"][2]`,
    ],
    [
      'a 51-character listing name (4.B 25)',
      (b) => withField(b, offerKey(`${MP}.title`), 'n'.repeat(51)),
      'FieldTooLong',
      `$.definition.offer["${MP}.title"]`,
    ],
    [
      'a listing name with an emoji (4.B 25)',
      (b) => withField(b, offerKey(`${MP}.title`), 'Contoso 🚀'),
      'EmojiNotAllowed',
      `$.definition.offer["${MP}.title"]`,
    ],
    [
      'a 3,001-character description (4.B 26)',
      (b) => withField(b, offerKey(`${MP}.description`), 'd'.repeat(3001)),
      'FieldTooLong',
      `$.definition.offer["${MP}.description"]`,
    ],
    [
      'a description with <script> (4.B 26)',
      (b) => withField(b, offerKey(`${MP}.description`), '<p>hi</p><script>alert(1)</script>'),
      'DisallowedHtml',
      `$.definition.offer["${MP}.description"]`,
    ],
    [
      'a description tag with attributes',
      (b) => withField(b, offerKey(`${MP}.description`), '<p onclick="x()">hi</p>'),
      'DisallowedHtml',
      `$.definition.offer["${MP}.description"]`,
    ],
    ['an unknown key (4.B 27)', (b) => withField(b, offerKey(`${MP}.foo`), 1), 'UnknownProperty', `$.definition.offer["${MP}.foo"]`],
    [
      'a key of another offer type',
      (b) => withField(b, offerKey('microsoft-azure-applications.aadAppId'), 'x'),
      'UnknownProperty',
      '$.definition.offer["microsoft-azure-applications.aadAppId"]',
    ],
    [
      'three categories (4.B 28)',
      (b) => withField(b, offerKey(`${MP}.categoryMap`), [{ categoryL1: 'analytics' }, { categoryL1: 'devops' }, { categoryL1: 'web' }]),
      'TooManyItems',
      `$.definition.offer["${MP}.categoryMap"]`,
    ],
    [
      'a subcategory not in the store table (4.B 28)',
      (b) =>
        withField(b, offerKey(`${MP}.categoryMap`), [{ categoryL1: 'analytics', 'categoryL2-analytics': ['visualization-and-reporting'] }]),
      'InvalidEnumValue',
      `$.definition.offer["${MP}.categoryMap"][0]["categoryL2-analytics"][0]`,
    ],
    [
      'three subcategories',
      (b) =>
        withField(b, offerKey(`${MP}.categoryMap`), [
          { categoryL1: 'analytics', 'categoryL2-analytics': ['data-insights', 'big-data', 'other'] },
        ]),
      'TooManyItems',
      `$.definition.offer["${MP}.categoryMap"][0]["categoryL2-analytics"]`,
    ],
    [
      'a category key of another store',
      (b) => withField(b, offerKey(`${MP}.categoryMap`), [{ categoryL1: 'analytics-amp' }]),
      'InvalidEnumValue',
      `$.definition.offer["${MP}.categoryMap"][0].categoryL1`,
    ],
    [
      'a tenant id that is not a GUID',
      (b) => withField(b, offerKey(`${SAAS}.aadTenantId`), 'contoso'),
      'InvalidGuid',
      `$.definition.offer["${SAAS}.aadTenantId"]`,
    ],
    [
      'a landing page that is not a URL',
      (b) => withField(b, offerKey(`${SAAS}.landingPageUrl`), 'stub.test/signup'),
      'InvalidUrl',
      `$.definition.offer["${SAAS}.landingPageUrl"]`,
    ],
    [
      'a privacy URL over http',
      (b) => withField(b, offerKey(`${MP}.privacyURL`), 'http://contoso.test/privacy'),
      'InvalidUrl',
      `$.definition.offer["${MP}.privacyURL"]`,
    ],
    [
      'an unknown lead destination',
      (b) => withField(b, offerKey(`${MP}.leadDestination`), 'Email'),
      'InvalidEnumValue',
      `$.definition.offer["${MP}.leadDestination"]`,
    ],
    [
      'an unknown pricing model',
      (b) => withField(b, [...planKey(0, `${SAAS}.pricing`), 'model'], 'perCore'),
      'InvalidEnumValue',
      `$.definition.plans[0]["${SAAS}.pricing"].model`,
    ],
    [
      'a negative price',
      (b) => withField(b, [...planKey(0, `${SAAS}.pricing`), 'billingTerms', 'monthly', 'priceUSD'], -1),
      'OutOfRange',
      `$.definition.plans[0]["${SAAS}.pricing"].billingTerms.monthly.priceUSD`,
    ],
    [
      'an unknown billing term',
      (b) => withField(b, [...planKey(0, `${SAAS}.pricing`), 'billingTerms', 'weekly'], { priceUSD: 1 }),
      'UnknownProperty',
      `$.definition.plans[0]["${SAAS}.pricing"].billingTerms.weekly`,
    ],
    [
      'an included quantity that is a fraction',
      (b) => withField(b, [...planKey(0, `${SAAS}.pricing`), 'dimensions', 0, 'includedQuantityMonthly'], 1.5),
      'InvalidValue',
      `$.definition.plans[0]["${SAAS}.pricing"].dimensions[0].includedQuantityMonthly`,
    ],
    [
      'seat limits on a flat-rate plan',
      (b) => withField(b, [...planKey(0, `${SAAS}.pricing`), 'minUsers'], 5),
      'SeatLimitsRequirePerUser',
      `$.definition.plans[0]["${SAAS}.pricing"].minUsers`,
    ],
    [
      'maxUsers below minUsers',
      (b) =>
        withField(b, planKey(0, `${SAAS}.pricing`), {
          model: 'perUser',
          billingTerms: { monthly: { priceUSD: 5 } },
          minUsers: 10,
          maxUsers: 5,
        }),
      'InvalidSeatRange',
      `$.definition.plans[0]["${SAAS}.pricing"].maxUsers`,
    ],
    [
      'metered dimensions on a per-user plan',
      (b) =>
        withField(b, planKey(0, `${SAAS}.pricing`), {
          model: 'perUser',
          billingTerms: { monthly: { priceUSD: 5 } },
          dimensions: [{ id: 'email' }],
        }),
      'DimensionsRequireFlatRate',
      `$.definition.plans[0]["${SAAS}.pricing"].dimensions`,
    ],
    [
      'a private audience entry that is not a tenant GUID',
      (b) => withField(b, [...planKey(1, `${SAAS}.privateAudience`), 0, 'id'], 'fabrikam.com'),
      'InvalidGuid',
      `$.definition.plans[1]["${SAAS}.privateAudience"][0].id`,
    ],
    [
      'an unknown plan key',
      (b) => withField(b, planKey(0, `${SAAS}.colour`), 'blue'),
      'UnknownProperty',
      `$.definition.plans[0]["${SAAS}.colour"]`,
    ],
    [
      'a market that is not a country code',
      (b) => withField(b, planKey(0, `${SAAS}.markets`), ['USA']),
      'InvalidFormat',
      `$.definition.plans[0]["${SAAS}.markets"][0]`,
    ],
    [
      'a stop-sell flag that is not a boolean',
      (b) => withField(b, planKey(0, `${SAAS}.stopSell`), 'yes'),
      'InvalidType',
      `$.definition.plans[0]["${SAAS}.stopSell"]`,
    ],
  ])('%s → %s', (_case, mutate, code, path) => {
    const violations = violationsOf(mutate(saasOffer()));
    expect(violations.map((v) => [v.code, v.path])).toContainEqual([code, path]);
    expect(violations.every((v) => v.message.length > 0)).toBe(true);
  });

  it.each([
    ['™ in a listing name (4.B 25)', offerKey(`${MP}.title`), 'Contoso™ Notifications'],
    ['<h2> and <ul><li> in a description (4.B 26)', offerKey(`${MP}.description`), '<h2>Why</h2><ul><li>fast</li></ul><p>a < b</p>'],
    ['30 metered dimensions (4.B 24)', offerKey(`${SAAS}.meteredDimensions`), dims(30)],
    [
      'per-user pricing with seat limits',
      planKey(0, `${SAAS}.pricing`),
      { model: 'perUser', billingTerms: { monthly: { priceUSD: 5 } }, minUsers: 1, maxUsers: 100 },
    ],
    ['an empty optional URL as the seed sends it', offerKey(`${MP}.publicAzureSupportUrl`), ''],
    ['null for an unset field', offerKey(`${MP}.longSummary`), null],
  ])('accepts %s', (_case, path, value) => {
    expect(violationsOf(withField(saasOffer(), path, value))).toEqual([]);
  });

  it('refuses an alias or type change of an existing offer (4.B 17, 20)', () => {
    const existing = { offerTypeId: 'microsoft-saas', alias: 'contoso-cns-prod' };
    expect(
      violationsOf(withField(saasOffer(), ['definition', 'displayText'], 'renamed'), { existing }).map((v) => [v.code, v.path]),
    ).toEqual([['ImmutablePropertyChanged', '$.definition.displayText']]);
    expect(
      violationsOf(withField(saasOffer(), ['offerTypeId'], 'microsoft-azure-virtualmachines'), { existing }).map((v) => [v.code, v.path]),
    ).toEqual([['ImmutablePropertyChanged', '$.offerTypeId']]);
  });
});

describe('D365 CE combined id length (002 [L26], 4.B 14–15)', () => {
  const d365 = (offerId: string, offerTypeId = 'microsoft-dynamics365-ce') => ({
    offerTypeId,
    id: offerId,
    definition: { displayText: 'alias', offer: {}, plans: [] },
  });

  it.each([
    ['microsoft-dynamics365-ce', 24, []],
    ['microsoft-dynamics365-ce', 25, ['OfferIdTooLong']],
    ['microsoft-saas', 25, []],
  ])('%s with publisher testpublisherid and a %i-character offer id', (type, length, codes) => {
    const offerId = 'o'.repeat(length);
    expect(violationsOf(d365(offerId, type), { publisherId: 'testpublisherid', offerId }).map((v) => v.code)).toEqual(codes);
  });
});

describe('VM offers in the seed shape', () => {
  it('accepts plan keys without a namespace, as the seed sends them [L23196]–[L23258]', () => {
    const body = {
      offerTypeId: 'microsoft-azure-virtualmachines',
      id: 'contosovirtualmachine',
      definition: {
        displayText: 'Contoso Virtual Machine Offer',
        offer: {
          [`${MP}.title`]: 'Contoso App',
          [`${MP}.categoryMap`]: [{ categoryL1: 'analytics-amp', 'categoryL2-analytics-amp': ['data-insights'] }],
        },
        plans: [
          {
            planId: 'contososkuidentifier',
            'microsoft-azure-virtualmachines.skuTitle': 'Contoso App',
            virtualMachinePricing: { isByol: true, freeTrialDurationInMonths: 0 },
            'microsoft-azure-virtualmachines.vmImages': { '1.0.1': { osVhdUrl: 'https://contoso.test/vm.vhd', lunVhdDetails: [] } },
            regions: ['AZ'],
          },
        ],
      },
    };
    expect(violationsOf(body, { offerId: 'contosovirtualmachine' })).toEqual([]);
    expect(
      violationsOf(withField(body, ['definition', 'plans', 0, 'virtualMachinePricing', 'freeTrialDurationInMonths'], 2), {
        offerId: 'contosovirtualmachine',
      }).map((v) => v.code),
    ).toEqual(['InvalidValue']);
  });
});

describe('what a saved draft keeps (spec 2.4)', () => {
  const saas = offerTypes['microsoft-saas'];
  const validate = (definition: Parameters<typeof validateDefinition>[1], spec = saas) => validateDefinition(spec, definition);
  const pairs = (definition: Parameters<typeof validateDefinition>[1], spec = saas) =>
    validate(definition, spec).violations.map((v) => [v.code, v.path]);

  it('an empty draft is fine, and the alias is trimmed', () => {
    expect(validate({ displayText: '  alias  ' })).toEqual({ definition: { displayText: 'alias', offer: {}, plans: [] }, violations: [] });
  });

  it('plan keys come back in canonical casing, and read-only keys of a GET body are dropped', () => {
    const result = validate({
      displayText: 'a',
      plans: [{ PlanId: 'gold', 'MICROSOFT-SAAS.PLANNAME': 'Gold', serviceId: 'x.y.gold', PlanStatus: 'live' }],
    });
    expect(result).toEqual({
      definition: { displayText: 'a', offer: {}, plans: [{ planId: 'gold', [`${SAAS}.planName`]: 'Gold' }] },
      violations: [],
    });
  });

  it('one key sent twice in different casings is refused', () => {
    expect(pairs({ displayText: 'a', offer: { [`${MP}.title`]: 'A', [`${MP}.TITLE`]: 'B' } })).toEqual([
      ['DuplicateProperty', `$.definition.offer["${MP}.TITLE"]`],
    ]);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['without a plan id', { [`${SAAS}.planName`]: 'Gold' }, 'is required and must be'],
    ['with a numeric plan id', { planId: 7 }, 'must be'],
  ])('a plan %s is refused (4.B 21)', (_case, plan, message) => {
    const { violations, definition } = validate({ displayText: 'a', plans: [plan as never] });
    expect(violations.map((v) => [v.code, v.path])).toEqual([['InvalidPlanId', '$.definition.plans[0].planId']]);
    expect(violations[0]?.message.startsWith(message)).toBe(true);
    expect(definition.plans).toEqual([]);
  });

  it('a plan id given twice is named once, at the second plan', () => {
    expect(pairs({ displayText: 'a', plans: [{ planId: 'gold' }, { planId: 'gold' }, { planId: 'silver' }] })).toEqual([
      ['DuplicatePlanId', '$.definition.plans[1].planId'],
    ]);
  });

  it('plan names are compared without case and surrounding spaces (4.B 22)', () => {
    expect(
      pairs({
        displayText: 'a',
        plans: [
          { planId: 'a', [`${SAAS}.planName`]: 'Gold' },
          { planId: 'b', [`${SAAS}.planName`]: ' gold ' },
          { planId: 'c', [`${SAAS}.planName`]: 'Silver' },
        ],
      }),
    ).toEqual([['DuplicatePlanName', `$.definition.plans[1]["${SAAS}.planName"]`]]);
  });

  it.each([
    [100, 'public', []],
    [45, 'private', []],
    [101, 'public', [['TooManyItems', '$.definition.plans']]],
    [46, 'private', [['TooManyItems', '$.definition.plans']]],
  ] as const)('%i %s plans (4.B 23)', (count, visibility, expected) => {
    const result = validate({ displayText: 'a', plans: manyPlans(count, visibility) });
    expect(result.violations.map((v) => [v.code, v.path])).toEqual(expected);
    expect(result.definition.plans).toHaveLength(Math.min(count, 100));
  });

  it('the plan limits are named in the message', () => {
    expect(validate({ displayText: 'a', plans: manyPlans(101, 'public') }).violations[0]?.message).toContain('100');
    expect(validate({ displayText: 'a', plans: manyPlans(46, 'private') }).violations[0]?.message).toContain('45 private');
  });

  it('an offer type without plan visibility has no private plan limit', () => {
    const vm = offerTypes['microsoft-azure-virtualmachines'];
    const plans = Array.from({ length: 46 }, (_, i) => ({ planId: `p${i}`, 'microsoft-azure-virtualmachines.visibility': 'private' }));
    expect(pairs({ displayText: 'a', plans }, vm).filter(([code]) => code === 'TooManyItems')).toEqual([]);
  });

  describe('offer types checked only by namespace (passthrough)', () => {
    const OPS = 'microsoft-dynamics365-operations';
    const ops = offerTypes[OPS];

    it('accept any key of their own namespace, at offer and plan level, as given', () => {
      const result = validate(
        { displayText: 'a', offer: { [`${OPS}.AnyThing`]: { x: 1 } }, plans: [{ planId: 'p', [`${OPS}.price`]: 3 }] },
        ops,
      );
      expect(result.violations).toEqual([]);
      expect(result.definition.offer).toEqual({ [`${OPS}.AnyThing`]: { x: 1 } });
      expect(result.definition.plans).toEqual([{ planId: 'p', [`${OPS}.price`]: 3 }]);
    });

    it('still refuse keys of another namespace or a look-alike prefix', () => {
      expect(pairs({ displayText: 'a', offer: { [`${SAAS}.x`]: 1, [`${OPS}x.y`]: 1 } }, ops)).toEqual([
        ['UnknownProperty', `$.definition.offer["${SAAS}.x"]`],
        ['UnknownProperty', `$.definition.offer["${OPS}x.y"]`],
      ]);
    });

    it('a typed offer type does not accept unknown keys of its namespace', () => {
      expect(pairs({ displayText: 'a', offer: { [`${SAAS}.anything`]: 1 } })).toEqual([
        ['UnknownProperty', `$.definition.offer["${SAAS}.anything"]`],
      ]);
    });
  });
});
