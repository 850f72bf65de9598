/**
 * The documented JSON of SaaS records: the fulfillment API's Subscription, resolve and Operation resources (A1.2,
 * with the contract's formats), the storefront's purchase answer, and the operator's ledger and delivery log.
 */
import type { LedgerEntry, OperationRecord, SubscriptionRecord } from '../model';
import { currentTerm } from '../rules/lifecycle';
import type { DeliveryLog } from '../service/webhook-delivery';
import type { Purchased } from '../service/storefront';

function isoNoMillis(date: string): string {
  return `${date}T00:00:00Z`;
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
    beneficiary: sub.beneficiary,
    purchaser: sub.purchaser,
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
