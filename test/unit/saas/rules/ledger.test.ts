/** The billing ledger (specs/saas-licensing.md A3, decision 0416) and trial conversion (decision 0415). */
import { describe, expect, it } from 'vitest';
import { convertedTrial, ledgerEntry } from '../../../../shared/saas/rules/ledger';
import { subscriptionRecord } from '../../../fixtures/saas-records';

const sub = subscriptionRecord({ quantity: 20 });
const AT = new Date('2019-05-31T10:00:00.000Z');

describe('ledger rows', () => {
  it('records the event with the plan, seats and term the customer is on, billable for a paid purchase', () => {
    expect(ledgerEntry(sub, 'Activated', AT).write).toEqual({
      kind: 'ledger',
      value: {
        subscriptionId: sub.id,
        seq: 0,
        event: 'Activated',
        at: '2019-05-31T10:00:00.000Z',
        publisherId: 'contoso',
        offerId: 'o1',
        planId: 'silver',
        quantity: 20,
        termUnit: 'P1M',
        billable: true,
      },
    });
  });

  it('numbers the rows of a subscription 0, 1, 2, … in commit order', () => {
    const first = ledgerEntry(sub, 'Activated', AT);
    const second = ledgerEntry(first.sub, 'Renewed', new Date('2019-06-30T00:00:00.000Z'));
    expect([first.write.value, second.write.value].map((e) => 'seq' in e && e.seq)).toEqual([0, 1]);
    expect(second.sub).toEqual({ ...sub, ledgerSeq: 2 });
  });

  it('has no quantity for a flat-rate plan', () => {
    const { quantity: _omit, ...flat } = sub;
    expect('quantity' in ledgerEntry(flat, 'Activated', AT).write.value).toBe(false);
  });

  it.each([
    ['a paid subscription', {}, true],
    ['a test purchase by the preview audience [DEC-A34]', { isTest: true }, false],
    ['a change during a free trial [004:2577]', { isFreeTrial: true }, false],
    ['a test purchase during a free trial', { isTest: true, isFreeTrial: true }, false],
  ])('an entry of %s is billable: %s', (_case, change, billable) => {
    expect(ledgerEntry({ ...sub, ...change }, 'PlanChanged', AT).write.value).toMatchObject({ billable });
  });

  it.each([
    ['a charged cancellation of a paid subscription', {}, true, true],
    ['a cancellation inside the free-cancellation window', {}, false, false],
    ['a charged cancellation of a test purchase [DEC-A34]', { isTest: true }, true, false],
  ])('%s is recorded as charged: %s', (_case, change, charged, expected) => {
    expect(ledgerEntry({ ...sub, ...change }, 'Cancelled', AT, { charged }).write.value).toMatchObject({ charged: expected });
  });

  it('says nothing about charging for events other than a cancellation', () => {
    expect('charged' in ledgerEntry(sub, 'Suspended', AT).write.value).toBe(false);
  });

  it('names the operation the entry belongs to, when there is one', () => {
    expect(ledgerEntry(sub, 'QuantityChanged', AT, { operationId: 'op-1' }).write.value).toMatchObject({ operationId: 'op-1' });
    expect('operationId' in ledgerEntry(sub, 'Renewed', AT).write.value).toBe(false);
  });
});

describe('trial conversion [004:2579] (decision 0415)', () => {
  it('starts billing and anchors the paid terms on the conversion day', () => {
    const trial = { ...sub, isFreeTrial: true, termIndex: 3 };
    expect(convertedTrial(trial, new Date('2019-06-30T00:00:05.000Z'))).toEqual({
      ...trial,
      isFreeTrial: false,
      termAnchor: '2019-06-30',
      termIndex: 0,
      paidSince: '2019-06-30T00:00:05.000Z',
    });
  });
});
