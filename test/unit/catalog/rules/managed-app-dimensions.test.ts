/**
 * Managed-application plans carry metered dimensions with the documented rules (issue 17; seed 004 ~7637–7758;
 * specs/metering.md 2.1, 2.2, T96–T101): offer-level definitions (at most 30), per-plan enabled / price / monthly
 * included quantity (an integer or "unlimited", no annual quantity: managed apps bill monthly only, A10), locked
 * after publish, and only on managed application plans (not solution templates).
 */
import { describe, expect, it } from 'vitest';
import type { OfferDefinition, Plan } from '../../../../shared/catalog/model/offer';
import { offerTypes } from '../../../../shared/catalog/model/offer-types';
import { validateDefinition } from '../../../../shared/catalog/rules/definition';
import { freezeViolations, livePlan } from '../../../../shared/catalog/rules/live';
import { publishedViolations } from '../../../../shared/catalog/rules/published';

const APPS = 'microsoft-azure-applications';
const apps = offerTypes[APPS];
const dims = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `d${i}`, displayName: `D ${i}`, unitOfMeasure: 'per 1 GB' }));
const plan = (pricing: Record<string, unknown>, planType = 'managedApplication'): Record<string, unknown> => ({
  planId: 'base',
  [`${APPS}.planType`]: planType,
  [`${APPS}.pricing`]: { monthlyPriceUSD: 0, ...pricing },
});
const definition = (offerDims: unknown[], plans: Record<string, unknown>[]) => ({
  displayText: 'Contoso Analytics',
  offer: { [`${APPS}.meteredDimensions`]: offerDims },
  plans,
});
const codes = (d: unknown) => validateDefinition(apps, d as never).violations.map((v) => [v.code, v.path]);

describe('managed application dimensions on PUT (T96, T97)', () => {
  it('takes 30 offer-level dimensions and refuses the 31st', () => {
    expect(codes(definition(dims(30), []))).toEqual([]);
    expect(codes(definition(dims(31), []))).toEqual([['TooManyItems', `$.definition.offer["${APPS}.meteredDimensions"]`]]);
  });

  it('takes enabled, a zero price, 0 and "unlimited" monthly included quantities', () => {
    const d = definition(dims(2), [
      plan({
        dimensions: [
          { id: 'd0', enabled: true, pricePerUnitUSD: 0, includedQuantityMonthly: 0 },
          { id: 'd1', enabled: false, pricePerUnitUSD: 10, includedQuantityMonthly: 'unlimited' },
        ],
      }),
    ]);
    expect(codes(d)).toEqual([]);
  });

  it.each([
    ['a fractional included quantity', { includedQuantityMonthly: 10.5 }],
    ['a negative included quantity', { includedQuantityMonthly: -1 }],
    ['a negative price', { pricePerUnitUSD: -1 }],
    ['an annual included quantity (managed apps bill monthly only, A10)', { includedQuantityAnnual: 5 }],
  ])('refuses %s', (_, field) => {
    const violations = codes(definition(dims(1), [plan({ dimensions: [{ id: 'd0', ...field }] })]));
    expect(violations).toHaveLength(1);
    expect(violations[0]?.[1]).toMatch(/^\$\.definition\.plans\[0\]\["microsoft-azure-applications\.pricing"\]\.dimensions\[0\]/);
  });

  it('refuses a dimension listed twice on a plan', () => {
    const d = definition(dims(1), [plan({ dimensions: [{ id: 'd0' }, { id: 'D0' }] })]);
    expect(codes(d)).toEqual([['DuplicateDimensionId', `$.definition.plans[0]["${APPS}.pricing"].dimensions[1]`]]);
  });
});

