/**
 * Webhooks to the ISV (decision 0411). The outbox row, written in the same transaction as the state change, is the
 * durable record that a webhook is owed; a durable orchestration per row (functions/saas-webhook-delivery.ts)
 * delivers it. This use case holds what the orchestration's activities do: one attempt (claim, POST through the one
 * outbound client, record), settling the row (ACK window or WebhookDeliveryFailed), closing the ACK window; and the
 * publisher's side: the list of deliveries with their attempts, and redelivery.
 * At-least-once: an activity that is run again after a crash sends again; the operation id is the idempotency key.
 */
import { randomUUID } from 'node:crypto';
import { ForbiddenError, NotFoundError } from '../../errors';
import type { OutboundClient } from '../../outbound/client';
import type { OutboxRecord, Stored, SubscriptionRecord } from '../model';
import type { DeliveryAttempt } from '../ports';
import { generationOf, type AttemptOutcome, type DeliveryRef, type OutboxRow } from '../rules/delivery';
import { MAX_ATTEMPTS, type SaasCore } from './internal';
import { closeAckWindow, complete } from './transitions';

/** Crash point (CRASH_AT) of the delivery path, for the restart tests. */
export const FAULT_BEFORE_SEND = 'saas.webhook.before-send';

export interface DeliveryDeps {
  core: SaasCore;
  client: OutboundClient;
  /**
   * A bearer token from this system's issuer for the ISV: audience = the offer's Entra app id, issued in the offer's
   * Entra tenant, the marketplace API as the calling app (issue 23; README "Verify the webhook's token").
   */
  bearerFor: (isv: { appId: string; tenantId: string }) => Promise<string>;
  /** The subscription as the webhook body carries it (the fulfillment API's Subscription resource). */
  subscriptionBody?: (subscription: SubscriptionRecord) => unknown;
  /** Hands a row owed again to its orchestration (the starter's hand-over); absent = the sweeper starts it. */
  handoff?: (row: OutboxRow) => Promise<void>;
}

/** One outbox row with the attempts made so far, as the publisher's delivery log shows it. */
export interface DeliveryLog {
  row: OutboxRecord;
  attempts: DeliveryAttempt[];
}

const CAS_TRIES = 10;

export class WebhookDelivery {
  readonly #d: DeliveryDeps;

  constructor(deps: DeliveryDeps) {
    this.#d = deps;
  }

