import { describe, expect, it } from 'vitest';
import {
  availableOf,
  displayStatus,
  holdsSeat,
  poolStateOf,
  provisionedOf,
  retryable,
  subscriptionSeats,
} from '../../../../shared/licensing/rules/seats';

describe('seats of a pool', () => {
  it('counts a subscription quantity only while Subscribed or Suspended', () => {
    expect(subscriptionSeats({ id: 's', status: 'Subscribed', quantity: 5 })).toBe(5);
    expect(subscriptionSeats({ id: 's', status: 'Suspended', quantity: 5 })).toBe(5);
    expect(subscriptionSeats({ id: 's', status: 'PendingFulfillmentStart', quantity: 5 })).toBe(0);
    expect(subscriptionSeats({ id: 's', status: 'Unsubscribed', quantity: 5 })).toBe(0);
    expect(subscriptionSeats({ id: 's', status: 'Subscribed' })).toBe(0);
  });

  it('adds deal seats and the seats of every subscription', () => {
    expect(provisionedOf({ dealSeats: 10 }, [])).toBe(10);
    expect(
      provisionedOf({ dealSeats: 2 }, [
        { id: 'a', status: 'Subscribed', quantity: 5 },
        { id: 'b', status: 'Unsubscribed', quantity: 7 },
        { id: 'c', status: 'Suspended', quantity: 3 },
      ]),
    ).toBe(10);
  });

  it('has no negative availability when over-assigned', () => {
    expect(availableOf(10, { assigned: 3, reserved: 2 })).toBe(5);
    expect(availableOf(5, { assigned: 3, reserved: 2 })).toBe(0);
    expect(availableOf(3, { assigned: 5, reserved: 0 })).toBe(0);
    expect(availableOf(6, { assigned: 3, reserved: 2 })).toBe(1);
  });

  it('derives the pool state from its sources', () => {
    const sub = (status: 'Subscribed' | 'Suspended' | 'Unsubscribed' | 'PendingFulfillmentStart') => ({ id: status, status, quantity: 1 });
    expect(poolStateOf({ dealSeats: 1 }, [sub('Unsubscribed')])).toBe('Active');
    expect(poolStateOf({ dealSeats: 0 }, [sub('Unsubscribed'), sub('Subscribed')])).toBe('Active');
    expect(poolStateOf({ dealSeats: 0 }, [sub('Suspended'), sub('Unsubscribed')])).toBe('Suspended');
    expect(poolStateOf({ dealSeats: 0 }, [sub('Suspended'), sub('PendingFulfillmentStart')])).toBe('Suspended');
    expect(poolStateOf({ dealSeats: 0 }, [sub('PendingFulfillmentStart'), sub('Unsubscribed')])).toBe('Pending');
    expect(poolStateOf({ dealSeats: 0 }, [sub('Unsubscribed')])).toBe('Unsubscribed');
    expect(poolStateOf({ dealSeats: 0 }, [])).toBe('Inactive');
  });

  it('tells held seats from reserved ones and what the admin centre shows', () => {
    expect(holdsSeat('Active')).toBe(true);
    expect(holdsSeat('PendingRemoval')).toBe(true);
    expect(holdsSeat('FailedRemoval')).toBe(true);
    expect(holdsSeat('PendingAssign')).toBe(false);
    expect(holdsSeat('FailedAssign')).toBe(false);
    expect(displayStatus('Active')).toBe('Assigned');
    for (const s of ['PendingAssign', 'PendingRemoval', 'FailedAssign', 'FailedRemoval'] as const) expect(displayStatus(s)).toBe('Pending');
    expect(retryable('FailedAssign')).toBe(true);
    expect(retryable('FailedRemoval')).toBe(true);
    for (const s of ['Active', 'PendingAssign', 'PendingRemoval'] as const) expect(retryable(s)).toBe(false);
  });
});