describe('managed application dimensions before a sale', () => {
  const frozen = (plans: Plan[], offerDims: unknown[] = dims(1)): OfferDefinition =>
    ({ displayText: 'a', offer: { [`${APPS}.meteredDimensions`]: offerDims }, plans }) as OfferDefinition;
  const freeze = (d: OfferDefinition) => freezeViolations(apps, d).map((v) => [v.code, v.path, v.message]);

  it('a managed application plan may meter; a solution template may not (seed 004 ~7657)', () => {
    expect(freeze(frozen([plan({ dimensions: [{ id: 'd0' }] }) as Plan]))).toEqual([]);
    expect(freeze(frozen([plan({ dimensions: [{ id: 'd0' }] }, 'solutionTemplate') as Plan]))).toEqual([
      [
        'DimensionsRequireManagedApplication',
        `$.definition.plans[0]["${APPS}.pricing"].dimensions`,
        'metered dimensions apply to managed application plans only ("planType": "managedApplication") [L7657]',
      ],
    ]);
    // A plan with no planType is no managed application either; without dimensions either type is fine.
    const untyped = { planId: 'base', [`${APPS}.pricing`]: { dimensions: [{ id: 'd0', enabled: false }] } } as Plan;
    expect(freeze(frozen([untyped])).map((v) => v[0])).toEqual(['DimensionsRequireManagedApplication']);
    expect(freeze(frozen([plan({ dimensions: [] }, 'solutionTemplate') as Plan]))).toEqual([]);
  });

  it('a plan dimension must be defined at offer level', () => {
    expect(freeze(frozen([plan({ dimensions: [{ id: 'gb' }] }) as Plan])).map((v) => v[0])).toEqual(['UnknownDimension']);
  });

  it('live plans say which type they are; other offer types carry no planType', () => {
    const d = frozen([]);
    expect(livePlan(apps, 'contoso', 'coa', d, plan({}) as Plan).planType).toBe('managedApplication');
    expect(livePlan(apps, 'contoso', 'coa', d, plan({}, 'solutionTemplate') as Plan).planType).toBe('solutionTemplate');
    expect(livePlan(apps, 'contoso', 'coa', d, { planId: 'x' }).planType).toBe('solutionTemplate');
    expect(livePlan(offerTypes['microsoft-saas'], 'contoso', 'cns', d, { planId: 'x' })).not.toHaveProperty('planType');
  });

  it('live dimensions carry enabled, price, monthly included and infinite as the catalog froze them', () => {
    const d = frozen([], dims(2));
    const p = plan({
      dimensions: [
        { id: 'd0', pricePerUnitUSD: 10, includedQuantityMonthly: 100 },
        { id: 'd1', enabled: false, includedQuantityMonthly: 'unlimited' },
      ],
    }) as Plan;
    expect(livePlan(apps, 'contoso', 'coa', d, p).pricing?.dimensions).toEqual([
      { id: 'd0', enabled: true, displayName: 'D 0', unitOfMeasure: 'per 1 GB', pricePerUnitUSD: 10, includedQuantityMonthly: 100 },
      { id: 'd1', enabled: false, displayName: 'D 1', unitOfMeasure: 'per 1 GB', includedQuantityMonthly: 'unlimited' },
    ]);
  });
});

describe('managed application dimensions after publish (T99–T101)', () => {
  const live = (): OfferDefinition =>
    ({
      displayText: 'a',
      offer: { [`${APPS}.meteredDimensions`]: dims(1) },
      plans: [plan({ dimensions: [{ id: 'd0', enabled: true, pricePerUnitUSD: 10, includedQuantityMonthly: 100 }] }) as Plan],
    }) as OfferDefinition;
  const locked = (next: OfferDefinition) => publishedViolations(apps, next, live(), ['base']).map((v) => [v.code, v.path]);

  it('the offer-level name and unit are locked', () => {
    const next = live();
    next.offer[`${APPS}.meteredDimensions`] = [{ id: 'd0', displayName: 'D 0', unitOfMeasure: 'per 1 TB' }];
    expect(locked(next)).toEqual([['ImmutablePropertyChanged', `$.definition.offer["${APPS}.meteredDimensions"]`]]);
  });

  it.each([
    ['price', { pricePerUnitUSD: 11 }],
    ['included quantity', { includedQuantityMonthly: 'unlimited' }],
    ['enabled flag', { enabled: false }],
  ])('the published plan’s %s is locked', (_, change) => {
    const next = live();
    const pricing = next.plans[0]?.[`${APPS}.pricing`] as { dimensions: Record<string, unknown>[] };
    pricing.dimensions = [{ ...pricing.dimensions[0], ...change }];
    expect(locked(next)).toEqual([['ImmutablePropertyChanged', `$.definition.plans[0]["${APPS}.pricing"].dimensions`]]);
  });

  it('a dimension added after publish must be "enabled": false on the published plan (T101)', () => {
    const next = live();
    next.offer[`${APPS}.meteredDimensions`] = dims(2);
    const pricing = next.plans[0]?.[`${APPS}.pricing`] as { dimensions: Record<string, unknown>[] };
    pricing.dimensions = [...pricing.dimensions, { id: 'd1', pricePerUnitUSD: 1 }];
    expect(locked(next)).toEqual([['ImmutablePropertyChanged', `$.definition.plans[0]["${APPS}.pricing"].dimensions`]]);
    pricing.dimensions = [pricing.dimensions[0] as Record<string, unknown>, { id: 'd1', enabled: false }];
    expect(locked(next)).toEqual([]);
  });
});
