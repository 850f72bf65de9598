/**
 * A pool with its live seat count: the linked subscriptions are read through the SaaS port at the time of the
 * decision, so a quantity change, a suspension or a cancellation is seen by the next request (DEC-L7). A
 * subscription now on another plan provides no seats to this pool.
 */
import type { LicensePool, PoolState, SeatSubscription } from '../model';
import type { LicenseWrite } from '../ports';
import { monthOf } from '../rules/report';
import type { SeatSources } from '../ports';
import { availableOf, poolStateOf, provisionedOf } from '../rules/seats';

export interface PoolStatus {
  provisioned: number;
  available: number;
  state: PoolState;
}

export async function poolStatus(pool: LicensePool, sources: SeatSources): Promise<PoolStatus> {
  const subscriptions: SeatSubscription[] = [];
  // Read at once (in the pool's order): each is a point read of the SaaS store, and none depends on another.
  for (const sub of await Promise.all(pool.subscriptionIds.map((id) => sources.subscription(id)))) {
    if (!sub) continue;
    const samePlan = sub.publisherId === pool.publisherId && sub.offerId === pool.offerId && sub.planId === pool.planId;
    subscriptions.push(samePlan ? sub : { id: sub.id, status: 'Unsubscribed' });
  }
  const provisioned = provisionedOf(pool, subscriptions);
  return { provisioned, available: availableOf(provisioned, pool), state: poolStateOf(pool, subscriptions) };
}

/** The month's snapshot of a pool as it will be after the transaction it rides in (decision 0805). */
export function snapshotWrite(pool: LicensePool, status: PoolStatus, now: Date): LicenseWrite {
  const at = now.toISOString();
  return {
    kind: 'snapshot',
    value: {
      tenantId: pool.tenantId,
      skuId: pool.skuId,
      publisherId: pool.publisherId,
      month: monthOf(at),
      provisioned: status.provisioned,
      assigned: pool.assigned,
      state: status.state,
      at,
    },
  };
}
