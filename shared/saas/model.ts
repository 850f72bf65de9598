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

export interface AadIdentity {
  emailId: string;
  objectId: string;
  tenantId: string;
  pid: string;
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

export interface Stored<T> {
  value: T;
  etag: string;
}

export const ACK_ACTIONS: readonly OperationAction[] = ['ChangePlan', 'ChangeQuantity', 'Reinstate'];
