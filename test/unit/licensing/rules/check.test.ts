import { describe, expect, it } from 'vitest';
import { checkAnswer } from '../../../../shared/licensing/rules/check';

describe('the license check answer', () => {
  it('grants only an Active assignment of the current epoch in an Active pool', () => {
    expect(checkAnswer({ state: 'Active', epoch: 2 }, { state: 'Active', epoch: 2 })).toEqual({ hasLicense: true, state: 'Active' });
  });

  it('keeps granting while a removal is in flight or failed', () => {
    expect(checkAnswer({ state: 'Active', epoch: 0 }, { state: 'PendingRemoval', epoch: 0 })).toEqual({
      hasLicense: true,
      state: 'Active',
    });
    expect(checkAnswer({ state: 'Active', epoch: 0 }, { state: 'FailedRemoval', epoch: 0 })).toEqual({ hasLicense: true, state: 'Active' });
  });

  it('says NotAssigned without a pool, without an assignment or for an older epoch', () => {
    const none = { hasLicense: false, state: 'None', reason: 'NotAssigned' };
    expect(checkAnswer(undefined, undefined)).toEqual(none);
    expect(checkAnswer({ state: 'Active', epoch: 0 }, undefined)).toEqual(none);
    expect(checkAnswer({ state: 'Active', epoch: 1 }, { state: 'Active', epoch: 0 })).toEqual(none);
  });

  it('says AssignmentPending for queued and failed assignments', () => {
    const pending = { hasLicense: false, state: 'Pending', reason: 'AssignmentPending' };
    expect(checkAnswer({ state: 'Active', epoch: 0 }, { state: 'PendingAssign', epoch: 0 })).toEqual(pending);
    expect(checkAnswer({ state: 'Active', epoch: 0 }, { state: 'FailedAssign', epoch: 0 })).toEqual(pending);
  });

  it('refuses held assignments of suspended, cancelled, pending and inactive pools', () => {
    const held = { state: 'Active' as const, epoch: 0 };
    expect(checkAnswer({ state: 'Suspended', epoch: 0 }, held)).toEqual({
      hasLicense: false,
      state: 'Inactive',
      reason: 'SubscriptionSuspended',
    });
    expect(checkAnswer({ state: 'Unsubscribed', epoch: 0 }, held)).toEqual({
      hasLicense: false,
      state: 'Inactive',
      reason: 'SubscriptionUnsubscribed',
    });
    expect(checkAnswer({ state: 'Unsubscribed', epoch: 0 }, undefined)).toEqual({
      hasLicense: false,
      state: 'Inactive',
      reason: 'SubscriptionUnsubscribed',
    });
    expect(checkAnswer({ state: 'Inactive', epoch: 0 }, held)).toEqual({ hasLicense: false, state: 'Inactive', reason: 'PoolInactive' });
    expect(checkAnswer({ state: 'Pending', epoch: 0 }, held)).toEqual({ hasLicense: false, state: 'Inactive', reason: 'PoolInactive' });
  });
});
