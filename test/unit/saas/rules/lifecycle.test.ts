/** Pure life-cycle rules: term dates, trial terms, due times, the free-cancellation window, preview audiences, id format, plan history. */
import { describe, expect, it } from 'vitest';
import type { SubscriptionRecord } from '../../../../shared/saas/model';
import { subscriptionView } from '../../../../shared/saas/http/views';
import {
  addMonthsClamped,
  cancellationCharged,
  currentTerm,
  isGuid,
  planAt,
  subscriptionDueAt,
  termDates,
  termEndsAt,
  withPlan,
  withStatus,
} from '../../../../shared/saas/rules/lifecycle';
import { inPreviewAudience } from '../../../../shared/saas/rules/plans';
import type { LiveOffer } from '../../../../shared/catalog/ports';
import { subscriptionRecord } from '../../../fixtures/saas-records';

const base: SubscriptionRecord = subscriptionRecord({ paidSince: '2019-05-31T10:00:00.000Z' });

describe('terms with a free trial (decision 0415)', () => {
  it('shows the trial month while the trial runs, whatever the term unit', () => {
    expect(currentTerm({ ...base, isFreeTrial: true, termUnit: 'P1Y' })).toEqual({ startDate: '2019-05-31', endDate: '2019-06-29' });
    expect(termEndsAt({ ...base, isFreeTrial: true })?.toISOString()).toBe('2019-06-30T00:00:00.000Z');
  });

  it('anchors the paid terms on the conversion date afterwards', () => {
    const converted = { ...base, termAnchor: '2019-06-30', termIndex: 1 };
    expect(currentTerm(converted)).toEqual({ startDate: '2019-07-30', endDate: '2019-08-29' });
  });
});

describe('when the due-work timer looks at a subscription', () => {
  it.each([
    ['pending, no expiry', { status: 'PendingFulfillmentStart', activatedOn: undefined }, ''],
    [
      'pending with expiry',
      { status: 'PendingFulfillmentStart', pendingExpiresAt: '2019-06-07T00:00:00.000Z' },
      '2019-06-07T00:00:00.000Z',
    ],
    ['subscribed: term end', {}, '2019-06-30T00:00:00.000Z'],
    ['suspended: end of grace', { status: 'Suspended', suspendedAt: '2019-06-01T12:00:00.000Z' }, '2019-07-01T12:00:00.000Z'],
    ['unsubscribed: never', { status: 'Unsubscribed' }, ''],
    ['unsubscribed after a suspension: never', { status: 'Unsubscribed', suspendedAt: '2019-06-01T12:00:00.000Z' }, ''],
    ['suspended without a suspension time: never', { status: 'Suspended' }, ''],
    ['subscribed without an activation date: never', { activatedOn: undefined }, ''],
  ] as const)('%s', (_name, change, expected) => {
    expect(subscriptionDueAt({ ...base, ...change })).toBe(expected);
  });
});

describe('free-cancellation window [004:25894-25897] (C.8-74)', () => {
  const HOUR = 3_600_000;
  const paid = Date.parse(base.paidSince ?? '');
  it.each([
    ['monthly, 23 h', 'P1M', 23 * HOUR, false, false],
    ['monthly, exactly 24 h', 'P1M', 24 * HOUR, false, true],
    ['monthly, 25 h', 'P1M', 25 * HOUR, false, true],
    ['yearly, 13 days', 'P1Y', 13 * 24 * HOUR, false, false],
    ['yearly, 15 days', 'P1Y', 15 * 24 * HOUR, false, true],
    ['in a free trial, 20 days', 'P1M', 20 * 24 * HOUR, true, false],
  ] as const)('%s → charged %s', (_name, termUnit, after, isFreeTrial, charged) => {
    expect(cancellationCharged({ ...base, termUnit, isFreeTrial }, new Date(paid + after))).toBe(charged);
  });

  it('counts the window from the first Subscribed status when the record has no paidSince', () => {
    const { paidSince: _omit, ...older } = base;
    const history = [
      { status: 'PendingFulfillmentStart' as const, at: '2019-05-30T00:00:00.000Z' },
      { status: 'Subscribed' as const, at: '2019-05-31T10:00:00.000Z' },
    ];
    const record = { ...older, statusHistory: history };
    expect(cancellationCharged(record, new Date(paid + 23 * HOUR))).toBe(false);
    expect(cancellationCharged(record, new Date(paid + 25 * HOUR))).toBe(true);
  });

  it('never charges a subscription that was never active', () => {
    const { paidSince: _omit, ...pending } = base;
    expect(cancellationCharged({ ...pending, status: 'PendingFulfillmentStart' }, new Date('2020-01-01T00:00:00Z'))).toBe(false);
  });
});

describe('preview audience [DEC-A34]', () => {
  const offer = {
    definition: { offer: { 'microsoft-azure-marketplace.previewAudience': [{ id: 'Tester@Contoso.test', type: 'MixedAadMsaId' }] } },
  } as unknown as LiveOffer;
  it.each([
    ['tester@contoso.test', true],
    [' TESTER@contoso.test ', true],
    ['other@contoso.test', false],
    [undefined, false],
  ])('%j → %s', (email, expected) => {
    expect(inPreviewAudience(offer, email)).toBe(expected);
  });

  it('an offer without a preview audience has no test purchases', () => {
    expect(inPreviewAudience({ definition: { offer: {} } } as unknown as LiveOffer, 'tester@contoso.test')).toBe(false);
  });
});

describe('a subscription not yet activated', () => {
  it('has no term and no term end', () => {
    const { activatedOn: _omit, ...pendingSub } = base;
    expect(currentTerm(pendingSub)).toBeUndefined();
    expect(currentTerm({ ...pendingSub, isFreeTrial: true })).toBeUndefined();
    expect(termEndsAt(pendingSub)).toBeUndefined();
  });
});

