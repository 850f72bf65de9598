/**
 * A customer's own subscriptions (decision 1003): those its tenant bought or benefits from, newest first, a page
 * at a time, read from the tenant index the purchase writes. The same rows `customerSubscription` lets the tenant
 * reach one by one, so the list shows nothing the customer could not already open.
 */
import type { SubscriptionRecord } from '../model';
import type { SaasCore } from './internal';

export const CUSTOMER_PAGE_SIZE = 50;

export class CustomerSubscriptionList {
  readonly #core: SaasCore;

  constructor(core: SaasCore) {
    this.#core = core;
  }

  list(tenantId: string, after?: string): Promise<{ items: SubscriptionRecord[]; next?: string }> {
    return this.#core.store.listTenantSubscriptions(tenantId, CUSTOMER_PAGE_SIZE, after);
  }
}
