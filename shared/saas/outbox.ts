/**
 * Webhook delivery behind an outbox port (until durable orchestrations are available, decision 0401). The outbox
 * row is written in the same transaction as the state change; the dispatcher (a timer trigger on the project clock)
 * finds due rows, claims one attempt with If-Match (so two dispatchers never send the same attempt), POSTs the
 * documented payload through the one outbound client, records the attempt (insert-only) and marks the row
 * delivered. At-least-once: a crash after the POST and before the mark sends again; the operation id is the
 * idempotency key, so the ISV can drop the duplicate.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock';
import type { OfferCatalog } from '../catalog/ports';
import type { OutboundClient } from '../http/outbound';
import type { OutboxRecord } from './model';
import type { DeliveryAttempt, SubscriptionStore } from './ports';
import type { SaasService } from './service';

export interface DispatcherDeps {
  store: SubscriptionStore;
  service: SaasService;
  catalog: OfferCatalog;
  client: OutboundClient;
  clock: Clock;
  /** A bearer token from this system's issuer for the ISV's app (audience = the offer's Entra app id). */
  bearerFor: (audience: string) => Promise<string>;
  retryPeriodMs: number;
  maxAttempts: number;
}

/** Exponential from 1 s, capped at the even spacing of maxAttempts over the retry period (500 over 8 h ≈ 58 s). */
export function retryDelayMs(attempt: number, retryPeriodMs: number, maxAttempts: number): number {
  return Math.min(1000 * 2 ** Math.max(0, attempt - 1), Math.max(1000, Math.floor(retryPeriodMs / maxAttempts)));
}

export class WebhookDispatcher {
  readonly #d: DispatcherDeps;

  constructor(deps: DispatcherDeps) {
    this.#d = deps;
  }

  /** One attempt for a due outbox row; returns whether an attempt was made. */
  async deliver(publisherId: string, operationId: string): Promise<boolean> {
    const { store, clock } = this.#d;
    const stored = await store.getOutbox(publisherId, operationId);
    const now = clock.now();
    if (!stored || stored.value.state !== 'pending' || Date.parse(stored.value.nextAttemptAt) > now.getTime()) return false;
    const attempt = stored.value.attempts + 1;
    const claimed: OutboxRecord = {
      ...stored.value,
      attempts: attempt,
      nextAttemptAt: new Date(now.getTime() + retryDelayMs(attempt, this.#d.retryPeriodMs, this.#d.maxAttempts)).toISOString(),
    };
    if ((await store.commit(publisherId, [{ kind: 'outbox', value: claimed, etag: stored.etag }])) !== 'ok') return false;

    const sub = await store.getSubscription(publisherId, claimed.subscriptionId);
    const offer = sub ? await this.#d.catalog.getOfferVersion(publisherId, sub.value.offerId, sub.value.offerVersion) : undefined;
    const url = offer?.saas?.connectionWebhook ?? '';
    const audience = offer?.saas?.aadAppId ?? '';
    const result = await this.#d.client.postJson({
      url,
      body: claimed.payload,
      headers: {
        authorization: `Bearer ${await this.#d.bearerFor(audience)}`,
        'x-ms-requestid': randomUUID(),
        'x-ms-correlationid': claimed.payload.activityId,
        'x-ms-idempotency-key': claimed.operationId,
      },
    });
    const accepted = result.kind === 'response' && result.status >= 200 && result.status < 300;
    const record: DeliveryAttempt = {
      operationId,
      attempt,
      at: now.toISOString(),
      url,
      status: result.kind === 'response' ? result.status : null,
      outcome: accepted ? 'accepted' : result.kind === 'response' ? 'rejected' : result.kind,
      excerpt: result.kind === 'response' ? result.excerpt : result.message,
      durationMs: result.kind === 'refused' ? 0 : result.durationMs,
    };
    await store.recordAttempt(publisherId, record);

    const exhausted = attempt >= this.#d.maxAttempts || now.getTime() - Date.parse(claimed.createdAt) >= this.#d.retryPeriodMs;
    if (!accepted && !exhausted) return true;
    // The operation first, then the row: a crash in between re-sends (at-least-once) rather than losing the ACK window.
    if (accepted) await this.#d.service.startAckWindow(publisherId, operationId, clock.now());
    else await this.#d.service.deliveryFailed(publisherId, operationId);
    await this.#finish(publisherId, operationId, accepted ? 'delivered' : 'failed');
    return true;
  }

  async #finish(publisherId: string, operationId: string, state: 'delivered' | 'failed'): Promise<void> {
    for (let i = 0; i < 10; i += 1) {
      const current = await this.#d.store.getOutbox(publisherId, operationId);
      if (!current || current.value.state !== 'pending') return;
      const next: OutboxRecord = {
        ...current.value,
        state,
        ...(state === 'delivered' && !current.value.firstDeliveredAt ? { firstDeliveredAt: this.#d.clock.now().toISOString() } : {}),
      };
      if ((await this.#d.store.commit(publisherId, [{ kind: 'outbox', value: next, etag: current.etag }])) === 'ok') return;
    }
  }

  /** The publisher asks for one more delivery (any state): the row goes back to pending, due now. */
  async redeliver(publisherId: string, operationId: string): Promise<OutboxRecord | undefined> {
    for (let i = 0; i < 10; i += 1) {
      const current = await this.#d.store.getOutbox(publisherId, operationId);
      if (!current) return undefined;
      const next: OutboxRecord = { ...current.value, state: 'pending', nextAttemptAt: this.#d.clock.now().toISOString() };
      if ((await this.#d.store.commit(publisherId, [{ kind: 'outbox', value: next, etag: current.etag }])) === 'ok') return next;
    }
    return undefined;
  }

  /** Everything due now: webhook attempts, then ACK windows, terms and grace periods. */
  async runDue(): Promise<{ attempts: number; timers: number }> {
    let attempts = 0;
    for (const item of await this.#d.store.listDue(this.#d.clock.now())) {
      if (item.kind === 'outbox' && (await this.deliver(item.publisherId, item.id))) attempts += 1;
    }
    const timers = await this.#d.service.runDueTimers();
    return { attempts, timers };
  }
}