  /** The row if this generation still owns it and it is still owed. */
  async #owned(ref: DeliveryRef): Promise<Stored<OutboxRecord> | undefined> {
    const row = await this.#d.core.store.getOutbox(ref.publisherId, ref.operationId);
    if (!row || row.value.state !== 'pending' || generationOf(row.value) !== ref.generation) return undefined;
    return row;
  }

  /** Replaces the outbox row through `next` (If-Match) until it commits; `next` returning undefined stops. */
  async #update(publisherId: string, read: () => Promise<Stored<OutboxRecord> | undefined>, next: (row: OutboxRecord) => OutboxRow) {
    for (let i = 0; i < CAS_TRIES; i += 1) {
      const row = await read();
      if (!row) return undefined;
      const value = next(row.value);
      if ((await this.#d.core.store.commit(publisherId, [{ kind: 'outbox', value, etag: row.etag }])) === 'ok') return value;
    }
    return undefined;
  }

  /**
   * One attempt: claims the next attempt number on the row (If-Match, so attempt records never collide), POSTs the
   * payload, records the attempt (insert-only). `retryAt` is when the orchestration will try next (shown to the
   * publisher; the sweeper restarts a delivery whose orchestration let that time pass unattended).
   */
  async attempt(ref: DeliveryRef, retryAt: string | null): Promise<AttemptOutcome> {
    const { core } = this.#d;
    let stopped = false;
    const claimed = await this.#update(
      ref.publisherId,
      async () => (await this.#owned(ref)) ?? void (stopped = true),
      (row) => ({ ...row, attempts: row.attempts + 1, nextAttemptAt: retryAt ?? core.now().toISOString() }),
    );
    if (stopped) return { kind: 'stop' };
    if (!claimed) throw new Error(`could not claim a webhook attempt for ${ref.operationId}`);
    await core.faults.reach(FAULT_BEFORE_SEND);

    const now = core.now();
    const sub = await core.store.getSubscription(ref.publisherId, claimed.subscriptionId);
    const offer = sub ? await core.catalog.getOfferVersion(ref.publisherId, sub.value.offerId, sub.value.offerVersion) : undefined;
    const url = offer?.saas?.connectionWebhook ?? '';
    const result = await this.#d.client.postJson({
      url,
      // The subscription as it is now: Microsoft's current webhooks carry it, and ISVs are told not to deserialize
      // the body strictly (issue 23).
      body: sub && this.#d.subscriptionBody ? { ...claimed.payload, subscription: this.#d.subscriptionBody(sub.value) } : claimed.payload,
      headers: {
        authorization: `Bearer ${await this.#d.bearerFor({ appId: offer?.saas?.aadAppId ?? '', tenantId: offer?.saas?.aadTenantId ?? '' })}`,
        'x-ms-requestid': randomUUID(),
        'x-ms-correlationid': claimed.payload.activityId,
        'x-ms-idempotency-key': claimed.operationId,
      },
    });
    const accepted = result.kind === 'response' && result.status >= 200 && result.status < 300;
    const record: DeliveryAttempt = {
      operationId: ref.operationId,
      attempt: claimed.attempts,
      at: now.toISOString(),
      url,
      status: result.kind === 'response' ? result.status : null,
      outcome: accepted ? 'accepted' : result.kind === 'response' ? 'rejected' : result.kind,
      excerpt: result.kind === 'response' ? result.excerpt : result.message,
      durationMs: result.kind === 'refused' ? 0 : result.durationMs,
    };
    await core.store.recordAttempt(ref.publisherId, record);
    return accepted ? { kind: 'accepted', at: core.now().toISOString() } : { kind: 'rejected' };
  }

  /**
   * The delivery's end. Accepted: the first accepted webhook starts the ACK window [DEC-A29]; returns the deadline
   * the orchestration waits for, if the operation still waits for the publisher. Failed (retries exhausted): an
   * ACK-requiring marketplace change whose window never started fails with WebhookDeliveryFailed. The operation
   * first, then the row: a crash in between runs this activity again rather than losing either.
   */
  async settle(ref: DeliveryRef, outcome: 'delivered' | 'failed', at: string): Promise<string | null> {
    const { store } = this.#d.core;
    if (!(await this.#owned(ref))) return null;
    if (outcome === 'delivered') await this.#startAckWindow(ref.publisherId, ref.operationId, new Date(at));
    else {
      const op = await store.getOperation(ref.publisherId, ref.operationId);
      if (op?.value.status === 'InProgress' && !op.value.ackDeadline) await this.#deliveryFailed(ref.publisherId, ref.operationId);
    }
    await this.#update(
      ref.publisherId,
      () => this.#owned(ref),
      (row) => ({ ...row, state: outcome, ...(outcome === 'delivered' && !row.firstDeliveredAt ? { firstDeliveredAt: at } : {}) }),
    );
    if (outcome === 'failed') return null;
    const op = await store.getOperation(ref.publisherId, ref.operationId);
    return op?.value.status === 'InProgress' && op.value.ackDeadline ? op.value.ackDeadline : null;
  }

  /** The ACK window's durable timer fired: no answer means the change succeeds [004:25276]. */
  ackTimeout(ref: DeliveryRef): Promise<void> {
    return closeAckWindow(this.#d.core, ref.publisherId, ref.operationId);
  }

  /** The first accepted webhook starts the ACK window of a marketplace-initiated change (decision 0400). */
  async #startAckWindow(publisherId: string, operationId: string, at: Date): Promise<void> {
    const { store, settings } = this.#d.core;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
      const stored = await store.getOperation(publisherId, operationId);
      if (!stored || stored.value.status !== 'InProgress' || stored.value.ackDeadline) return;
      const next = { ...stored.value, ackDeadline: new Date(at.getTime() + settings.ackWindowMs).toISOString() };
      if ((await store.commit(publisherId, [{ kind: 'operation', value: next, etag: stored.etag }])) === 'ok') return;
    }
  }

  /** Webhook retries exhausted: an ACK-requiring marketplace change fails and the subscription is unchanged [DEC-A29]. */
  async #deliveryFailed(publisherId: string, operationId: string): Promise<void> {
    const op = await this.#d.core.store.getOperation(publisherId, operationId);
    if (!op || op.value.source !== 'Marketplace') return;
    await complete(this.#d.core, publisherId, operationId, 'Failed', {
      errorStatusCode: 'WebhookDeliveryFailed',
      errorMessage: 'The webhook was never accepted.',
    });
  }

  /**
   * The publisher's delivery log, oldest first, each row with its attempts. The caller must be the publisher;
   * `filter` (the optional subscription) is read only after that check.
   */
  async deliveries(
    caller: string,
    publisherId: string | undefined,
    filter: () => { subscriptionId?: string | undefined },
  ): Promise<DeliveryLog[]> {
    const own = ownDeliveries(caller, publisherId);
    const { subscriptionId } = filter();
    const { store } = this.#d.core;
    const [rows, attempts] = await Promise.all([store.listOutbox(own), store.listAttempts(own)]);
    return rows
      .filter((r) => !subscriptionId || r.subscriptionId === subscriptionId)
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
      .map((row) => ({ row, attempts: attempts.filter((a) => a.operationId === row.operationId) }));
  }

  /**
   * The publisher asks for one more delivery (any state): the row is owed again under the next generation, whose
   * orchestration is started now (and by the sweeper, if this process dies first).
   */
  async redeliverAs(caller: string, publisherId: string | undefined, deliveryId: string): Promise<OutboxRow> {
    const row = await this.redeliver(ownDeliveries(caller, publisherId), deliveryId);
    if (!row) throw new NotFoundError('The delivery was not found.', 'DeliveryNotFound');
    // Stored first: if this start fails or the host dies now, the sweeper starts the same instance id.
    await this.#d.handoff?.(row);
    return row;
  }

  /** Makes the row owed again under the next generation; undefined when there is no such row. */
  redeliver(publisherId: string, operationId: string): Promise<OutboxRow | undefined> {
    const { store } = this.#d.core;
    return this.#update(
      publisherId,
      () => store.getOutbox(publisherId, operationId),
      (row) => ({ ...row, state: 'pending', generation: generationOf(row) + 1, nextAttemptAt: this.#d.core.now().toISOString() }),
    );
  }
}

/** A publisher sees and redelivers only its own webhooks. */
function ownDeliveries(caller: string, publisherId: string | undefined): string {
  if (caller !== publisherId) throw new ForbiddenError('A publisher sees only its own webhook deliveries.');
  return caller;
}
