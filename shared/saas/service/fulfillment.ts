/**
 * The SaaS fulfillment API v2 as the ISV calls it (specs/saas-licensing.md A1.3, A1.4): resolve a purchase token,
 * read and list subscriptions and their available plans, activate, change, cancel, and the operations with the
 * publisher's Success/Failure answer. Every call is the calling publisher's: another publisher's subscription is
 * 403 [004:25427], an unknown one 404.
 */
import type { LivePlan } from '../../catalog/ports';
import { canBuy } from '../../catalog/rules/live';
import type { Change, OperationRecord, Stored, SubscriptionRecord } from '../model';
import { bad, conflict, foreign, notFound } from '../rules/errors';
import { isGuid, utcDate, withStatus } from '../rules/lifecycle';
import { parseQuantity } from '../rules/plans';
import type { SubscriptionChanges } from './changes';
import { hashToken, type SaasCore } from './internal';
import { complete } from './transitions';

export class FulfillmentApi {
  readonly #core: SaasCore;
  readonly #changes: SubscriptionChanges;

  constructor(core: SaasCore, changes: SubscriptionChanges) {
    this.#core = core;
    this.#changes = changes;
  }

  async resolve(publisherId: string, token: string | null): Promise<SubscriptionRecord> {
    if (!token) throw bad('MarketplaceTokenMissing', 'The x-ms-marketplace-token header is required.', 'x-ms-marketplace-token');
    const record = await this.#core.store.getToken(hashToken(token));
    if (!record) throw bad('MarketplaceTokenInvalid', 'The marketplace token is not valid.', 'x-ms-marketplace-token');
    if (record.publisherId !== publisherId) throw foreign();
    if (Date.parse(record.expiresAt) <= this.#core.now().getTime()) {
      throw bad(
        'MarketplaceTokenExpired',
        'The marketplace token has expired; the customer must return to the portal.',
        'x-ms-marketplace-token',
      );
    }
    return (await this.#core.owned(publisherId, record.subscriptionId)).value;
  }

  get(publisherId: string, id: string): Promise<SubscriptionRecord> {
    return this.#core.owned(publisherId, id).then((s) => s.value);
  }

  list(publisherId: string, continuation?: string) {
    return this.#core.store.listSubscriptions(publisherId, 100, continuation);
  }

  /** The plans this subscription may be on: the current one, and every plan of the live version its tenant may buy. */
  async availablePlans(publisherId: string, id: string, planIdFilter?: string): Promise<LivePlan[]> {
    const sub = (await this.#core.owned(publisherId, id)).value;
    const offer = await this.#core.catalog.getLiveOffer(sub.publisherId, sub.offerId);
    return (offer?.plans ?? []).filter(
      (p) => (p.planId === sub.planId || canBuy(p, sub.beneficiary.tenantId)) && (!planIdFilter || p.planId === planIdFilter),
    );
  }

  /** A2 rows 3–5: only from PendingFulfillmentStart, with the purchased plan and quantity [004:25468-25483]. */
  async activate(publisherId: string, id: string, body: { planId?: unknown; quantity?: unknown }): Promise<void> {
    if (typeof body.planId !== 'string' || body.planId === '') throw bad('PlanIdRequired', 'planId is required.', 'planId');
    const planId = body.planId;
    const quantity = parseQuantity(body.quantity);
    if (quantity.kind === 'invalid') throw bad('InvalidQuantity', 'quantity must be a whole number.', 'quantity');
    const core = this.#core;
    await core.mutate(
      () => core.owned(publisherId, id),
      async ({ value: sub, etag }) => {
        if (sub.status === 'Unsubscribed') throw notFound();
        if (sub.status !== 'PendingFulfillmentStart') {
          throw bad(
            'InvalidSubscriptionStatus',
            `The subscription is ${sub.status}; only a PendingFulfillmentStart subscription can be activated.`,
          );
        }
        if (planId !== sub.planId) throw bad('PlanMismatch', `planId must be the purchased plan '${sub.planId}'.`, 'planId');
        const given = quantity.kind === 'value' ? quantity.value : undefined;
        if (given !== sub.quantity) throw bad('QuantityMismatch', 'quantity must be the purchased quantity.', 'quantity');
        const now = core.now();
        const activated: SubscriptionRecord = {
          ...withStatus(sub, 'Subscribed', now.toISOString()),
          activatedOn: utcDate(now),
          termIndex: 0,
          // Billing starts now, or at conversion for a free trial [004:2577].
          ...(sub.isFreeTrial ? {} : { paidSince: now.toISOString() }),
        };
        delete activated.pendingExpiresAt;
        const { sub: next, write } = core.ledger(activated, 'Activated');
        return { writes: [{ kind: 'subscription', value: next, etag }, write], result: undefined };
      },
    );
  }

  /** PATCH subscription (A1.3.6/7): refused synchronously for a no-op, a locked or a CSP subscription. */
  change(publisherId: string, id: string, change: Change): Promise<OperationRecord> {
    return this.#changes.change(publisherId, id, change, 'Publisher');
  }

  /** DELETE subscription (A1.3.8). */
  cancel(publisherId: string, id: string): Promise<OperationRecord> {
    return this.#changes.cancel(publisherId, id, 'Publisher');
  }

  async listOperations(publisherId: string, id: string): Promise<OperationRecord[]> {
    await this.#core.owned(publisherId, id);
    const ops = await this.#core.store.listOperations(publisherId, id);
    return ops.filter((o) => o.status === 'InProgress').sort((a, b) => a.timeStamp.localeCompare(b.timeStamp));
  }

  async getOperation(publisherId: string, id: string, operationId: string): Promise<Stored<OperationRecord>> {
    await this.#core.owned(publisherId, id);
    if (!isGuid(operationId)) throw notFound('operation');
    const op = await this.#core.store.getOperation(publisherId, operationId);
    if (!op || op.value.subscriptionId !== id) throw notFound('operation');
    return op;
  }

  /** The publisher's answer (A1.4.3): anything not InProgress, and every inform-only operation → 409 [DEC-A26]. */
  async patchOperation(publisherId: string, id: string, operationId: string, status: 'Success' | 'Failure'): Promise<OperationRecord> {
    const { value: op } = await this.getOperation(publisherId, id, operationId);
    // The ISV's own change takes no acknowledgement (operationRequestSource Partner): ISV code that acknowledges every
    // outstanding operation must not decide its own change (issue 23, decision 0400).
    if (op.source === 'Publisher' && op.status === 'InProgress') {
      throw conflict(
        'OperationStartedByPublisher',
        'This operation was started by your own PATCH on the subscription (operationRequestSource Partner); it completes by itself. Only operations the marketplace starts (Azure) take Success or Failure.',
      );
    }
    return complete(this.#core, publisherId, operationId, status === 'Success' ? 'Succeeded' : 'Failed', { publisherAnswer: true });
  }
}
