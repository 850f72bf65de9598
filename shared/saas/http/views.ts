/**
 * The documented JSON of SaaS records: the fulfillment API's Subscription, resolve and Operation resources (A1.2,
 * with the contract's formats), the storefront's purchase answer, and the operator's ledger and delivery log.
 */
import type { LiveDimension, LivePlan } from '../../catalog/ports';
import type { AadIdentity, LedgerEntry, OperationRecord, SubscriptionRecord } from '../model';
import { isPerUser, seatRange } from '../rules/plans';
import { requestSource } from '../rules/delivery';
import { currentTerm } from '../rules/lifecycle';
import type { DeliveryLog } from '../service/webhook-delivery';
import type { Purchased } from '../service/storefront';

function isoNoMillis(date: string): string {
  return `${date}T00:00:00Z`;
}

/** An `AadIdentifier`; a row stored before decision 0422 has `pid` where the contract says `puid`. */
function identityView(identity: AadIdentity) {
  const { emailId, objectId, tenantId } = identity;
  return { emailId, objectId, tenantId, puid: identity.puid ?? (identity as { pid?: string }).pid ?? '' };
}

/** The Subscription resource (A1.2) with contract formats: date-time term dates, omitted while pending. */
export function subscriptionView(sub: SubscriptionRecord) {
  const dates = sub.status !== 'PendingFulfillmentStart' ? currentTerm(sub) : undefined;
  return {
    id: sub.id,
    name: sub.name,
    publisherId: sub.publisherId,
    offerId: sub.offerId,
    planId: sub.planId,
    ...(sub.quantity !== undefined ? { quantity: sub.quantity } : {}),
    beneficiary: identityView(sub.beneficiary),
    purchaser: identityView(sub.purchaser),
    allowedCustomerOperations: sub.allowedCustomerOperations,
    sessionMode: 'None' as const,
    isFreeTrial: sub.isFreeTrial,
    isTest: sub.isTest,
    sandboxType: 'None' as const,
    saasSubscriptionStatus: sub.status,
    term: {
      termUnit: sub.termUnit,
      ...(dates ? { startDate: isoNoMillis(dates.startDate), endDate: isoNoMillis(dates.endDate) } : {}),
    },
    autoRenew: sub.autoRenew,
    created: sub.created,
  };
}

export function resolveView(sub: SubscriptionRecord) {
  return {
    id: sub.id,
    subscriptionName: sub.name,
    offerId: sub.offerId,
    planId: sub.planId,
    ...(sub.quantity !== undefined ? { quantity: sub.quantity } : {}),
    subscription: subscriptionView(sub),
  };
}

export function operationView(op: OperationRecord) {
  return {
    id: op.id,
    activityId: op.activityId,
    subscriptionId: op.subscriptionId,
    offerId: op.offerId,
    publisherId: op.publisherId,
    planId: op.planId,
    ...(op.quantity !== undefined ? { quantity: op.quantity } : {}),
    action: op.action,
    timeStamp: op.timeStamp,
    status: op.status,
    errorStatusCode: op.errorStatusCode,
    errorMessage: op.errorMessage,
    operationRequestSource: requestSource(op.source),
  };
}

const TERMS = [
  { key: 'monthly', termUnit: 'P1M', termDescription: '1 month', included: 'includedQuantityMonthly' },
  { key: 'annual', termUnit: 'P1Y', termDescription: '1 year', included: 'includedQuantityAnnual' },
] as const;

/** Units included per term: a whole number as a string (the contract's type), or "Unlimited" for ∞ [L16008]. */
function includedUnits(dimensions: LiveDimension[], term: (typeof TERMS)[number]) {
  return dimensions.flatMap((d) => {
    const units = d[term.included];
    if (units === undefined || units === 0) return [];
    return [{ dimensionId: d.id, units: units === 'unlimited' ? 'Unlimited' : String(units) }];
  });
}

/**
 * One entry of `listAvailablePlans` (the contract's `Plan`, saasapi.v2.json): every field the live plan has data for.
 * Prices are in USD, the catalog's currency; a per-seat plan's price is per seat, and it says its seat range. The
 * market is the plan's first market (the API has no customer market to choose by).
 */
export function planView(plan: LivePlan) {
  const pricing = plan.pricing;
  const dimensions = (pricing?.dimensions ?? []).filter((d) => d.enabled);
  const perSeat = isPerUser(plan);
  const range = perSeat ? seatRange(plan) : undefined;
  return {
    planId: plan.planId,
    displayName: plan.name ?? plan.planId,
    ...(plan.description !== undefined ? { description: plan.description } : {}),
    isPrivate: plan.visibility === 'private',
    isStopSell: plan.stopSell,
    isPricePerSeat: perSeat,
    ...(range ? { minQuantity: range.min, maxQuantity: range.max } : {}),
    hasFreeTrials: plan.freeTrial,
    ...(plan.markets[0] !== undefined ? { market: plan.markets[0] } : {}),
    ...(pricing
      ? {
          planComponents: {
            recurrentBillingTerms: TERMS.flatMap((term) => {
              const price = pricing.billingTerms[term.key];
              if (!price) return [];
              const included = includedUnits(dimensions, term);
              return [
                {
                  currency: 'USD',
                  price: price.priceUSD,
                  termUnit: term.termUnit,
                  termDescription: term.termDescription,
                  ...(included.length > 0 ? { meteredQuantityIncluded: included } : {}),
                },
              ];
            }),
            meteringDimensions: dimensions.map((d) => ({
              id: d.id,
              currency: 'USD',
              ...(d.pricePerUnitUSD !== undefined ? { pricePerUnit: d.pricePerUnitUSD } : {}),
              ...(d.unitOfMeasure !== undefined ? { unitOfMeasure: d.unitOfMeasure } : {}),
              ...(d.displayName !== undefined ? { displayName: d.displayName } : {}),
            })),
          },
        }
      : {}),
  };
}

/** The storefront's purchase and token answers: the subscription, its purchase token and the landing page with it. */
export function purchasedView(p: Purchased) {
  return { subscriptionId: p.subscription.id, purchaseToken: p.token, landingPageUrl: p.landingPageUrl };
}

export function ledgerView({ subscription, entries }: { subscription: SubscriptionRecord; entries: LedgerEntry[] }) {
  return { subscriptionId: subscription.id, isTest: subscription.isTest, entries };
}

export function paymentFaultView(sub: SubscriptionRecord) {
  return { subscriptionId: sub.id, payment: sub.paymentFault ?? 'none' };
}

/** One webhook in the publisher's delivery log. */
export function deliveryView({ row, attempts }: DeliveryLog) {
  return {
    id: row.operationId,
    subscriptionId: row.subscriptionId,
    action: row.payload.action,
    state: row.state,
    attempts,
    nextAttemptAt: row.state === 'pending' ? row.nextAttemptAt : null,
    firstDeliveredAt: row.firstDeliveredAt ?? null,
    payload: row.payload,
  };
}

/** The answer to a redelivery: the row owed again. */
export function redeliveryView(row: { operationId: string; state: string; nextAttemptAt: string }) {
  return { id: row.operationId, state: row.state, nextAttemptAt: row.nextAttemptAt };
}
