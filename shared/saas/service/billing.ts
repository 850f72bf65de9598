/**
 * Billing-system events an operator drives (architecture.md, Storefront and admin routes): suspend (payment
 * failure), reinstate (payment received), renew (end of term now), payment-fault injection (C.10-94, decision
 * 0417), and the billing ledger (A3). Illegal source states → 409 (C.11-99).
 */
import type { LedgerEntry, OperationRecord, Stored, SubscriptionRecord } from '../model';
import { conflict } from '../rules/errors';
import type { Decision, SaasCore } from './internal';
import { renewWrites, suspendWrites } from './transitions';

export class BillingEvents {
  readonly #core: SaasCore;

  constructor(core: SaasCore) {
    this.#core = core;
  }

  /** One subscription's rows, re-read and re-decided until its transaction commits. */
  async #mutate<T>(id: string, decide: (current: Stored<SubscriptionRecord>) => Promise<Decision<T>>): Promise<T> {
    const publisherId = (await this.#core.byId(id)).value.publisherId;
    return this.#core.mutate(() => this.#core.owned(publisherId, id), decide);
  }

  /** A2 row 12: Subscribed → Suspended at once, then an inform-only `Suspend` webhook [004:25310]. */
  suspend(id: string): Promise<OperationRecord> {
    return this.#mutate(id, async ({ value: sub, etag }) => {
      if (sub.status !== 'Subscribed') throw conflict('InvalidSubscriptionStatus', `A ${sub.status} subscription cannot be suspended.`);
      return suspendWrites(this.#core, sub, etag);
    });
  }

  /**
   * A2 row 13: stays Suspended until the publisher's Success (or the ACK window) [004:25312-25323]. Reinstating means
   * the payment arrived, so an injected payment fault is cleared with it (decision 0417).
   */
  reinstate(id: string): Promise<OperationRecord> {
    return this.#mutate(id, async ({ value: sub, etag }) => {
      if (sub.status !== 'Suspended') throw conflict('InvalidSubscriptionStatus', `A ${sub.status} subscription cannot be reinstated.`);
      if (sub.lockedBy) throw conflict('SubscriptionLocked', `Operation ${sub.lockedBy} is awaiting acknowledgement.`);
      const op = this.#core.operation(sub, 'Reinstate', 'Marketplace');
      const next: SubscriptionRecord = { ...sub, lockedBy: op.id };
      delete next.paymentFault;
      return { writes: this.#core.changeWrites(next, etag, op), result: op };
    });
  }

  /** The operator ends the current term (or trial) now: renewal, conversion, cancellation or suspension. */
  renew(id: string): Promise<OperationRecord | undefined> {
    return this.#mutate(id, async ({ value: sub, etag }) => renewWrites(this.#core, sub, etag, true));
  }

  /**
   * Operator fault injection (C.10-94, decision 0417): `fail` makes every charge (renewal, trial conversion) fail
   * until cleared with `none` or by a reinstatement.
   */
  setPaymentFault(id: string, payment: 'fail' | 'none'): Promise<SubscriptionRecord> {
    return this.#mutate(id, async ({ value, etag }) => {
      const next: SubscriptionRecord = { ...value };
      if (payment === 'fail') next.paymentFault = 'fail';
      else delete next.paymentFault;
      const same = (value.paymentFault ?? 'none') === payment;
      return { writes: same ? [] : [{ kind: 'subscription', value: next, etag }], result: next };
    });
  }

  /** The billing ledger of a subscription (A3), oldest first. */
  async ledger(id: string): Promise<{ subscription: SubscriptionRecord; entries: LedgerEntry[] }> {
    const { value: subscription } = await this.#core.byId(id);
    const entries = await this.#core.store.listLedger(subscription.publisherId, id);
    return { subscription, entries: entries.sort((a, b) => a.seq - b.seq) };
  }
}
