/**
 * SaaS fulfillment v2 resources (specs/saas-licensing.md A1.2) and the records we store for them. The API shapes are
 * the spec's normative TypeScript shapes, adjusted where the contract (saasapi.v2.json) wins on format: term dates
 * are `date-time` strings and are omitted (not `null`) while the subscription is pending.
 */
export type SaasStatus = 'PendingFulfillmentStart' | 'Subscribed' | 'Suspended' | 'Unsubscribed';
export type CustomerOp = 'Read' | 'Update' | 'Delete';
export type TermUnit = 'P1M' | 'P1Y';
export type OperationAction = 'ChangePlan' | 'ChangeQuantity' | 'Reinstate' | 'Suspend' | 'Unsubscribe' | 'Renew';
export type OperationStatus = 'NotStarted' | 'InProgress' | 'Succeeded' | 'Failed' | 'Conflict';

/**
 * The contract's `AadIdentifier` (saasapi.v2.json): `puid`, which the seed's samples spell `pid` [004:25402]; the
 * contract wins (decision 0422). Rows stored before that carry `pid` (see `identityView`).
 */
export interface AadIdentity {
  emailId: string;
  objectId: string;
  tenantId: string;
  puid: string;
}

/** What we store for a subscription. Plan and status history are kept for metering (plan at a given time). */
export interface SubscriptionRecord {
  id: string;
  publisherId: string;
  offerId: string;
  /** The frozen catalog version the customer bought (never the draft). */
  offerVersion: number;
  name: string;
  planId: string;
  /** Absent for flat-rate plans [DEC-A5]. */
  quantity?: number;
  beneficiary: AadIdentity;
  purchaser: AadIdentity;
  allowedCustomerOperations: CustomerOp[];
  isFreeTrial: boolean;
  isTest: boolean;
  status: SaasStatus;
  termUnit: TermUnit;
  /** Activation date (UTC, YYYY-MM-DD): the anchor of every term [DEC-A8]. */
  activatedOn?: string;
  /** Index of the current term (0 = first). */
  termIndex: number;
  autoRenew: boolean;
  created: string;
  /** The ACK-requiring operation in progress, if any: plan/quantity changes are refused meanwhile [DEC-A21]. */
  lockedBy?: string;
  suspendedAt?: string;
  /**
   * When billing started (activation of a paid plan, or trial conversion): the free-cancellation window runs from
   * here [004:25894-25897], and its presence means the customer has paid for the offer (no second trial [004:2589]).
   */
  paidSince?: string;
  /** Re-anchors the terms at trial conversion (YYYY-MM-DD); absent = `activatedOn` [DEC-A8]. */
  termAnchor?: string;
  /** Number of ledger entries written so far: the next entry's sequence number (absent = 0). */
  ledgerSeq?: number;
  /** Operator-injected fault: the next charge (renewal, trial conversion) fails → Suspended (C.10-94, decision 0417). */
  paymentFault?: 'fail';
  /** A PendingFulfillmentStart subscription not activated by then is cancelled (DEC-A33; absent = never). */
  pendingExpiresAt?: string;
  statusHistory: { status: SaasStatus; at: string }[];
  planHistory: { planId: string; quantity?: number; from: string }[];
}

export interface OperationRecord {
  id: string;
  activityId: string;
  subscriptionId: string;
  offerId: string;
  publisherId: string;
  planId: string;
  quantity?: number;
  action: OperationAction;
  timeStamp: string;
  status: OperationStatus;
  errorStatusCode: string;
  errorMessage: string;
  /** Internal: who started it and whether it waits for the publisher's PATCH. Never serialised. */
  source: 'Publisher' | 'Marketplace';
  ackRequired: boolean;
  /** Internal: whether the target plan of a ChangePlan has a free trial (a switch to a plan without one converts). */
  targetHasTrial?: boolean;
  /** When the acknowledgement window closes (set on the first accepted webhook, or at creation for ISV changes). */
  ackDeadline?: string;
}

export interface WebhookPayload {
  id: string;
  activityId: string;
  subscriptionId: string;
  publisherId: string;
  offerId: string;
  planId: string;
  quantity?: number;
  timeStamp: string;
  action: OperationAction;
  status: 'InProgress' | 'Success';
  /** Who started the operation (Microsoft's current webhook body); absent in rows written before issue 23. */
  operationRequestSource?: 'Azure' | 'Partner';
}

/** One webhook to deliver, written in the same transaction as the state change (the outbox). */
export interface OutboxRecord {
  operationId: string;
  subscriptionId: string;
  publisherId: string;
  payload: WebhookPayload;
  state: 'pending' | 'delivered' | 'failed';
  attempts: number;
  nextAttemptAt: string;
  createdAt: string;
  firstDeliveredAt?: string;
}

export type LedgerEvent =
  'Activated' | 'Renewed' | 'PlanChanged' | 'QuantityChanged' | 'Suspended' | 'Reinstated' | 'Cancelled' | 'TrialConverted';

/**
 * One billing-ledger row (specs/saas-licensing.md A3): insert-only, written in the same transaction as the state
 * change it records. Events only, no amounts (D.A, last row).
 */
export interface LedgerEntry {
  subscriptionId: string;
  /** 0, 1, 2, … per subscription, in commit order. */
  seq: number;
  event: LedgerEvent;
  at: string;
  publisherId: string;
  offerId: string;
  planId: string;
  quantity?: number;
  termUnit: TermUnit;
  /** False for test purchases (isTest [DEC-A34]) and for anything that happens during a free trial. */
  billable: boolean;
  /** Cancelled only: whether the customer is charged (outside the 24 h / 14 d free-cancellation window). */
  charged?: boolean;
  /** The operation the entry belongs to, when there is one. */
  operationId?: string;
}

export interface Stored<T> {
  value: T;
  etag: string;
}

export const ACK_ACTIONS: readonly OperationAction[] = ['ChangePlan', 'ChangeQuantity', 'Reinstate'];

/** Who started a change: the ISV through the fulfillment API, or the marketplace (customer, operator, timers). */
export type Initiator = 'Publisher' | 'Marketplace';
/** A plan or a quantity change, never both [004:25815]. */
export type Change = { planId: string } | { quantity: number };
