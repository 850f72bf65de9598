/**
 * The customer side (architecture.md, Storefront and admin routes; the spec's `/_sim` A3 routes): purchase, a fresh
 * purchase token and landing page, customer-initiated plan/quantity changes and cancellation, and auto-renew. A
 * customer reaches only subscriptions its tenant bought or benefits from; others are 404 (no existence leak).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { ForbiddenError } from '../../errors';
import type { AadIdentity, Change, OperationRecord, SubscriptionRecord, TermUnit } from '../model';
import { bad, conflict, notFound } from '../rules/errors';
import { isPerUser, parseQuantity, seatRange } from '../rules/plans';
import { mayBuyPlan, saleOf, type PurchaseSlot } from '../rules/purchase';
import type { SubscriptionChanges } from './changes';
import { hashToken, type SaasCore } from './internal';

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
  /** `preview` buys the offer's preview version, for its preview audience only (decision 0605); default `production`. */
  slot?: PurchaseSlot;
}

/** The signed-in customer, from the token. */
export interface Customer {
  tenantId: string;
  userId: string;
  email?: string;
}

/** A purchase as the customer asks for it: the purchaser defaults to the caller. */
export type PurchaseRequest = Omit<PurchaseInput, 'purchaser' | 'callerEmail'> & { purchaser?: AadIdentity };

export interface Purchased {
  subscription: SubscriptionRecord;
  token: string;
  landingPageUrl: string;
}

function callerIdentity(c: Customer): AadIdentity {
  return { emailId: c.email ?? `${c.userId}@${c.tenantId}.invalid`, objectId: c.userId, tenantId: c.tenantId, puid: c.userId };
}

export class Storefront {
  readonly #core: SaasCore;
  readonly #changes: SubscriptionChanges;

  constructor(core: SaasCore, changes: SubscriptionChanges) {
    this.#core = core;
    this.#changes = changes;
  }

  /** The customer's purchase: a purchaser named in the body must be in the caller's tenant. */
  purchaseAs(customer: Customer, request: PurchaseRequest): Promise<Purchased> {
    if (request.purchaser && request.purchaser.tenantId.toLowerCase() !== customer.tenantId.toLowerCase()) {
      throw new ForbiddenError('The purchaser must be in the caller’s tenant.');
    }
    return this.purchase({
      ...request,
      purchaser: request.purchaser ?? callerIdentity(customer),
      // The signed-in buyer, never the body: only a preview-audience member's own purchase is a test [DEC-A34].
      ...(customer.email ? { callerEmail: customer.email } : {}),
    });
  }

  async purchase(input: PurchaseInput): Promise<Purchased> {
    const core = this.#core;
    const slot = input.slot ?? 'production';
    const sale = saleOf(
      slot,
      slot === 'preview'
        ? await core.catalog.getPreviewOffer(input.publisherId, input.offerId)
        : await core.catalog.getLiveOffer(input.publisherId, input.offerId),
      input.callerEmail,
    );
    if (!sale) throw notFound('offer');
    const { offer } = sale;
    const beneficiary = input.beneficiary ?? input.purchaser;
    const plan = offer.plans.find((p) => p.planId === input.planId);
    if (!plan || !mayBuyPlan(plan, beneficiary.tenantId, slot)) {
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
    const now = core.now().toISOString();
    const csp = input.csp === true || beneficiary.tenantId !== input.purchaser.tenantId;
    // One free trial per customer tenant and offer: none once a subscription to the offer was ever activated
    // (paid, or a trial that started) [004:2589]; decision 0415 says why a used trial counts too.
    const isFreeTrial = plan.freeTrial && !(await core.store.offerUsedBy(offer.publisherId, offer.offerId, beneficiary.tenantId));
    const expiryMs = core.settings.pendingExpiryMs ?? 0;
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
      isTest: sale.isTest,
      status: 'PendingFulfillmentStart',
      termUnit: input.termUnit,
      termIndex: 0,
      autoRenew: input.autoRenew ?? true,
      created: now,
      ...(expiryMs > 0 ? { pendingExpiresAt: new Date(Date.parse(now) + expiryMs).toISOString() } : {}),
      statusHistory: [{ status: 'PendingFulfillmentStart', at: now }],
      planHistory: [{ planId: plan.planId, ...(quantity !== undefined ? { quantity } : {}), from: now }],
    };
    // The purchase's Get-it-now lead is stored first, keyed by the subscription id (decision 0501): an answered
    // purchase never lacks its lead, and a failure here leaves nothing written.
    await core.leads?.purchased({
      publisherId: sub.publisherId,
      offerId: sub.offerId,
      planId: sub.planId,
      subscriptionId: sub.id,
      email: input.purchaser.emailId,
      at: now,
    });
    await core.store.createSubscription(sub);
    const token = await this.mintToken(sub);
    return { subscription: sub, token, landingPageUrl: await this.landingPageUrl(sub, token) };
  }