describe('ids [DEC-A4]', () => {
  it.each([
    ['7d2f0a3e-0000-4000-8000-000000000003', true],
    ['7D2F0A3E-0000-4000-8000-000000000003', true],
    ['resolve', false],
    ['7d2f0a3e-0000-4000-8000-00000000000', false],
    ["7d2f0a3e-0000-4000-8000-00000000000'", false],
    ['x7d2f0a3e-0000-4000-8000-000000000003', false],
    ['7d2f0a3e-0000-4000-8000-000000000003/operations', false],
    ['{7d2f0a3e-0000-4000-8000-000000000003}', false],
  ])('%s → %s', (id, expected) => {
    expect(isGuid(id)).toBe(expected);
  });
});

describe('term dates [DEC-A8]: anchored on the activation date, month-end clamped', () => {
  it.each([
    ['2019-05-31', 'P1M', 0, '2019-05-31', '2019-06-29'],
    ['2019-05-31', 'P1M', 1, '2019-06-30', '2019-07-30'],
    ['2019-05-31', 'P1M', 2, '2019-07-31', '2019-08-30'],
    ['2019-05-10', 'P1M', 0, '2019-05-10', '2019-06-09'],
    ['2019-05-31', 'P1Y', 0, '2019-05-31', '2020-05-30'],
    ['2020-02-29', 'P1Y', 0, '2020-02-29', '2021-02-27'],
    ['2019-05-31', 'P1Y', 1, '2020-05-31', '2021-05-30'], // the first annual renewal starts a year on, not a month
    ['2020-02-29', 'P1Y', 1, '2021-02-28', '2022-02-27'],
  ] as const)('activated %s, %s, term %i → %s..%s (C.3-19, C.3-31, C.10-93)', (anchor, unit, k, start, end) => {
    expect(termDates(anchor, unit, k)).toEqual({ startDate: start, endDate: end });
  });

  it('clamps to the last day of a short month', () => {
    expect(addMonthsClamped('2019-01-31', 1)).toBe('2019-02-28');
    expect(addMonthsClamped('2019-12-15', 1)).toBe('2020-01-15');
  });
});

/** A purchase not yet activated, with the plan history a purchase starts. */
const pending: SubscriptionRecord = {
  ...base,
  quantity: 20,
  status: 'PendingFulfillmentStart',
  planHistory: [{ planId: 'silver', quantity: 20, from: '2019-05-31T00:00:00.000Z' }],
};

describe('views and history', () => {
  it('omits term dates while pending (the contract says date-time, not null) and emits them once active', () => {
    expect(subscriptionView(pending).term).toEqual({ termUnit: 'P1M' });
    const active = { ...pending, status: 'Subscribed' as const, activatedOn: '2019-05-31' };
    expect(subscriptionView(active).term).toEqual({ termUnit: 'P1M', startDate: '2019-05-31T00:00:00Z', endDate: '2019-06-29T00:00:00Z' });
  });

  it('answers "plan at time t" from the plan history (for metering)', () => {
    const changed = withPlan(pending, 'gold', undefined, '2019-06-10T12:00:00.000Z');
    expect(changed.quantity).toBeUndefined();
    expect(planAt(changed, new Date('2019-06-01T00:00:00Z'))).toEqual({ planId: 'silver', quantity: 20, from: '2019-05-31T00:00:00.000Z' });
    expect(planAt(changed, new Date('2019-06-11T00:00:00Z'))?.planId).toBe('gold');
    expect(planAt(changed, new Date('2019-01-01T00:00:00Z'))).toBeUndefined();
  });

  it('a plan change applies from the very instant it took effect', () => {
    const changed = withPlan(pending, 'gold', undefined, '2019-06-10T12:00:00.000Z');
    expect(planAt(changed, new Date('2019-06-10T11:59:59.999Z'))?.planId).toBe('silver');
    expect(planAt(changed, new Date('2019-06-10T12:00:00.000Z'))?.planId).toBe('gold');
  });

  it('a seat change keeps the plan and records the new quantity in the plan history', () => {
    const changed = withPlan(pending, 'silver', 25, '2019-06-10T12:00:00.000Z');
    expect(changed).toEqual({
      ...pending,
      quantity: 25,
      planHistory: [...pending.planHistory, { planId: 'silver', quantity: 25, from: '2019-06-10T12:00:00.000Z' }],
    });
  });

  it('a switch to a flat-rate plan drops the quantity, from the subscription and from the new history entry', () => {
    const changed = withPlan(pending, 'gold', undefined, '2019-06-10T12:00:00.000Z');
    expect(changed).toEqual({
      ...Object.fromEntries(Object.entries(pending).filter(([key]) => key !== 'quantity')),
      planId: 'gold',
      planHistory: [...pending.planHistory, { planId: 'gold', from: '2019-06-10T12:00:00.000Z' }],
    });
    expect('quantity' in changed).toBe(false);
    expect('quantity' in (changed.planHistory[1] ?? {})).toBe(false);
  });

  it('a status change is appended to the status history, earlier statuses kept', () => {
    const activated = withStatus(pending, 'Subscribed', '2019-05-31T10:00:00.000Z');
    const suspended = withStatus(activated, 'Suspended', '2019-06-05T00:00:00.000Z');
    expect(suspended).toEqual({
      ...pending,
      status: 'Suspended',
      statusHistory: [
        { status: 'Subscribed', at: '2019-05-31T10:00:00.000Z' },
        { status: 'Suspended', at: '2019-06-05T00:00:00.000Z' },
      ],
    });
    expect(activated.statusHistory).toHaveLength(1);
  });
});
