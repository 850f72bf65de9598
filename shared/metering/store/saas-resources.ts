/**
 * `ResourceDirectory` over the SaaS subscription store (issue 5): a usage event's resourceId is a SaaS
 * subscription id; its owner, offer, status (with the cancellation time) and plan history come from the
 * subscription record. The plan's prices are those of the frozen offer version the customer bought.
 */
import { isGuid } from '../../guid';
import type { SubscriptionRecord } from '../../saas/model';
import { currentTerm } from '../../saas/rules/lifecycle';
import type { MeteredResource, ResourceRef } from '../model';
import type { ResourceDirectory } from '../ports';

export function toMeteredResource(record: SubscriptionRecord): MeteredResource {
  // Usage starts at activation, not at purchase: until then the subscription is PendingFulfillmentStart, the
  // customer is not billed (paidSince), and "never activated" is ResourceNotActive (decision 0311).
  const activatedAt = record.statusHistory.find((h) => h.status === 'Subscribed')?.at;
  // A subscription canceled before it was ever activated had no hour of use to report.
  const canceledAt =
    record.status === 'Unsubscribed' && activatedAt
      ? record.statusHistory.filter((h) => h.status === 'Unsubscribed').at(-1)?.at
      : undefined;
  // The SaaS rules own the term (trial month, then terms anchored where billing started), so metering's
  // "current term" never drifts from the subscription's own.
  const term = currentTerm(record);
  return {
    resourceKey: record.id.toLowerCase(),
    kind: 'saas',
    publisherId: record.publisherId,
    offerId: record.offerId,
    status: record.status,
    ...(activatedAt ? { activatedAt } : {}),
    ...(canceledAt ? { canceledAt } : {}),
    plans: record.planHistory.map((p) => ({ planId: p.planId, offerVersion: record.offerVersion, from: p.from })),
    ...(term ? { term: { termUnit: record.termUnit, startDate: term.startDate } } : {}),
    customerName: record.name,
  };
}

export class SaasResourceDirectory implements ResourceDirectory {
  readonly #records: (id: string) => Promise<SubscriptionRecord | undefined>;

  constructor(records: (id: string) => Promise<SubscriptionRecord | undefined>) {
    this.#records = records;
  }

  async lookup(ref: ResourceRef): Promise<MeteredResource | undefined> {
    if (ref.kind !== 'resourceId') return undefined; // managed apps are a later issue
    const id = ref.resourceId.toLowerCase();
    if (!isGuid(id)) return undefined;
    const record = await this.#records(id);
    return record ? toMeteredResource(record) : undefined;
  }
}

/** The first directory that knows the resource: SaaS subscriptions, then the interim table (imports, fixtures). */
export class FirstFoundResourceDirectory implements ResourceDirectory {
  readonly #sources: readonly ResourceDirectory[];

  constructor(sources: readonly ResourceDirectory[]) {
    this.#sources = sources;
  }

  async lookup(ref: ResourceRef): Promise<MeteredResource | undefined> {
    for (const source of this.#sources) {
      const found = await source.lookup(ref);
      if (found) return found;
    }
    return undefined;
  }
}