  /** A fresh purchase token for one of the customer's subscriptions, with its landing page. */
  async token(tenantId: string, id: string): Promise<Purchased> {
    const subscription = await this.customerSubscription(tenantId, id);
    const token = await this.mintToken(subscription);
    return { subscription, token, landingPageUrl: await this.landingPageUrl(subscription, token) };
  }

  async mintToken(sub: SubscriptionRecord): Promise<string> {
    // Opaque and unguessable; only its hash is stored. Contains '+' and '/' as real tokens do (C.2-13).
    const token = randomBytes(48).toString('base64');
    const expiresAt = new Date(this.#core.now().getTime() + this.#core.settings.purchaseTokenTtlMs).toISOString();
    await this.#core.store.putToken(hashToken(token), { subscriptionId: sub.id, publisherId: sub.publisherId, expiresAt });
    return token;
  }

  async landingPageUrl(sub: SubscriptionRecord, token: string): Promise<string> {
    const offer = await this.#core.offerOf(sub);
    const base = offer.saas?.landingPageUrl ?? '';
    return `${base}${base.includes('?') ? '&' : '?'}token=${encodeURIComponent(token)}`;
  }

  /** A subscription the customer's tenant bought or benefits from; others see 404 (no existence leak). */
  async customerSubscription(tenantId: string, id: string): Promise<SubscriptionRecord> {
    const sub = (await this.#core.byId(id)).value;
    const tid = tenantId.toLowerCase();
    if (sub.purchaser.tenantId.toLowerCase() !== tid && sub.beneficiary.tenantId.toLowerCase() !== tid) throw notFound();
    return sub;
  }

  /** A customer-initiated plan or quantity change: waits for the ISV's acknowledgement like any marketplace change. */
  async change(tenantId: string, id: string, change: Change): Promise<OperationRecord> {
    const sub = await this.customerSubscription(tenantId, id);
    return this.#changes.change(sub.publisherId, sub.id, change, 'Marketplace');
  }

  async cancel(tenantId: string, id: string): Promise<OperationRecord> {
    const sub = await this.customerSubscription(tenantId, id);
    return this.#changes.cancel(sub.publisherId, sub.id, 'Marketplace');
  }

  async setAutoRenew(tenantId: string, id: string, autoRenew: boolean): Promise<SubscriptionRecord> {
    const sub = await this.customerSubscription(tenantId, id);
    const core = this.#core;
    return core.mutate(
      () => core.owned(sub.publisherId, id),
      async ({ value, etag }) => {
        if (value.status === 'Unsubscribed') throw conflict('InvalidSubscriptionStatus', 'The subscription is Unsubscribed.');
        const next = { ...value, autoRenew };
        return { writes: value.autoRenew === autoRenew ? [] : [{ kind: 'subscription', value: next, etag }], result: next };
      },
    );
  }
}
