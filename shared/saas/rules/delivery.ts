/**
 * Pure rules of webhook delivery (decision 0411): the webhook body and its outbox row, the generations of a
 * redelivered row, the retry schedule, and the names and inputs of the delivery orchestration
 * (functions/saas-webhook-delivery.ts). The names are persisted in users' task hubs: they never change.
 *
 * The schedule is fixed from the first attempt: attempt n+1 is due `retryDelayMs(n)` after attempt n was due, and
 * the delivery ends after `maxAttempts` attempts or when the next one would fall outside `retryPeriodMs`. An attempt
 * whose time has already passed (a host outage, a moved test clock) runs at once, so advancing the clock by 8 h
 * drains the whole schedule: 500 attempts by default, as "500 retries over 8 hours" [004:26167].
 */
import type { OperationRecord, OutboxRecord, WebhookPayload } from '../model';

export const DELIVERY_ORCHESTRATION = 'saas-webhook-delivery';
export const DELIVERY_ACTIVITIES = {
  attempt: 'saas-webhook-attempt',
  settle: 'saas-webhook-settle',
  ackTimeout: 'saas-webhook-ack-timeout',
} as const;

/** Attempts per execution before continue-as-new, so the history (and each replay) stays small. */
export const ATTEMPTS_PER_EXECUTION = 50;

/**
 * Who started an operation, as Microsoft's current operation and webhook bodies say it: `Partner` for the ISV's own
 * changes through the fulfillment API, `Azure` for the customer's, the billing system's and the timers' (issue 23).
 */
export function requestSource(source: OperationRecord['source']): 'Partner' | 'Azure' {
  return source === 'Publisher' ? 'Partner' : 'Azure';
}

/**
 * The webhook body [004:26173-26184]: `InProgress` for ACK-requiring actions, `Success` otherwise [DEC-A30], and who
 * started it. Delivery adds the subscription as it is when sent (decision 0411).
 */
export function webhookPayload(op: OperationRecord, at: string): WebhookPayload {
  return {
    id: op.id,
    activityId: op.activityId,
    subscriptionId: op.subscriptionId,
    publisherId: op.publisherId,
    offerId: op.offerId,
    planId: op.planId,
    ...(op.quantity !== undefined ? { quantity: op.quantity } : {}),
    timeStamp: at,
    action: op.action,
    status: op.ackRequired ? 'InProgress' : 'Success',
    operationRequestSource: requestSource(op.source),
  };
}

/** The outbox row of an operation that notifies the ISV: owed from `at`, written in the change's transaction. */
export function outboxRecord(op: OperationRecord, at: string): OutboxRecord {
  return {
    operationId: op.id,
    subscriptionId: op.subscriptionId,
    publisherId: op.publisherId,
    payload: webhookPayload(op, at),
    state: 'pending',
    attempts: 0,
    nextAttemptAt: at,
    createdAt: at,
  };
}

/**
 * The outbox row as delivery sees it: `generation` counts the publisher's redeliveries (absent = 0). Each
 * generation has its own orchestration; an older one stops at its next step. Stored in the row's JSON, so the
 * record type of model.ts needs no change.
 */
export type OutboxRow = OutboxRecord & { generation?: number };

export function generationOf(row: OutboxRecord): number {
  return 'generation' in row && typeof row.generation === 'number' ? row.generation : 0;
}

export interface DeliveryRef {
  publisherId: string;
  operationId: string;
  generation: number;
}

export type AttemptOutcome = { kind: 'accepted'; at: string } | { kind: 'rejected' } | { kind: 'stop' };

export interface DeliveryInput extends DeliveryRef {
  maxAttempts: number;
  retryPeriodMs: number;
  /** Carried over by continue-as-new: attempts made, when attempt 1 was due, when the next one is due. */
  attempts?: number;
  firstAt?: string;
  nextAt?: string;
}

export type DeliveryResult = 'delivered' | 'failed' | 'stopped' | 'continued';

export interface AttemptInput {
  ref: DeliveryRef;
  retryAt: string | null;
}

export interface SettleInput {
  ref: DeliveryRef;
  outcome: 'delivered' | 'failed';
  at: string;
}

/** Exponential from 1 s, capped at the even spacing of maxAttempts over the retry period (500 over 8 h ≈ 58 s). */
export function retryDelayMs(attempt: number, retryPeriodMs: number, maxAttempts: number): number {
  return Math.min(1000 * 2 ** Math.max(0, attempt - 1), Math.max(1000, Math.floor(retryPeriodMs / maxAttempts)));
}

/** When the attempt after attempt `n` (due at `dueAt`) is due, or undefined when the delivery has run its course. */
export function followingAttempt(input: DeliveryInput, n: number, dueAt: string, firstAt: string): string | undefined {
  if (n >= input.maxAttempts) return undefined;
  const next = Date.parse(dueAt) + retryDelayMs(n, input.retryPeriodMs, input.maxAttempts);
  return next - Date.parse(firstAt) > input.retryPeriodMs ? undefined : new Date(next).toISOString();
}

/** One orchestration instance per delivery generation; the id is derived, so starting it twice is one instance. */
export function deliveryInstanceId(operationId: string, generation = 0): string {
  return generation > 0 ? `saas-webhook-${operationId}-r${generation}` : `saas-webhook-${operationId}`;
}
