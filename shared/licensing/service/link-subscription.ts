/**
 * Links a per-seat SaaS subscription to its tenant's license pool (the Teams flavour, B1.3; decision 0800): from
 * then on the pool's seats follow the subscription (its quantity once Subscribed, nothing while pending, kept but
 * not granting while Suspended, freed when Unsubscribed). Idempotent. Linking a new subscription to a pool whose
 * sources were all cancelled starts a new epoch: the released assignments do not come back.
 */
import { ConflictError, NotFoundError, ValidationError } from '../../errors';
import type { LicenseCaller, LicensePool, Stored } from '../model';
import type { LicensePlans, LicenseStore, SeatSources } from '../ports';
import { insufficientRole } from '../rules/errors';
import { isLicenseAdmin } from '../rules/roles';
import { serviceIdOf, skuIdOf } from '../rules/sku';
import { poolStatus, snapshotWrite, type PoolStatus } from './pool-status';

export interface LinkSubscriptionDeps {
  store: LicenseStore;
  sources: SeatSources;
  plans: LicensePlans;
  now: () => Date;
}

export class LinkSubscription {
  constructor(private readonly deps: LinkSubscriptionDeps) {}

  async link(
    caller: LicenseCaller,
    tenantId: string,
    subscriptionId: string,
    customer: { customerName?: string; countryCode?: string } = {},
  ): Promise<{ pool: LicensePool; status: PoolStatus; created: boolean }> {
    const tenant = tenantId.toLowerCase();
    const sub = await this.deps.sources.subscription(subscriptionId);
    const visible =
      sub !== undefined &&
      sub.beneficiaryTenantId.toLowerCase() === tenant &&
      (caller.kind === 'operator' ||
        (caller.kind === 'publisher' && caller.publisherId === sub.publisherId) ||
        (caller.kind === 'customer' && caller.tenantId.toLowerCase() === tenant));
    if (!sub || !visible)
      throw new NotFoundError(`Subscription ${subscriptionId} of tenant ${tenantId} was not found.`, 'SubscriptionNotFound');
    if (caller.kind === 'customer' && !isLicenseAdmin(caller.roles)) {
      throw insufficientRole('Linking a subscription to a license pool needs a license-administering role.');
    }
    const plan = await this.deps.plans.plan(sub.publisherId, sub.offerId, sub.planId);
    if (sub.quantity === undefined || !plan?.perUser) {
      throw new ValidationError(
        `Subscription ${subscriptionId} is not on a per-seat plan: it has no licenses to assign.`,
        [],
        'NotPerSeat',
      );
    }
    const serviceId = serviceIdOf(sub.publisherId, sub.offerId, sub.planId);
    const skuId = skuIdOf(serviceId);
    for (let attempt = 0; attempt < 100; attempt += 1) {
      const existing = await this.deps.store.getPool(tenant, skuId);
      if (existing?.value.subscriptionIds.includes(sub.id)) {
        return { pool: existing.value, status: await poolStatus(existing.value, this.deps.sources), created: false };
      }
      const pool = existing
        ? await this.relinked(existing)
        : this.fresh(tenant, { publisherId: sub.publisherId, offerId: sub.offerId, planId: sub.planId, serviceId, skuId });
      pool.subscriptionIds = [...pool.subscriptionIds, sub.id];
      if (customer.customerName !== undefined) pool.customerName = customer.customerName;
      if (customer.countryCode !== undefined) pool.countryCode = customer.countryCode.toUpperCase();
      const status = await poolStatus(pool, this.deps.sources);
      const outcome = await this.deps.store.commit(tenant, [
        { kind: 'pool', value: pool, ...(existing ? { etag: existing.etag } : {}) },
        snapshotWrite(pool, status, this.deps.now()),
      ]);
      if (outcome === 'ok') return { pool, status, created: existing === undefined };
    }
    throw new ConflictError('The license pool changed too often; retry.', 'LicensePoolConflict');
  }

  /** An existing pool; if every source was released, a new epoch with no seats taken. */
  private async relinked(existing: Stored<LicensePool>): Promise<LicensePool> {
    const status = await poolStatus(existing.value, this.deps.sources);
    if (status.state !== 'Unsubscribed') return { ...existing.value };
    return { ...existing.value, subscriptionIds: [], assigned: 0, reserved: 0, epoch: existing.value.epoch + 1 };
  }

  private fresh(tenantId: string, ref: Pick<LicensePool, 'publisherId' | 'offerId' | 'planId' | 'serviceId' | 'skuId'>): LicensePool {
    return {
      ...ref,
      tenantId,
      subscriptionIds: [],
      dealSeats: 0,
      assigned: 0,
      reserved: 0,
      epoch: 0,
      firstActivatedAt: this.deps.now().toISOString(),
    };
  }
}
