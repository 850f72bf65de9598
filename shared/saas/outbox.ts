/**
 * Webhooks to the ISV (decision 0411). The outbox row, written in the same transaction as the state change, is the
 * durable record that a webhook is owed; a durable orchestration per row (shared/saas/delivery-orchestration.ts)
 * delivers it. This file holds what the orchestration's activities do: one attempt (claim, POST through the one
 * outbound client, record), settling the row (ACK window or WebhookDeliveryFailed), and the publisher's redelivery.
 * At-least-once: an activity that is run again after a crash sends again; the operation id is the idempotency key.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock';
import type { Faults } from '../faults';
import type { OfferCatalog } from '../catalog/ports';
import type { OutboundClient } from '../outbound/client';
import type { OutboxRecord, Stored } from './model';
import type { DeliveryAttempt, SubscriptionStore } from './ports';
import { delegate } from './due';
import type { SaasService } from './service';

/** Crash points (CRASH_AT) of the delivery path, for the restart tests. */
export const FAULT_BEFORE_HANDOFF = 'saas.webhook.before-handoff';
export const FAULT_BEFORE_SEND = 'saas.webhook.before-send';

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

/** Exponential from 1 s, capped at the even spacing of maxAttempts over the retry period (500 over 8 h ≈ 58 s). */
export function retryDelayMs(attempt: number, retryPeriodMs: number, maxAttempts: number): number {
  return Math.min(1000 * 2 ** Math.max(0, attempt - 1), Math.max(1000, Math.floor(retryPeriodMs / maxAttempts)));
}

/** One orchestration instance per delivery generation; the id is derived, so starting it twice is one instance. */
export function deliveryInstanceId(operationId: string, generation = 0): string {
  return generation > 0 ? `saas-webhook-${operationId}-r${generation}` : `saas-webhook-${operationId}`;
}

export interface DeliveryDeps {
  store: SubscriptionStore;
  service: SaasService;
  catalog: OfferCatalog;
  client: OutboundClient;
  clock: Clock;
  faults: Faults;
  /** A bearer token from this system's issuer for the ISV's app (audience = the offer's Entra app id). */
  bearerFor: (audience: string) => Promise<string>;
}

const CAS_TRIES = 10;

export class WebhookDelivery {
  readonly #d: DeliveryDeps;

  constructor(deps: DeliveryDeps) {
    this.#d = deps;
  }

