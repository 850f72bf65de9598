/**
 * The documented JSON of license management: the `LicenseUpdate` response of seed 003 (camelCase, null members
 * omitted, `licenseWarnings` always present [003:103-112]), pools (B1.8) and the check (B1.5).
 */
import type { LicensePool } from '../model';
import type { CheckResult } from '../service/check';
import type { LicenseUpdateResult } from '../service/license-update';
import type { PoolStatus } from '../service/pool-status';
import type { BatchView } from '../service/bulk-status';

export function licenseUpdateView(result: LicenseUpdateResult) {
  return {
    ...(result.licensesToAssign.length > 0 ? { licensesToAssign: result.licensesToAssign } : {}),
    ...(result.licensesToRemove.length > 0 ? { licensesToRemove: result.licensesToRemove } : {}),
    licenseWarnings: result.licenseWarnings,
    attributes: { objectType: 'LicenseUpdate' },
  };
}

export function poolView(pool: LicensePool, status: PoolStatus) {
  return {
    tenantId: pool.tenantId,
    publisherId: pool.publisherId,
    offerId: pool.offerId,
    planId: pool.planId,
    serviceId: pool.serviceId,
    skuId: pool.skuId,
    subscriptionIds: pool.subscriptionIds,
    provisioned: status.provisioned,
    assigned: pool.assigned,
    reserved: pool.reserved,
    available: status.available,
    state: status.state,
    firstActivatedAt: pool.firstActivatedAt,
  };
}

export function checkView(result: CheckResult) {
  return {
    tenantId: result.tenantId,
    userId: result.userId,
    serviceId: result.serviceId,
    hasLicense: result.hasLicense,
    state: result.state,
    ...(result.reason ? { reason: result.reason } : {}),
  };
}

export function batchView(view: BatchView) {
  const { batch, items } = view;
  return {
    batchId: batch.batchId,
    tenantId: batch.tenantId,
    serviceId: batch.serviceId,
    kind: batch.kind,
    ...(batch.groupId !== undefined ? { groupId: batch.groupId } : {}),
    total: batch.total,
    createdAt: batch.createdAt,
    counts: {
      pending: items.filter((i) => i.state === 'PendingAssign' || i.state === 'PendingRemoval').length,
      failed: items.filter((i) => i.retryable).length,
      done: items.filter((i) => (batch.kind === 'assign' ? i.state === 'Active' : i.state === 'Removed')).length,
    },
    items,
    skipped: batch.skipped.map((userId) => ({
      userId,
      ...(batch.kind === 'unassign'
        ? { warning: { code: 'LicenseNotAssigned', message: 'The user holds no assigned license of this plan.' } }
        : { reason: 'AlreadyAssigned' }),
    })),
  };
}
