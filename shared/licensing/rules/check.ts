/**
 * The run-time license check (B1.5; DEC-L15): a user holds a license only with an Active assignment of the pool's
 * current epoch in an Active pool; everything else answers false with the reason the app can show.
 */
import type { LicenseAssignment, PoolState } from '../model';

export type CheckReason = 'NotAssigned' | 'AssignmentPending' | 'PoolInactive' | 'SubscriptionSuspended' | 'SubscriptionUnsubscribed';

export interface CheckAnswer {
  hasLicense: boolean;
  state: 'Active' | 'Pending' | 'None' | 'Inactive';
  reason?: CheckReason;
}

export function checkAnswer(
  pool: { state: PoolState; epoch: number } | undefined,
  assignment: Pick<LicenseAssignment, 'state' | 'epoch'> | undefined,
): CheckAnswer {
  if (!pool) return { hasLicense: false, state: 'None', reason: 'NotAssigned' };
  if (pool.state === 'Unsubscribed') return { hasLicense: false, state: 'Inactive', reason: 'SubscriptionUnsubscribed' };
  if (!assignment || assignment.epoch !== pool.epoch) return { hasLicense: false, state: 'None', reason: 'NotAssigned' };
  if (assignment.state === 'PendingAssign' || assignment.state === 'FailedAssign') {
    return { hasLicense: false, state: 'Pending', reason: 'AssignmentPending' };
  }
  if (pool.state === 'Suspended') return { hasLicense: false, state: 'Inactive', reason: 'SubscriptionSuspended' };
  if (pool.state !== 'Active') return { hasLicense: false, state: 'Inactive', reason: 'PoolInactive' };
  return { hasLicense: true, state: 'Active' };
}
