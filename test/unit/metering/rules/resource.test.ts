/**
 * Which plan, term and dimension usage is billed under (shared/metering/rules/resource.ts; specs/metering.md 2.5,
 * 2.8, A7, A8, A10, A17).
 */
import { describe, expect, it } from 'vitest';
import type { DimensionTerms } from '../../../../shared/metering/model';
import { billableDimension, includedQuantity, isActiveFor, planAt, subscribedSince } from '../../../../shared/metering/rules/resource';
import { saas } from '../../../fixtures/metering';

const ID = 'c0ffee00-0000-4000-8000-0000000000b2';
const at = (iso: string) => new Date(iso);

describe('planAt (T64: the plan in force at the effective time)', () => {
  // Listed newest first, as a store may return them.
  const resource = saas(ID, 'enterprise', {
    plans: [
      { planId: 'enterprise', from: '2024-03-10T12:00:00Z' },
      { planId: 'basic', from: '2024-01-01T00:00:00Z' },
      { planId: 'premium', from: '2024-02-01T00:00:00Z' },
    ],
  });

  it.each([
    ['before the first plan: the first plan', '2023-12-31T23:30:00Z', 'basic'],
    ['at the first plan', '2024-01-01T00:00:00Z', 'basic'],
    ['1 ms before a change: the old plan', '2024-01-31T23:59:59.999Z', 'basic'],
    ['at the instant of a change: the new plan', '2024-02-01T00:00:00Z', 'premium'],
    ['between changes', '2024-03-10T11:59:59Z', 'premium'],
    ['at the latest change', '2024-03-10T12:00:00Z', 'enterprise'],
    ['after the latest change', '2024-04-01T00:00:00Z', 'enterprise'],
  ])('%s (%s) → %s', (_name, when, planId) => {
    expect(planAt(resource, at(when))?.planId).toBe(planId);
  });
});

describe('subscribedSince', () => {
  it('skips a plan entry whose start cannot be read', () => {
    const r = saas(ID, 'basic', {
      plans: [
        { planId: 'premium', from: 'not a date' },
        { planId: 'basic', from: '2024-01-01T08:20:00Z' },
      ],
    });
    expect(subscribedSince(r)?.toISOString()).toBe('2024-01-01T08:20:00.000Z');
  });
});

describe('isActiveFor (A7, E2)', () => {
  const lenient = { acceptBeforeCancellation: true };
  const strict = { acceptBeforeCancellation: false };
  const canceled = saas(ID, 'basic', { status: 'Unsubscribed', canceledAt: '2024-03-10T11:00:00Z' });

  it('accepts an Unsubscribed subscription up to, not including, the instant of its cancellation', () => {
    expect(isActiveFor(canceled, at('2024-03-10T10:59:59.999Z'), lenient)).toBe(true);
    expect(isActiveFor(canceled, at('2024-03-10T11:00:00.000Z'), lenient)).toBe(false);
  });

  it('accepts nothing of an Unsubscribed subscription in the strict reading, or without a cancellation time', () => {
    expect(isActiveFor(canceled, at('2024-03-10T10:00:00Z'), strict)).toBe(false);
    expect(isActiveFor({ ...canceled, canceledAt: undefined }, at('2024-03-10T10:00:00Z'), lenient)).toBe(false);
  });

  it.each(['Suspended', 'PendingFulfillmentStart'] as const)(
    'accepts nothing of a %s subscription, a cancellation time notwithstanding',
    (status) => {
      const r = saas(ID, 'basic', { status, canceledAt: '2024-03-10T11:00:00Z' });
      expect(isActiveFor(r, at('2024-03-10T10:00:00Z'), lenient)).toBe(false);
    },
  );
});

describe('includedQuantity (A10: annual for P1Y, monthly otherwise)', () => {
  const both: DimensionTerms = {
    id: 'email',
    enabled: true,
    pricePerUnitUSD: 0.5,
    includedQuantityMonthly: 50000,
    includedQuantityAnnual: 5000000,
  };
  const monthlyOnly: DimensionTerms = { id: 'email', enabled: true, pricePerUnitUSD: 1, includedQuantityMonthly: 10000 };

  it.each([
    ['a monthly term', both, 'P1M', 50000],
    ['an annual term', both, 'P1Y', 5000000],
    ['no term', both, undefined, 50000],
    ['an annual term of a plan with monthly quantities only', monthlyOnly, 'P1Y', 10000],
  ] as const)('gives %s its own included quantity', (_name, dimension, termUnit, expected) => {
    expect(includedQuantity(dimension, termUnit)).toBe(expected);
  });
});

describe('billableDimension (A8: an unlimited dimension is never billed)', () => {
  const dims: DimensionTerms[] = [
    { id: 'monthly-unlimited', enabled: true, pricePerUnitUSD: 1, includedQuantityMonthly: 'unlimited', includedQuantityAnnual: 1000 },
    { id: 'annual-unlimited', enabled: true, pricePerUnitUSD: 1, includedQuantityMonthly: 1000, includedQuantityAnnual: 'unlimited' },
    { id: 'off', enabled: false, pricePerUnitUSD: 1 },
  ];

  it.each([
    ['monthly-unlimited', 'P1M', false],
    ['monthly-unlimited', 'P1Y', true],
    ['annual-unlimited', 'P1M', true],
    ['annual-unlimited', 'P1Y', false],
    ['off', 'P1M', false],
    ['Monthly-Unlimited', 'P1Y', false], // IDs match case-sensitively
    ['missing', 'P1M', false],
  ] as const)('%s on a %s term: billable %s', (id, termUnit, billable) => {
    expect(billableDimension(dims, id, termUnit)?.id).toBe(billable ? id : undefined);
  });
});
