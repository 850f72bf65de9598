/** Storage port of the SaaS capability. Adapters return `undefined` for "not found"; the service decides. */
import type { LedgerEntry, OperationRecord, OutboxRecord, Stored, SubscriptionRecord } from './model';

/** One row of a transaction: create when `etag` is absent (insert-only), otherwise replace with If-Match. */
export type Write =
  | { kind: 'subscription'; value: SubscriptionRecord; etag?: string }
  | { kind: 'operation'; value: OperationRecord; etag?: string }
  | { kind: 'outbox'; value: OutboxRecord; etag?: string }
  /** Billing ledger rows are insert-only and always ride in the transaction of the change they record. */
  | { kind: 'ledger'; value: LedgerEntry; etag?: undefined };

export interface DeliveryAttempt {
  operationId: string;
  attempt: number;
  at: string;
  url: string;
  status: number | null;
  outcome: 'accepted' | 'rejected' | 'error' | 'refused';
  excerpt: string;
  durationMs: number;
}

export interface PurchaseToken {
  subscriptionId: string;
  publisherId: string;
  expiresAt: string;
}

export type DueItem = { kind: Exclude<Write['kind'], 'ledger'>; publisherId: string; id: string };

export interface SubscriptionStore {
  getSubscription(publisherId: string, id: string): Promise<Stored<SubscriptionRecord> | undefined>;
  /** The owning publisher of any subscription id (to tell 403 from 404). */
  ownerOf(id: string): Promise<string | undefined>;
  /** Insert-only. */
  createSubscription(sub: SubscriptionRecord): Promise<Stored<SubscriptionRecord>>;
  listSubscriptions(publisherId: string, pageSize: number, continuation?: string): Promise<{ items: SubscriptionRecord[]; next?: string }>;
  /**
   * The subscriptions a tenant bought or benefits from, newest first (decision 1003): `next` is the key to pass as
   * `after` for the following page, absent on the last page.
   */
  listTenantSubscriptions(tenantId: string, pageSize: number, after?: string): Promise<{ items: SubscriptionRecord[]; next?: string }>;
  /** All rows in one partition transaction: every If-Match must hold and every create must be new, or nothing is written. */
  commit(publisherId: string, writes: Write[]): Promise<'ok' | 'conflict'>;
  getOperation(publisherId: string, id: string): Promise<Stored<OperationRecord> | undefined>;
  listOperations(publisherId: string, subscriptionId: string): Promise<OperationRecord[]>;
  getOutbox(publisherId: string, operationId: string): Promise<Stored<OutboxRecord> | undefined>;
  listOutbox(publisherId: string): Promise<OutboxRecord[]>;
  /** Insert-only, one row per attempt. */
  recordAttempt(publisherId: string, attempt: DeliveryAttempt): Promise<void>;
  listAttempts(publisherId: string, operationId?: string): Promise<DeliveryAttempt[]>;
  putToken(hash: string, token: PurchaseToken): Promise<void>;
  getToken(hash: string): Promise<PurchaseToken | undefined>;
  /** The billing ledger of one subscription, in sequence order. */
  listLedger(publisherId: string, subscriptionId: string): Promise<LedgerEntry[]>;
  /** Whether the tenant (as beneficiary) has ever had a subscription to the offer activated (trial or paid). */
  offerUsedBy(publisherId: string, offerId: string, tenantId: string): Promise<boolean>;
  /** Rows whose due time has passed: subscription timers, ACK windows, pending webhooks. */
  listDue(now: Date): Promise<DueItem[]>;
}

/**
 * The Get-it-now lead a purchase produces (the leads capability; decision 0501). Called before the subscription is
 * written, keyed by the subscription id, so a purchase that is answered has its lead stored; it fails only when the
 * lead could not be stored (the purchase then fails before anything is written, and the customer retries).
 */
export interface PurchaseLeads {
  purchased(purchase: { publisherId: string; offerId: string; planId: string; subscriptionId: string; email: string; at: string }): Promise<void>;
}
