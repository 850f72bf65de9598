import { describe, expect, it } from 'vitest';
import { subscriptionView } from '../../../../shared/saas/http/views';
import type { SubscriptionRecord } from '../../../../shared/saas/model';
import { addMonthsClamped, planAt, termDates, withPlan } from '../../../../shared/saas/rules/lifecycle';
import { parseQuantity } from '../../../../shared/saas/rules/plans';

describe('term dates [DEC-A8]: anchored on the activation date, month-end clamped', () => {
  it.each([
    ['2019-05-31', 'P1M', 0, '2019-05-31', '2019-06-29'],
    ['2019-05-31', 'P1M', 1, '2019-06-30', '2019-07-30'],
    ['2019-05-31', 'P1M', 2, '2019-07-31', '2019-08-30'],
    ['2019-05-10', 'P1M', 0, '2019-05-10', '2019-06-09'],
    ['2019-05-31', 'P1Y', 0, '2019-05-31', '2020-05-30'],
    ['2020-02-29', 'P1Y', 0, '2020-02-29', '2021-02-27'],
  ] as const)('activated %s, %s, term %i → %s..%s (C.3-19, C.3-31, C.10-93)', (anchor, unit, k, start, end) => {
    expect(termDates(anchor, unit, k)).toEqual({ startDate: start, endDate: end });
  });

  it('clamps to the last day of a short month', () => {
    expect(addMonthsClamped('2019-01-31', 1)).toBe('2019-02-28');
    expect(addMonthsClamped('2019-12-15', 1)).toBe('2020-01-15');
  });
});

describe('quantity input [DEC-A5]', () => {
  it.each([
    [20, { kind: 'value', value: 20 }],
    ['25', { kind: 'value', value: 25 }],
    ['', { kind: 'absent' }],
    [null, { kind: 'absent' }],
    [undefined, { kind: 'absent' }],
    [-1, { kind: 'invalid' }],
    [2.5, { kind: 'invalid' }],
    ['abc', { kind: 'invalid' }],
    [true, { kind: 'invalid' }],
  ])('%j → %j', (raw, expected) => {
    expect(parseQuantity(raw)).toEqual(expected);
  });
});

const identity = {
  emailId: 'a@b.example',
  objectId: '7d2f0a3e-0000-4000-8000-000000000001',
  tenantId: '7d2f0a3e-0000-4000-8000-000000000002',
  pid: 'p',
};
const base: SubscriptionRecord = {
  id: '7d2f0a3e-0000-4000-8000-000000000003',
  publisherId: 'contoso',
  offerId: 'o1',
  offerVersion: 1,
  name: 'n',
  planId: 'silver',
  quantity: 20,
  beneficiary: identity,
  purchaser: identity,
  allowedCustomerOperations: ['Read', 'Update', 'Delete'],
  isFreeTrial: false,
  isTest: false,
  status: 'PendingFulfillmentStart',
  termUnit: 'P1M',
  termIndex: 0,
  autoRenew: true,
  created: '2019-05-31T00:00:00.000Z',
  statusHistory: [],
  planHistory: [{ planId: 'silver', quantity: 20, from: '2019-05-31T00:00:00.000Z' }],
};

describe('views and history', () => {
  it('omits term dates while pending (the contract says date-time, not null) and emits them once active', () => {
    expect(subscriptionView(base).term).toEqual({ termUnit: 'P1M' });
    const active = { ...base, status: 'Subscribed' as const, activatedOn: '2019-05-31' };
    expect(subscriptionView(active).term).toEqual({ termUnit: 'P1M', startDate: '2019-05-31T00:00:00Z', endDate: '2019-06-29T00:00:00Z' });
  });

  it('answers "plan at time t" from the plan history (for metering)', () => {
    const changed = withPlan(base, 'gold', undefined, '2019-06-10T12:00:00.000Z');
    expect(changed.quantity).toBeUndefined();
    expect(planAt(changed, new Date('2019-06-01T00:00:00Z'))).toEqual({ planId: 'silver', quantity: 20, from: '2019-05-31T00:00:00.000Z' });
    expect(planAt(changed, new Date('2019-06-11T00:00:00Z'))?.planId).toBe('gold');
    expect(planAt(changed, new Date('2019-01-01T00:00:00Z'))).toBeUndefined();
  });
});
