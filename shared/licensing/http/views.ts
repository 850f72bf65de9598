/**
 * The documented JSON of license management: the `LicenseUpdate` response of seed 003 (camelCase, null members
 * omitted, `licenseWarnings` always present [003:103-112]), pools (B1.8) and the check (B1.5).
 */
import type { LicensePool } from '../model';
import type { CheckResult } from '../service/check';
import type { LicenseUpdateResult } from '../service/license-update';
import type { PoolStatus } from '../service/pool-status';

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
