/**
 * The ISV's run-time license check (B1.5; DEC-L15, DEC-L16; decision 0803): does user U of tenant T hold an active
 * license for Service ID S. Unknown Service IDs answer 404. Only the offer's publisher, the tenant's license
 * administrators and the user themself may ask; anyone else gets 403 and never the data. The plan, the pool (then
 * its subscriptions) and the assignment are read at the same time, through the check's cache when the composition
 * gives one (decision 0803): a change is seen by the next check in this process, and in another within the bound.
 */
import { ForbiddenError, NotFoundError } from '../../errors';
import type { LicenseCaller } from '../model';
import type { LicensePlans, LicenseStore, SeatSources } from '../ports';
import { checkAnswer, type CheckAnswer } from '../rules/check';
import { isLicenseAdmin } from '../rules/roles';
import { parseServiceId, skuIdOf } from '../rules/sku';
import { poolStatus } from './pool-status';

export interface CheckResult extends CheckAnswer {
  tenantId: string;
  userId: string;
  serviceId: string;
}

export class LicenseCheck {
  constructor(private readonly deps: { store: LicenseStore; sources: SeatSources; plans: LicensePlans }) {}

  async check(caller: LicenseCaller, tenantId: string, userId: string, serviceId: string): Promise<CheckResult> {
    const tenant = tenantId.toLowerCase();
    const user = userId.toLowerCase();
    const parts = parseServiceId(serviceId);
    const allowed =
      parts !== undefined &&
      (caller.kind === 'operator' ||
        (caller.kind === 'publisher' && caller.publisherId === parts.publisherId) ||
        (caller.kind === 'customer' &&
          caller.tenantId.toLowerCase() === tenant &&
          (isLicenseAdmin(caller.roles) || caller.userId.toLowerCase() === user)));
    const skuId = skuIdOf(serviceId);
    // Nothing depends on the order of these reads; the pool and the assignment only for a caller who may see them.
    const [plan, pooled, assignment] = await Promise.all([
      parts ? this.deps.plans.plan(parts.publisherId, parts.offerId, parts.planId) : undefined,
      allowed ? this.#pool(tenant, skuId) : undefined,
      allowed ? this.deps.store.getAssignment(tenant, skuId, user) : undefined,
    ]);
    if (!parts || !plan) throw new NotFoundError(`Service ID ${serviceId} is not a plan of a live offer.`, 'ServiceNotFound');
    if (!allowed) throw new ForbiddenError("Only the offer's publisher and the customer's administrators can check this license.");
    const { pool, status } = pooled ?? {};
    const answer = checkAnswer(pool && status ? { state: status.state, epoch: pool.value.epoch } : undefined, assignment?.value);
    return { tenantId: tenant, userId: user, serviceId, ...answer };
  }

  async #pool(tenant: string, skuId: string) {
    const pool = await this.deps.store.getPool(tenant, skuId);
    return pool ? { pool, status: await poolStatus(pool.value, this.deps.sources) } : undefined;
  }
}
