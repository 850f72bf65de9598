/**
 * Seat arithmetic of a license pool (B1.3, B1.4; DEC-L6, DEC-L7, DEC-L9): seats come from deal lines and from the
 * quantity of linked SaaS subscriptions that are Subscribed or Suspended; queued and failed assignments reserve a
 * seat; lowering the seats below what is assigned is allowed (nobody is unassigned), new assignments then fail.
 */
import type { AssignmentState, LicensePool, PoolState, SeatSubscription } from '../model';

/** Seats a subscription provides: its quantity while it is Subscribed or Suspended, none otherwise. */
export function subscriptionSeats(subscription: SeatSubscription): number {
  if (subscription.status !== 'Subscribed' && subscription.status !== 'Suspended') return 0;
  return subscription.quantity ?? 0;
}

export function provisionedOf(pool: Pick<LicensePool, 'dealSeats'>, subscriptions: readonly SeatSubscription[]): number {
  return subscriptions.reduce((sum, s) => sum + subscriptionSeats(s), pool.dealSeats);
}

/** Free seats: provisioned minus held and reserved seats, never negative (an over-assigned pool has none). */
export function availableOf(provisioned: number, pool: Pick<LicensePool, 'assigned' | 'reserved'>): number {
  return Math.max(0, provisioned - pool.assigned - pool.reserved);
}

/**
 * The pool's state: Active when a deal line or a Subscribed subscription backs it; Suspended when its only live
 * subscriptions are suspended; Unsubscribed when every linked subscription was cancelled and no deal line is left;
 * Pending while its subscriptions await activation; Inactive when it has no source (deal lines removed, DEC-L5).
 */
export function poolStateOf(pool: Pick<LicensePool, 'dealSeats'>, subscriptions: readonly SeatSubscription[]): PoolState {
  if (pool.dealSeats > 0 || subscriptions.some((s) => s.status === 'Subscribed')) return 'Active';
  if (subscriptions.some((s) => s.status === 'Suspended')) return 'Suspended';
  if (subscriptions.some((s) => s.status === 'PendingFulfillmentStart')) return 'Pending';
  if (subscriptions.length > 0) return 'Unsubscribed';
  return 'Inactive';
}

/** Whether the assignment occupies a seat in `assigned` (as opposed to `reserved`). */
export function holdsSeat(state: AssignmentState): boolean {
  return state === 'Active' || state === 'PendingRemoval' || state === 'FailedRemoval';
}

/** What the admin centre shows: Assigned for Active, Pending for everything in flight or failed (DEC-L8). */
export function displayStatus(state: AssignmentState): 'Assigned' | 'Pending' {
  return state === 'Active' ? 'Assigned' : 'Pending';
}

export function retryable(state: AssignmentState): boolean {
  return state === 'FailedAssign' || state === 'FailedRemoval';
}
