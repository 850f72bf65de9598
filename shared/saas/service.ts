/**
 * SaaS fulfillment use cases (specs/saas-licensing.md A1.3–A1.6, A2). Every state change is one partition
 * transaction in the store: the subscription row (If-Match its ETag), the operation row and, when the action
 * notifies the ISV, the outbox row. A concurrent writer makes the transaction fail and the use case re-reads and
 * re-decides, so no update is lost and no rule is checked against stale state.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Clock } from '../clock';
import type { Faults } from '../faults';
import type { LiveOffer, LivePlan, OfferCatalog } from '../catalog/ports';
import { canBuy } from '../catalog/rules/live';
import { ConflictError, ForbiddenError } from '../errors';
import { bad, conflict, foreign, notFound } from './errors';
import type {
  AadIdentity,
  LedgerEntry,
  LedgerEvent,
  OperationAction,
  OperationRecord,
  OutboxRecord,
  Stored,
  SubscriptionRecord,
  TermUnit,
} from './model';
import { ACK_ACTIONS } from './model';
import { convertedTrial, ledgerEntry } from './ledger';
import type { SubscriptionStore, Write } from './ports';
import {
  MAX_QUANTITY,
  SUSPENSION_GRACE_MS,
  cancellationCharged,
  inPreviewAudience,
  isGuid,
  parseQuantity,
  termEndsAt,
  utcDate,
  webhookPayload,
  withPlan,
  withStatus,
} from './rules';

export const FAULT_BEFORE_WRITE = 'saas.subscription.before-write';

export interface SaasSettings {
  purchaseTokenTtlMs: number;
  ackWindowMs: number;
  /** How long a purchase may stay PendingFulfillmentStart before it is cancelled; absent or 0 = never [DEC-A33]. */
  pendingExpiryMs?: number;
}

export interface SaasDeps {
  store: SubscriptionStore;
  catalog: OfferCatalog;
  clock: Clock;
  faults: Faults;
  settings: SaasSettings;
}

export type Initiator = 'Publisher' | 'Marketplace';
export type Change = { planId: string } | { quantity: number };

export interface PurchaseInput {
  publisherId: string;
  offerId: string;
  planId: string;
  quantity?: unknown;
  termUnit: TermUnit;
  purchaser: AadIdentity;
  beneficiary?: AadIdentity;
  autoRenew?: boolean;
  csp?: boolean;
  name?: string;
  /** The signed-in buyer's e-mail (from the token, not the body): a preview-audience member's purchase is a test [DEC-A34]. */
  callerEmail?: string;
}

const MAX_ATTEMPTS = 20;

const hashToken = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

function isPerUser(plan: LivePlan): boolean {
  return plan.pricing?.model === 'perUser';
}

function seatRange(plan: LivePlan): { min: number; max: number } {
  return { min: plan.pricing?.minUsers ?? 1, max: plan.pricing?.maxUsers ?? MAX_QUANTITY };
}

export class SaasService {
  readonly #d: SaasDeps;

  constructor(deps: SaasDeps) {
    this.#d = deps;
  }

