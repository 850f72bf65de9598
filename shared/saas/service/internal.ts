/**
 * What the SaaS use cases share (specs/saas-licensing.md A1.3–A1.6, A2): finding a subscription for a caller, and
 * the one way a state change is written. Every change is one partition transaction in the store: the subscription
 * row (If-Match its ETag), the operation row and, when the action notifies the ISV, the outbox row and the ledger
 * row. A concurrent writer makes the transaction fail and the use case re-reads and re-decides, so no update is
 * lost and no rule is checked against stale state. Internal to service/: triggers use the use cases.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Clock } from '../../clock';
import { ConflictError } from '../../errors';
import type { Faults } from '../../faults';
import type { LiveOffer, OfferCatalog } from '../../catalog/ports';
import type { Initiator, LedgerEvent, OperationAction, OperationRecord, Stored, SubscriptionRecord } from '../model';
import { ACK_ACTIONS } from '../model';
import type { PurchaseLeads, SubscriptionStore, Write } from '../ports';
import { outboxRecord } from '../rules/delivery';
import { foreign, notFound } from '../rules/errors';
import { ledgerEntry } from '../rules/ledger';
import { isGuid } from '../rules/lifecycle';

export const FAULT_BEFORE_WRITE = 'saas.subscription.before-write';

export interface SaasSettings {
  purchaseTokenTtlMs: number;
  ackWindowMs: number;
  /** A change the ISV starts completes this long after it is created (absent = at once, at the next due-work run). */
  isvChangeDelayMs?: number;
  /** How long a purchase may stay PendingFulfillmentStart before it is cancelled; absent or 0 = never [DEC-A33]. */
  pendingExpiryMs?: number;
}

export interface SaasDeps {
  store: SubscriptionStore;
  catalog: OfferCatalog;
  clock: Clock;
  faults: Faults;
  settings: SaasSettings;
  /** Where a purchase's lead goes (decision 0501); none in tests that do not look at leads. */
  leads?: PurchaseLeads;
}

/** A decision: the rows to write in one transaction, and what the use case answers once they are written. */
export interface Decision<T> {
  writes: Write[];
  result: T;
}

/** Optimistic retries of one use case before it gives up with 409 ConcurrentUpdate. */
export const MAX_ATTEMPTS = 20;

export const hashToken = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

export class SaasCore {
  readonly store: SubscriptionStore;
  readonly catalog: OfferCatalog;
  readonly faults: Faults;
  readonly settings: SaasSettings;
  readonly leads: PurchaseLeads | undefined;
  readonly #clock: Clock;

  constructor(deps: SaasDeps) {
    this.store = deps.store;
    this.catalog = deps.catalog;
    this.faults = deps.faults;
    this.settings = deps.settings;
    this.leads = deps.leads;
    this.#clock = deps.clock;
  }

  now(): Date {
    return this.#clock.now();
  }

  /** A subscription of the calling publisher: 404 when unknown, 403 when another publisher's [004:25427]. */
  async owned(publisherId: string, id: string): Promise<Stored<SubscriptionRecord>> {
    if (!isGuid(id)) throw notFound(); // [DEC-A4]; also keeps odd characters out of table keys
    const found = await this.store.getSubscription(publisherId, id);
    if (found) return found;
    const owner = await this.store.ownerOf(id);
    if (owner !== undefined && owner !== publisherId) throw foreign();
    throw notFound();
  }

  /** Any subscription by id (storefront and admin callers are not publishers). */
  async byId(id: string): Promise<Stored<SubscriptionRecord>> {
    if (!isGuid(id)) throw notFound();
    const owner = await this.store.ownerOf(id);
    const found = owner !== undefined ? await this.store.getSubscription(owner, id) : undefined;
    if (!found) throw notFound();
    return found;
  }

  /** For metering: the subscription record with its plan and status history (undefined when unknown). */
  async record(id: string): Promise<SubscriptionRecord | undefined> {
    const owner = await this.store.ownerOf(id);
    return owner !== undefined ? (await this.store.getSubscription(owner, id))?.value : undefined;
  }

  async offerOf(sub: SubscriptionRecord): Promise<LiveOffer> {
    const offer = await this.catalog.getOfferVersion(sub.publisherId, sub.offerId, sub.offerVersion);
    if (!offer) throw new Error(`frozen offer version ${sub.publisherId}/${sub.offerId}@${sub.offerVersion} is missing`);
    return offer;
  }

  /** Writes one transaction after the crash point the restart tests use; 'conflict' when someone wrote first. */
  async commit(publisherId: string, writes: Write[]): Promise<'ok' | 'conflict'> {
    await this.faults.reach(FAULT_BEFORE_WRITE);
    return writes.length === 0 ? 'ok' : this.store.commit(publisherId, writes);
  }

  /** Re-reads and re-decides until the transaction commits (ETag conflicts mean someone else wrote first). */
  async mutate<T>(
    load: () => Promise<Stored<SubscriptionRecord>>,
    decide: (current: Stored<SubscriptionRecord>) => Promise<Decision<T>>,
  ): Promise<T> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
      const current = await load();
      const { writes, result } = await decide(current);
      if ((await this.commit(current.value.publisherId, writes)) === 'ok') return result;
    }
    throw new ConflictError('The subscription is changing too often; retry.', 'ConcurrentUpdate');
  }

  operation(
    sub: SubscriptionRecord,
    action: OperationAction,
    source: Initiator,
    target?: { planId: string; quantity?: number },
  ): OperationRecord {
    const now = this.now();
    const ackRequired = ACK_ACTIONS.includes(action);
    const planId = target?.planId ?? sub.planId;
    const quantity = target ? target.quantity : sub.quantity;
    return {
      id: randomUUID(),
      activityId: randomUUID(),
      subscriptionId: sub.id,
      offerId: sub.offerId,
      publisherId: sub.publisherId,
      planId,
      ...(quantity !== undefined ? { quantity } : {}),
      action,
      timeStamp: now.toISOString(),
      status: ackRequired ? 'InProgress' : 'Succeeded',
      errorStatusCode: '',
      errorMessage: '',
      source,
      ackRequired,
      // An ISV-initiated change takes no acknowledgement: it completes after a short delay, whatever its own webhook
      // does (decision 0400).
      ...(ackRequired && source === 'Publisher'
        ? { ackDeadline: new Date(now.getTime() + (this.settings.isvChangeDelayMs ?? 0)).toISOString() }
        : {}),
    };
  }

  /** A state change as one transaction: the subscription (If-Match), its operation, and the webhook to send. */
  changeWrites(subscription: SubscriptionRecord, etag: string, op: OperationRecord): Write[] {
    return [
      { kind: 'subscription', value: subscription, etag },
      { kind: 'operation', value: op },
      { kind: 'outbox', value: outboxRecord(op, this.now().toISOString()) },
    ];
  }

  ledger(sub: SubscriptionRecord, event: LedgerEvent, extra: { charged?: boolean; operationId?: string } = {}) {
    return ledgerEntry(sub, event, this.now(), extra);
  }
}
