/**
 * The SaaS timers (decision 0410), run by the `saas-due-work` timer through the due index: the end of a term or
 * trial, the end of the suspension grace period, pending expiry and the ACK window. Each is idempotent and safe to
 * run early or twice: it re-checks its time under the row's ETag.
 */
import type { OperationRecord, SubscriptionRecord } from '../model';
import { SUSPENSION_GRACE_MS } from '../rules/lifecycle';
import type { Decision, SaasCore } from './internal';
import { closeAckWindow, renewWrites, unsubscribeWrites } from './transitions';

const nothing: Decision<undefined> = { writes: [], result: undefined };

export class DueWork {
  readonly #core: SaasCore;

  constructor(core: SaasCore) {
    this.#core = core;
  }

  async #mutate(publisherId: string, id: string, decide: (sub: SubscriptionRecord, etag: string) => Decision<OperationRecord | undefined>) {
    await this.#core.mutate(
      () => this.#core.owned(publisherId, id),
      async ({ value, etag }) => decide(value, etag),
    );
  }

  /** The 30-day grace period after suspension ends in cancellation (A2 row 16). */
  expireSuspension(publisherId: string, id: string): Promise<void> {
    return this.#mutate(publisherId, id, (sub, etag) => {
      const ended = sub.suspendedAt !== undefined && Date.parse(sub.suspendedAt) + SUSPENSION_GRACE_MS <= this.#core.now().getTime();
      return sub.status === 'Suspended' && ended ? unsubscribeWrites(this.#core, sub, etag, 'Marketplace') : nothing;
    });
  }

  /** DEC-A33 with a timeout configured: a purchase never activated is cancelled, silently (no webhook [DEC-A31], no charge). */
  expirePending(publisherId: string, id: string): Promise<void> {
    return this.#mutate(publisherId, id, (sub, etag) => {
      const expired = sub.pendingExpiresAt !== undefined && Date.parse(sub.pendingExpiresAt) <= this.#core.now().getTime();
      return sub.status === 'PendingFulfillmentStart' && expired ? unsubscribeWrites(this.#core, sub, etag, 'Marketplace') : nothing;
    });
  }

  /** The end of the term or trial, once it has passed (renewal, conversion, cancellation or suspension). */
  termEnd(publisherId: string, id: string): Promise<void> {
    return this.#mutate(publisherId, id, (sub, etag) => renewWrites(this.#core, sub, etag, false));
  }

  /**
   * A subscription row whose due time (`subscriptionDueAt` in rules/lifecycle.ts) has passed: pending expiry, trial
   * end, term end, or the end of the suspension grace period. Idempotent and safe to call early (each step re-checks
   * its time under the row's ETag), so any due-work index may call it at least once per due subscription.
   */
  async subscriptionDue(publisherId: string, id: string): Promise<void> {
    const sub = await this.#core.store.getSubscription(publisherId, id);
    if (sub?.value.status === 'PendingFulfillmentStart') await this.expirePending(publisherId, id);
    else if (sub?.value.status === 'Subscribed') await this.termEnd(publisherId, id);
    else if (sub?.value.status === 'Suspended') await this.expireSuspension(publisherId, id);
  }

  /** The ACK window closed without an answer: the change succeeds [004:25276]. */
  ackTimeout(publisherId: string, operationId: string): Promise<void> {
    return closeAckWindow(this.#core, publisherId, operationId);
  }

  /** Rows due at `now` (the timer calls this): pending expiry, trial and term ends, grace periods, ACK windows. */
  async runDueTimers(): Promise<number> {
    let done = 0;
    for (const item of await this.#core.store.listDue(this.#core.now())) {
      if (item.kind === 'operation') await this.ackTimeout(item.publisherId, item.id);
      else if (item.kind === 'subscription') await this.subscriptionDue(item.publisherId, item.id);
      else continue;
      done += 1;
    }
    return done;
  }
}