  #now(): Date {
    return this.#d.clock.now();
  }

  /** A subscription of the calling publisher: 404 when unknown, 403 when another publisher's [004:25427]. */
  async #owned(publisherId: string, id: string): Promise<Stored<SubscriptionRecord>> {
    if (!isGuid(id)) throw notFound(); // [DEC-A4]; also keeps odd characters out of table keys
    const found = await this.#d.store.getSubscription(publisherId, id);
    if (found) return found;
    const owner = await this.#d.store.ownerOf(id);
    if (owner !== undefined && owner !== publisherId) throw foreign();
    throw notFound();
  }

  /** Any subscription by id (storefront and admin callers are not publishers). */
  async #byId(id: string): Promise<Stored<SubscriptionRecord>> {
    if (!isGuid(id)) throw notFound();
    const owner = await this.#d.store.ownerOf(id);
    const found = owner !== undefined ? await this.#d.store.getSubscription(owner, id) : undefined;
    if (!found) throw notFound();
    return found;
  }

  async #offerOf(sub: SubscriptionRecord): Promise<LiveOffer> {
    const offer = await this.#d.catalog.getOfferVersion(sub.publisherId, sub.offerId, sub.offerVersion);
    if (!offer) throw new Error(`frozen offer version ${sub.publisherId}/${sub.offerId}@${sub.offerVersion} is missing`);
    return offer;
  }

  /** Re-reads and re-decides until the transaction commits (ETag conflicts mean someone else wrote first). */
  async #mutate<T>(
    load: () => Promise<Stored<SubscriptionRecord>>,
    decide: (current: Stored<SubscriptionRecord>) => Promise<{ writes: Write[]; result: T }>,
  ): Promise<T> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
      const current = await load();
      const { writes, result } = await decide(current);
      await this.#d.faults.reach(FAULT_BEFORE_WRITE);
      if (writes.length === 0) return result;
      if ((await this.#d.store.commit(current.value.publisherId, writes)) === 'ok') return result;
    }
    throw new ConflictError('The subscription is changing too often; retry.', 'ConcurrentUpdate');
  }

  #operation(
    sub: SubscriptionRecord,
    action: OperationAction,
    source: Initiator,
    target?: { planId: string; quantity?: number },
  ): OperationRecord {
    const now = this.#now().toISOString();
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
      timeStamp: now,
      status: ackRequired ? 'InProgress' : 'Succeeded',
      errorStatusCode: '',
      errorMessage: '',
      source,
      ackRequired,
      // An ISV-initiated change completes without waiting on the ISV's own webhook: its window starts now (decision 0400).
      ...(ackRequired && source === 'Publisher'
        ? { ackDeadline: new Date(this.#now().getTime() + this.#d.settings.ackWindowMs).toISOString() }
        : {}),
    };
  }

  /** A state change as one transaction: the subscription (If-Match), its operation, and the webhook to send. */
  #changeWrites(subscription: SubscriptionRecord, etag: string, op: OperationRecord) {
    return [
      { kind: 'subscription' as const, value: subscription, etag },
      { kind: 'operation' as const, value: op },
      { kind: 'outbox' as const, value: this.#outbox(op) },
    ];
  }

  #outbox(op: OperationRecord): OutboxRecord {
    const now = this.#now().toISOString();
    return {
      operationId: op.id,
      subscriptionId: op.subscriptionId,
      publisherId: op.publisherId,
      payload: webhookPayload(op, now),
      state: 'pending',
      attempts: 0,
      nextAttemptAt: now,
      createdAt: now,
    };
  }

  #ledger(sub: SubscriptionRecord, event: LedgerEvent, extra: { charged?: boolean; operationId?: string } = {}) {
    return ledgerEntry(sub, event, this.#now(), extra);
  }

  // ---- purchase tokens -------------------------------------------------------------------------------------------

  async mintToken(sub: SubscriptionRecord): Promise<string> {
    // Opaque and unguessable; only its hash is stored. Contains '+' and '/' as real tokens do (C.2-13).
    const token = randomBytes(48).toString('base64');
    const expiresAt = new Date(this.#now().getTime() + this.#d.settings.purchaseTokenTtlMs).toISOString();
    await this.#d.store.putToken(hashToken(token), { subscriptionId: sub.id, publisherId: sub.publisherId, expiresAt });
    return token;
  }

  async landingPageUrl(sub: SubscriptionRecord, token: string): Promise<string> {
    const offer = await this.#offerOf(sub);
    const base = offer.saas?.landingPageUrl ?? '';
    return `${base}${base.includes('?') ? '&' : '?'}token=${encodeURIComponent(token)}`;
  }

  // ---- ISV-facing API ---------------------------------------------------------------------------------------------

  async resolve(publisherId: string, token: string | null): Promise<SubscriptionRecord> {
    if (!token) throw bad('MarketplaceTokenMissing', 'The x-ms-marketplace-token header is required.', 'x-ms-marketplace-token');
    const record = await this.#d.store.getToken(hashToken(token));
    if (!record) throw bad('MarketplaceTokenInvalid', 'The marketplace token is not valid.', 'x-ms-marketplace-token');
    if (record.publisherId !== publisherId) throw foreign();
    if (Date.parse(record.expiresAt) <= this.#now().getTime()) {
      throw bad(
        'MarketplaceTokenExpired',
        'The marketplace token has expired; the customer must return to the portal.',
        'x-ms-marketplace-token',
      );
    }
    return (await this.#owned(publisherId, record.subscriptionId)).value;
  }

  get(publisherId: string, id: string): Promise<SubscriptionRecord> {
    return this.#owned(publisherId, id).then((s) => s.value);
  }

  list(publisherId: string, continuation?: string) {
    return this.#d.store.listSubscriptions(publisherId, 100, continuation);
  }

  async availablePlans(publisherId: string, id: string, planIdFilter?: string) {
    const sub = (await this.#owned(publisherId, id)).value;
    const offer = await this.#d.catalog.getLiveOffer(sub.publisherId, sub.offerId);
    const plans = (offer?.plans ?? []).filter(
      (p) => (p.planId === sub.planId || canBuy(p, sub.beneficiary.tenantId)) && (!planIdFilter || p.planId === planIdFilter),
    );
    return plans.map((p) => ({
      planId: p.planId,
      displayName: p.name ?? p.planId,
      isPrivate: p.visibility === 'private',
      isPricePerSeat: isPerUser(p),
      hasFreeTrials: p.freeTrial,
    }));
  }

  /** A2 rows 3–5: only from PendingFulfillmentStart, with the purchased plan and quantity [004:25468-25483]. */
  async activate(publisherId: string, id: string, body: { planId?: unknown; quantity?: unknown }): Promise<void> {
    if (typeof body.planId !== 'string' || body.planId === '') throw bad('PlanIdRequired', 'planId is required.', 'planId');
    const planId = body.planId;
    const quantity = parseQuantity(body.quantity);
    if (quantity.kind === 'invalid') throw bad('InvalidQuantity', 'quantity must be a whole number.', 'quantity');
    await this.#mutate(
      () => this.#owned(publisherId, id),
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
        const now = this.#now();
        const activated: SubscriptionRecord = {
          ...withStatus(sub, 'Subscribed', now.toISOString()),
          activatedOn: utcDate(now),
          termIndex: 0,
          // Billing starts now, or at conversion for a free trial [004:2577].
          ...(sub.isFreeTrial ? {} : { paidSince: now.toISOString() }),
        };
        delete activated.pendingExpiresAt;
        const { sub: next, write } = this.#ledger(activated, 'Activated');
        return { writes: [{ kind: 'subscription', value: next, etag }, write], result: undefined };
      },
    );
  }

  /** Validates a plan or quantity change against the subscription's frozen offer (A1.3.6, A1.3.7). */
  async #target(sub: SubscriptionRecord, change: Change): Promise<{ planId: string; quantity?: number; hasTrial?: boolean }> {
    const offer = await this.#d.catalog.getLiveOffer(sub.publisherId, sub.offerId);
    if ('planId' in change) {
      const plan = offer?.plans.find((p) => p.planId === change.planId);
      if (!plan || !canBuy(plan, sub.beneficiary.tenantId)) {
        throw bad('PlanNotAvailable', `The plan '${change.planId}' is not available to this subscription.`, 'planId');
      }
      let quantity = sub.quantity;
      if (isPerUser(plan)) {
        const { min, max } = seatRange(plan);
        quantity = Math.min(Math.max(quantity ?? min, min), max);
        if (sub.quantity !== undefined && (sub.quantity < min || sub.quantity > max)) {
          throw bad('QuantityOutOfRange', `The current quantity ${sub.quantity} is outside the plan's range ${min}–${max}.`, 'planId');
        }
      } else quantity = undefined;
      return { planId: plan.planId, ...(quantity !== undefined ? { quantity } : {}), hasTrial: plan.freeTrial };
    }
    const current = (await this.#offerOf(sub)).plans.find((p) => p.planId === sub.planId);
    const livePlan = offer?.plans.find((p) => p.planId === sub.planId) ?? current;
    if (!livePlan || !isPerUser(livePlan))
      throw bad('QuantityNotValidForPlan', 'The plan is not priced per seat; it has no quantity.', 'quantity');
    const { min, max } = seatRange(livePlan);
    if (change.quantity < min || change.quantity > max) {
      throw bad('QuantityOutOfRange', `quantity must be between ${min} and ${max} for plan '${sub.planId}'.`, 'quantity');
    }
    return { planId: sub.planId, quantity: change.quantity };
  }

  /**
   * A plan or quantity change (A2 rows 6–7). The publisher's request is rejected synchronously when it is a no-op;
   * a marketplace-side no-op creates a `Conflict` operation with no webhook [004:26065-26066].
   */
  async change(publisherId: string, id: string, change: Change, source: Initiator): Promise<OperationRecord> {
    return this.#mutate(
      () => this.#owned(publisherId, id),
      async ({ value: sub, etag }) => {
        const action: OperationAction = 'planId' in change ? 'ChangePlan' : 'ChangeQuantity';
        if (source === 'Publisher' && !sub.allowedCustomerOperations.includes('Update')) {
          throw bad('OperationNotAllowed', 'Update is not in allowedCustomerOperations (a CSP purchase).');
        }
        if (sub.status !== 'Subscribed') {
          const message = `The subscription is ${sub.status}; only a Subscribed subscription can be changed.`;
          throw source === 'Publisher' ? bad('InvalidSubscriptionStatus', message) : conflict('InvalidSubscriptionStatus', message);
        }
        if (sub.lockedBy) {
          const message = `Operation ${sub.lockedBy} is awaiting acknowledgement; retry after it completes.`;
          throw source === 'Publisher' ? bad('SubscriptionLocked', message) : conflict('SubscriptionLocked', message);
        }
        const noOp = 'planId' in change ? change.planId === sub.planId : change.quantity === sub.quantity;
        if (noOp && source === 'Publisher') {
          throw 'planId' in change
            ? bad('PlanAlreadyOnSubscription', `The subscription already has plan '${change.planId}'.`, 'planId')
            : bad('QuantityAlreadyOnSubscription', `The subscription already has quantity ${change.quantity}.`, 'quantity');
        }
        if (noOp) {
          const op = { ...this.#operation(sub, action, source), status: 'Conflict' as const };
          return { writes: [{ kind: 'operation', value: op }], result: op };
        }
        const { hasTrial, ...target } = await this.#target(sub, change);
        const op: OperationRecord = {
          ...this.#operation(sub, action, source, target),
          ...(hasTrial !== undefined ? { targetHasTrial: hasTrial } : {}),
        };
        return {
          writes: this.#changeWrites({ ...sub, lockedBy: op.id }, etag, op),
          result: op,
        };
      },
    );
  }

  /** DELETE (A2 rows 21–24): any non-terminal status; webhook only for Subscribed/Suspended [DEC-A31]. */
  async cancel(publisherId: string, id: string, source: Initiator): Promise<OperationRecord> {
    return this.#mutate(
      () => this.#owned(publisherId, id),
      async ({ value: sub, etag }) => {
        if (source === 'Publisher' && !sub.allowedCustomerOperations.includes('Delete')) {
          throw bad('OperationNotAllowed', 'Delete is not in allowedCustomerOperations (a CSP purchase).');
        }
        if (sub.status === 'Unsubscribed') {
          const message = 'The subscription is already Unsubscribed.';
          throw source === 'Publisher' ? bad('InvalidSubscriptionStatus', message) : conflict('InvalidSubscriptionStatus', message);
        }
        return this.#unsubscribe(sub, etag, source);
      },
    );
  }

  #unsubscribe(sub: SubscriptionRecord, etag: string, source: Initiator) {
    const wasPending = sub.status === 'PendingFulfillmentStart';
    const next: SubscriptionRecord = withStatus(sub, 'Unsubscribed', this.#now().toISOString());
    delete next.lockedBy;
    const op = this.#operation(next, 'Unsubscribe', source);
    if (wasPending) {
      // Never activated, never billed: no ledger entry and no webhook [DEC-A31].
      const writes: Write[] = [
        { kind: 'subscription', value: next, etag },
        { kind: 'operation', value: op },
      ];
      return { writes, result: op };
    }
    const charged = cancellationCharged(sub, this.#now());
    const { sub: recorded, write } = this.#ledger(next, 'Cancelled', { charged, operationId: op.id });
    return { writes: [...this.#changeWrites(recorded, etag, op), write], result: op };
  }

  async listOperations(publisherId: string, id: string): Promise<OperationRecord[]> {
    await this.#owned(publisherId, id);
    const ops = await this.#d.store.listOperations(publisherId, id);
    return ops.filter((o) => o.status === 'InProgress').sort((a, b) => a.timeStamp.localeCompare(b.timeStamp));
  }

  async getOperation(publisherId: string, id: string, operationId: string): Promise<Stored<OperationRecord>> {
    await this.#owned(publisherId, id);
    if (!isGuid(operationId)) throw notFound('operation');
    const op = await this.#d.store.getOperation(publisherId, operationId);
    if (!op || op.value.subscriptionId !== id) throw notFound('operation');
    return op;
  }

  /** The publisher's answer (A1.4.3): anything not InProgress, and every inform-only operation → 409 [DEC-A26]. */
  async patchOperation(publisherId: string, id: string, operationId: string, status: 'Success' | 'Failure'): Promise<OperationRecord> {
    await this.getOperation(publisherId, id, operationId);
    return this.#complete(publisherId, operationId, status === 'Success' ? 'Succeeded' : 'Failed', { publisherAnswer: true });
  }

  /**
   * Finishes an ACK-requiring operation and applies (or drops) its change, op and subscription in one transaction.
   * Used by the publisher's PATCH, the ACK-window timeout and a webhook that was never accepted.
   */
  async #complete(
    publisherId: string,
    operationId: string,
    outcome: 'Succeeded' | 'Failed',
    options: { publisherAnswer?: boolean; errorStatusCode?: string; errorMessage?: string } = {},
  ): Promise<OperationRecord> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
      const stored = await this.#d.store.getOperation(publisherId, operationId);
      if (!stored) throw notFound('operation');
      const op = stored.value;
      if (!op.ackRequired || op.status !== 'InProgress') {
        if (options.publisherAnswer) throw conflict('OperationAlreadyCompleted', `The operation is ${op.status}; it cannot be updated.`);
        return op;
      }
      const sub = await this.#d.store.getSubscription(publisherId, op.subscriptionId);
      if (!sub) throw notFound();
      const now = this.#now().toISOString();
      let next: SubscriptionRecord = { ...sub.value };
      let finalOutcome = outcome;
      const ledger: Write[] = [];
      const record = (event: LedgerEvent) => {
        const entry = this.#ledger(next, event, { operationId: op.id });
        next = entry.sub;
        ledger.push(entry.write);
      };
      if (next.lockedBy === op.id) delete next.lockedBy;
      if (outcome === 'Succeeded') {
        if (op.action === 'Reinstate') {
          if (next.status === 'Suspended') {
            next = withStatus(next, 'Subscribed', now);
            delete next.suspendedAt;
            record('Reinstated');
          } else finalOutcome = 'Failed';
        } else if (next.status === 'Subscribed') {
          next = withPlan(next, op.planId, op.quantity, now);
          record(op.action === 'ChangePlan' ? 'PlanChanged' : 'QuantityChanged');
          // Converting to a plan without a free trial ends the trial at once [004:2583]; a trial plan keeps its clock.
          if (next.isFreeTrial && op.action === 'ChangePlan' && op.targetHasTrial === false) {
            next = convertedTrial(next, this.#now());
            record('TrialConverted');
          }
        } else finalOutcome = 'Failed'; // cancelled meanwhile: nothing to apply
      }
      const done: OperationRecord = {
        ...op,
        status: finalOutcome,
        ...(finalOutcome === 'Failed'
          ? {
              errorStatusCode: options.errorStatusCode ?? (options.publisherAnswer ? 'Failure' : 'SubscriptionNotActive'),
              errorMessage: options.errorMessage ?? '',
            }
          : {}),
      };
      await this.#d.faults.reach(FAULT_BEFORE_WRITE);
      const result = await this.#d.store.commit(publisherId, [
        { kind: 'operation', value: done, etag: stored.etag },
        { kind: 'subscription', value: next, etag: sub.etag },
        ...ledger,
      ]);
      if (result === 'ok') return done;
    }
    throw new ConflictError('The operation is changing too often; retry.', 'ConcurrentUpdate');
  }

  // ---- storefront (customer) --------------------------------------------------------------------------------------

  async purchase(input: PurchaseInput): Promise<{ subscription: SubscriptionRecord; token: string; landingPageUrl: string }> {
    const offer = await this.#d.catalog.getLiveOffer(input.publisherId, input.offerId);
    if (!offer?.saas?.sellThroughMicrosoft) throw notFound('offer');
    const beneficiary = input.beneficiary ?? input.purchaser;
    const plan = offer.plans.find((p) => p.planId === input.planId);
    if (!plan || !canBuy(plan, beneficiary.tenantId)) {
      throw conflict('PlanNotAvailable', `The plan '${input.planId}' cannot be bought by tenant ${beneficiary.tenantId}.`);
    }
    const q = parseQuantity(input.quantity);
    let quantity: number | undefined;
    if (isPerUser(plan)) {
      const { min, max } = seatRange(plan);
      if (q.kind !== 'value') throw bad('QuantityRequired', 'quantity is required for a per-seat plan.', '$.quantity');
      if (q.value < min || q.value > max) throw bad('QuantityOutOfRange', `quantity must be between ${min} and ${max}.`, '$.quantity');
      quantity = q.value;
    } else if (q.kind !== 'absent') throw bad('QuantityNotValidForPlan', 'The plan is not priced per seat; omit quantity.', '$.quantity');
    const term = input.termUnit === 'P1Y' ? 'annual' : 'monthly';
    if (plan.pricing && !plan.pricing.billingTerms[term]) {
      throw bad('TermNotAvailable', `The plan has no ${term} billing term.`, '$.termUnit');
    }
    const now = this.#now().toISOString();
    const csp = input.csp === true || beneficiary.tenantId !== input.purchaser.tenantId;
    // One free trial per customer tenant and offer: none once a subscription to the offer was ever activated
    // (paid, or a trial that started) [004:2589]; decision 0415 says why a used trial counts too.
    const isFreeTrial = plan.freeTrial && !(await this.#d.store.offerUsedBy(offer.publisherId, offer.offerId, beneficiary.tenantId));
    const expiryMs = this.#d.settings.pendingExpiryMs ?? 0;
    const sub: SubscriptionRecord = {
      id: randomUUID(),
      publisherId: offer.publisherId,
      offerId: offer.offerId,
      offerVersion: offer.version,
      name: input.name ?? `${offer.offerId} ${plan.planId}`,
      planId: plan.planId,
      ...(quantity !== undefined ? { quantity } : {}),
      beneficiary,
      purchaser: input.purchaser,
      allowedCustomerOperations: csp ? ['Read'] : ['Read', 'Update', 'Delete'],
      isFreeTrial,
      isTest: inPreviewAudience(offer, input.callerEmail),
      status: 'PendingFulfillmentStart',
      termUnit: input.termUnit,
      termIndex: 0,
      autoRenew: input.autoRenew ?? true,
      created: now,
      ...(expiryMs > 0 ? { pendingExpiresAt: new Date(Date.parse(now) + expiryMs).toISOString() } : {}),
      statusHistory: [{ status: 'PendingFulfillmentStart', at: now }],
      planHistory: [{ planId: plan.planId, ...(quantity !== undefined ? { quantity } : {}), from: now }],
    };
    await this.#d.store.createSubscription(sub);
    const token = await this.mintToken(sub);
    return { subscription: sub, token, landingPageUrl: await this.landingPageUrl(sub, token) };
  }

  /** A subscription the customer's tenant bought or benefits from; others see 404 (no existence leak). */
  async customerSubscription(tenantId: string, id: string): Promise<SubscriptionRecord> {
    const sub = (await this.#byId(id)).value;
    const tid = tenantId.toLowerCase();
    if (sub.purchaser.tenantId.toLowerCase() !== tid && sub.beneficiary.tenantId.toLowerCase() !== tid) throw notFound();
    return sub;
  }

  async setAutoRenew(tenantId: string, id: string, autoRenew: boolean): Promise<SubscriptionRecord> {
    const sub = await this.customerSubscription(tenantId, id);
    return this.#mutate(
      () => this.#owned(sub.publisherId, id),
      async ({ value, etag }) => {
        if (value.status === 'Unsubscribed') throw conflict('InvalidSubscriptionStatus', 'The subscription is Unsubscribed.');
        const next = { ...value, autoRenew };
        return { writes: value.autoRenew === autoRenew ? [] : [{ kind: 'subscription', value: next, etag }], result: next };
      },
    );
  }

  // ---- billing events (admin) and timers --------------------------------------------------------------------------

  async publisherOf(id: string): Promise<string> {
    return (await this.#byId(id)).value.publisherId;
  }

  /** A2 row 12: Subscribed → Suspended at once, then an inform-only `Suspend` webhook [004:25310]. */
  async suspend(id: string): Promise<OperationRecord> {
    const publisherId = await this.publisherOf(id);
    return this.#mutate(
      () => this.#owned(publisherId, id),
      async ({ value: sub, etag }) => {
        if (sub.status !== 'Subscribed') throw conflict('InvalidSubscriptionStatus', `A ${sub.status} subscription cannot be suspended.`);
        return this.#suspendWrites(sub, etag);
      },
    );
  }

  /** Suspension (payment failure, also at renewal [004:25331]): status, `Suspend` operation + webhook, ledger entry. */
  #suspendWrites(sub: SubscriptionRecord, etag: string): { writes: Write[]; result: OperationRecord } {
    const now = this.#now().toISOString();
    const suspended: SubscriptionRecord = { ...withStatus(sub, 'Suspended', now), suspendedAt: now };
    delete suspended.lockedBy; // a pending change no longer applies to a suspended subscription (completion fails it)
    const op = this.#operation(suspended, 'Suspend', 'Marketplace');
    const { sub: next, write } = this.#ledger(suspended, 'Suspended', { operationId: op.id });
    return { writes: [...this.#changeWrites(next, etag, op), write], result: op };
  }

  /**
   * A2 row 13: stays Suspended until the publisher's Success (or the ACK window) [004:25312-25323]. Reinstating means
   * the payment arrived, so an injected payment fault is cleared with it (decision 0417).
   */
  async reinstate(id: string): Promise<OperationRecord> {
    const publisherId = await this.publisherOf(id);
    return this.#mutate(
      () => this.#owned(publisherId, id),
      async ({ value: sub, etag }) => {
        if (sub.status !== 'Suspended') throw conflict('InvalidSubscriptionStatus', `A ${sub.status} subscription cannot be reinstated.`);
        if (sub.lockedBy) throw conflict('SubscriptionLocked', `Operation ${sub.lockedBy} is awaiting acknowledgement.`);
        const op = this.#operation(sub, 'Reinstate', 'Marketplace');
        const next: SubscriptionRecord = { ...sub, lockedBy: op.id };
        delete next.paymentFault;
        return { writes: this.#changeWrites(next, etag, op), result: op };
      },
    );
  }

  /**
   * End of the current term or trial (A2 rows 17–19, 26): without autoRenew the subscription is cancelled; a failing
   * payment suspends it (term not advanced); a trial converts (no operation, no webhook); otherwise it renews.
   * `force` (the admin's renew) runs it now; the timer (`force` false) only once the term has ended, so a due item
   * handled twice (two workers, a retried timer) renews once.
   */
  async renew(id: string, force = true): Promise<OperationRecord | undefined> {
    const publisherId = await this.publisherOf(id);
    return this.#mutate(
      () => this.#owned(publisherId, id),
      async ({ value: sub, etag }): Promise<{ writes: Write[]; result: OperationRecord | undefined }> => {
        const now = this.#now();
        const endsAt = termEndsAt(sub);
        if (sub.status !== 'Subscribed') {
          if (force) throw conflict('InvalidSubscriptionStatus', `A ${sub.status} subscription cannot be renewed.`);
          return { writes: [], result: undefined };
        }
        if (!force && (!endsAt || endsAt > now)) return { writes: [], result: undefined };
        if (!sub.autoRenew) return this.#unsubscribe(sub, etag, 'Marketplace');
        if (sub.paymentFault === 'fail') return this.#suspendWrites(sub, etag);
        if (sub.isFreeTrial) {
          // The new paid term starts where the trial ended (or now, when an operator ends the trial early).
          const converted = convertedTrial(sub, endsAt && endsAt <= now ? endsAt : now);
          const { sub: next, write } = this.#ledger(converted, 'TrialConverted');
          return { writes: [{ kind: 'subscription', value: next, etag }, write], result: undefined };
        }
        const renewed: SubscriptionRecord = { ...sub, termIndex: sub.termIndex + 1 };
        const op = this.#operation(renewed, 'Renew', 'Marketplace');
        const { sub: next, write } = this.#ledger(renewed, 'Renewed', { operationId: op.id });
        return { writes: [...this.#changeWrites(next, etag, op), write], result: op };
      },
    );
  }

  /** The 30-day grace period after suspension ends in cancellation (A2 row 16). */
  async expireSuspension(publisherId: string, id: string): Promise<void> {
    await this.#mutate(
      () => this.#owned(publisherId, id),
      async ({ value: sub, etag }) => {
        const ended = sub.suspendedAt !== undefined && Date.parse(sub.suspendedAt) + SUSPENSION_GRACE_MS <= this.#now().getTime();
        return sub.status === 'Suspended' && ended ? this.#unsubscribe(sub, etag, 'Marketplace') : { writes: [], result: undefined };
      },
    );
  }

  /** DEC-A33 with a timeout configured: a purchase never activated is cancelled, silently (no webhook [DEC-A31], no charge). */
  async expirePending(publisherId: string, id: string): Promise<void> {
    await this.#mutate(
      () => this.#owned(publisherId, id),
      async ({ value: sub, etag }) => {
        const expired = sub.pendingExpiresAt !== undefined && Date.parse(sub.pendingExpiresAt) <= this.#now().getTime();
        return sub.status === 'PendingFulfillmentStart' && expired
          ? this.#unsubscribe(sub, etag, 'Marketplace')
          : { writes: [], result: undefined };
      },
    );
  }

  /**
   * A subscription row whose due time (`subscriptionDueAt` in rules.ts) has passed: pending expiry, trial end, term
   * end, or the end of the suspension grace period. Idempotent and safe to call early (each step re-checks its time
   * under the row's ETag), so any due-work index may call it at least once per due subscription.
   */
  async subscriptionDue(publisherId: string, id: string): Promise<void> {
    const sub = await this.#d.store.getSubscription(publisherId, id);
    if (sub?.value.status === 'PendingFulfillmentStart') await this.expirePending(publisherId, id);
    else if (sub?.value.status === 'Subscribed') await this.renew(id, false);
    else if (sub?.value.status === 'Suspended') await this.expireSuspension(publisherId, id);
  }

  /**
   * Operator fault injection (C.10-94, decision 0417): `fail` makes every charge (renewal, trial conversion) fail
   * until cleared with `none` or by a reinstatement.
   */
  async setPaymentFault(id: string, payment: 'fail' | 'none'): Promise<SubscriptionRecord> {
    const publisherId = await this.publisherOf(id);
    return this.#mutate(
      () => this.#owned(publisherId, id),
      async ({ value, etag }) => {
        const next: SubscriptionRecord = { ...value };
        if (payment === 'fail') next.paymentFault = 'fail';
        else delete next.paymentFault;
        const same = (value.paymentFault ?? 'none') === payment;
        return { writes: same ? [] : [{ kind: 'subscription', value: next, etag }], result: next };
      },
    );
  }

  /** The billing ledger of a subscription (A3), oldest first. */
  async ledger(id: string): Promise<{ subscription: SubscriptionRecord; entries: LedgerEntry[] }> {
    const { value: subscription } = await this.#byId(id);
    const entries = await this.#d.store.listLedger(subscription.publisherId, id);
    return { subscription, entries: entries.sort((a, b) => a.seq - b.seq) };
  }

  /** The ACK window closed without an answer: the change succeeds [004:25276]. */
  async ackTimeout(publisherId: string, operationId: string): Promise<void> {
    const op = await this.#d.store.getOperation(publisherId, operationId);
    if (!op?.value.ackDeadline || Date.parse(op.value.ackDeadline) > this.#now().getTime()) return;
    await this.#complete(publisherId, operationId, 'Succeeded');
  }

  /** Webhook retries exhausted: an ACK-requiring marketplace change fails and the subscription is unchanged [DEC-A29]. */
  async deliveryFailed(publisherId: string, operationId: string): Promise<void> {
    const op = await this.#d.store.getOperation(publisherId, operationId);
    if (!op || op.value.source !== 'Marketplace') return;
    await this.#complete(publisherId, operationId, 'Failed', {
      errorStatusCode: 'WebhookDeliveryFailed',
      errorMessage: 'The webhook was never accepted.',
    });
  }

  /** The first accepted webhook starts the ACK window of a marketplace-initiated change (decision 0400). */
  async startAckWindow(publisherId: string, operationId: string, at: Date): Promise<void> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
      const stored = await this.#d.store.getOperation(publisherId, operationId);
      if (!stored || stored.value.status !== 'InProgress' || stored.value.ackDeadline) return;
      const next = { ...stored.value, ackDeadline: new Date(at.getTime() + this.#d.settings.ackWindowMs).toISOString() };
      if ((await this.#d.store.commit(publisherId, [{ kind: 'operation', value: next, etag: stored.etag }])) === 'ok') return;
    }
  }

  /** Rows due at `now` (the timer calls this): pending expiry, trial and term ends, grace periods, ACK windows. */
  async runDueTimers(): Promise<number> {
    const now = this.#now();
    let done = 0;
    for (const item of await this.#d.store.listDue(now)) {
      if (item.kind === 'operation') await this.ackTimeout(item.publisherId, item.id);
      else if (item.kind === 'subscription') await this.subscriptionDue(item.publisherId, item.id);
      else continue;
      done += 1;
    }
    return done;
  }

  /** For metering: the subscription record with its plan and status history (undefined when unknown). */
  async getSubscriptionRecord(id: string): Promise<SubscriptionRecord | undefined> {
    const owner = await this.#d.store.ownerOf(id);
    return owner !== undefined ? (await this.#d.store.getSubscription(owner, id))?.value : undefined;
  }

  assertPublisher(principalPublisher: string, publisherId: string): void {
    if (principalPublisher !== publisherId) throw new ForbiddenError('A publisher sees only its own deliveries.');
  }
}