  /** The row if this generation still owns it and it is still owed. */
  async #owned(ref: DeliveryRef): Promise<Stored<OutboxRecord> | undefined> {
    const row = await this.#d.store.getOutbox(ref.publisherId, ref.operationId);
    if (!row || row.value.state !== 'pending' || generationOf(row.value) !== ref.generation) return undefined;
    return row;
  }

  /**
   * One attempt: claims the next attempt number on the row (If-Match, so attempt records never collide), POSTs the
   * payload, records the attempt (insert-only). `retryAt` is when the orchestration will try next (shown to the
   * publisher; the sweeper restarts a delivery whose orchestration let that time pass unattended).
   */
  async attempt(ref: DeliveryRef, retryAt: string | null): Promise<AttemptOutcome> {
    const { store, clock } = this.#d;
    let claimed: OutboxRow | undefined;
    for (let i = 0; i < CAS_TRIES && !claimed; i += 1) {
      const row = await this.#owned(ref);
      if (!row) return { kind: 'stop' };
      const next: OutboxRow = { ...row.value, attempts: row.value.attempts + 1, nextAttemptAt: retryAt ?? clock.now().toISOString() };
      if ((await store.commit(ref.publisherId, [{ kind: 'outbox', value: next, etag: row.etag }])) === 'ok') claimed = next;
    }
    if (!claimed) throw new Error(`could not claim a webhook attempt for ${ref.operationId}`);
    await this.#d.faults.reach(FAULT_BEFORE_SEND);

    const now = clock.now();
    const sub = await store.getSubscription(ref.publisherId, claimed.subscriptionId);
    const offer = sub ? await this.#d.catalog.getOfferVersion(ref.publisherId, sub.value.offerId, sub.value.offerVersion) : undefined;
    const url = offer?.saas?.connectionWebhook ?? '';
    const result = await this.#d.client.postJson({
      url,
      body: claimed.payload,
      headers: {
        authorization: `Bearer ${await this.#d.bearerFor(offer?.saas?.aadAppId ?? '')}`,
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
    await store.recordAttempt(ref.publisherId, record);
    return accepted ? { kind: 'accepted', at: clock.now().toISOString() } : { kind: 'rejected' };
  }

  /**
   * The delivery's end. Accepted: the first accepted webhook starts the ACK window [DEC-A29]; returns the deadline
   * the orchestration waits for, if the operation still waits for the publisher. Failed (retries exhausted): an
   * ACK-requiring marketplace change whose window never started fails with WebhookDeliveryFailed. The operation
   * first, then the row: a crash in between runs this activity again rather than losing either.
   */
  async settle(ref: DeliveryRef, outcome: 'delivered' | 'failed', at: string): Promise<string | null> {
    const { store, service } = this.#d;
    if (!(await this.#owned(ref))) return null;
    if (outcome === 'delivered') await service.startAckWindow(ref.publisherId, ref.operationId, new Date(at));
    else {
      const op = await store.getOperation(ref.publisherId, ref.operationId);
      if (op?.value.status === 'InProgress' && !op.value.ackDeadline) await service.deliveryFailed(ref.publisherId, ref.operationId);
    }
    for (let i = 0; i < CAS_TRIES; i += 1) {
      const row = await this.#owned(ref);
      if (!row) break;
      const next: OutboxRow = {
        ...row.value,
        state: outcome,
        ...(outcome === 'delivered' && !row.value.firstDeliveredAt ? { firstDeliveredAt: at } : {}),
      };
      if ((await store.commit(ref.publisherId, [{ kind: 'outbox', value: next, etag: row.etag }])) === 'ok') break;
    }
    if (outcome === 'failed') return null;
    const op = await store.getOperation(ref.publisherId, ref.operationId);
    return op?.value.status === 'InProgress' && op.value.ackDeadline ? op.value.ackDeadline : null;
  }

  /** The ACK window's durable timer fired: no answer means the change succeeds [004:25276]. */
  ackTimeout(ref: DeliveryRef): Promise<void> {
    return this.#d.service.ackTimeout(ref.publisherId, ref.operationId);
  }

  /**
   * The publisher asks for one more delivery (any state): the row is owed again under the next generation, whose
   * orchestration the caller starts (and the sweeper, if the caller crashes first).
   */
  async redeliver(publisherId: string, operationId: string): Promise<OutboxRow | undefined> {
    for (let i = 0; i < CAS_TRIES; i += 1) {
      const current = await this.#d.store.getOutbox(publisherId, operationId);
      if (!current) return undefined;
      const next: OutboxRow = {
        ...current.value,
        state: 'pending',
        generation: generationOf(current.value) + 1,
        nextAttemptAt: this.#d.clock.now().toISOString(),
      };
      if ((await this.#d.store.commit(publisherId, [{ kind: 'outbox', value: next, etag: current.etag }])) === 'ok') return next;
    }
    return undefined;
  }
}

/** Hands every newly committed outbox row to `handoff` (the orchestration starter) right after its commit. */
export function withOutboxHandoff(store: SubscriptionStore, handoff: (row: OutboxRow) => Promise<void>, faults: Faults): SubscriptionStore {
  return {
    ...delegate(store),
    async commit(publisherId, writes) {
      const result = await store.commit(publisherId, writes);
      if (result !== 'ok') return result;
      for (const w of writes) {
        if (w.kind !== 'outbox' || w.etag) continue;
        await faults.reach(FAULT_BEFORE_HANDOFF);
        await handoff(w.value);
      }
      return result;
    },
  };
}
