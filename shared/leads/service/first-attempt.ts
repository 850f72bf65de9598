/**
 * The first attempt of a committed delivery, made in this process right after the commit (decision 0524), through
 * the same idempotent attempt the `lead-delivery` orchestration's activity runs (service/deliver.ts). Only what that
 * attempt cannot finish goes to the orchestration: a retryable failure (it waits on a durable timer for the next
 * attempt of the schedule), an attempt that threw (storage), and every lead that finds the queue full. A crash
 * before or during the attempt is covered as a lost hand-over is: the row is pending and indexed, the sweeper
 * starts its orchestration once it is overdue by the grace.
 *
 * Bounded: at most `concurrency` attempts at a time in this process, at most `offerConcurrency` to one offer's
 * destination (as the activity's own per-offer limit, spec 4 case 43), at most `queueMax` waiting, and at most
 * `offerQueueMax` of them for one offer (a hanging destination cannot take the queue from the others). Nothing is
 * awaited by the capture's answer but the queueing.
 */
import type { Clock } from '../../clock';
import type { Faults } from '../../faults';
import type { DeliveryHandoff, KnownDelivery } from '../ports';
import type { AttemptResult, LeadDeliveryRef } from '../rules/delivery';
import { FAULT_BEFORE_HANDOFF } from './delivery-starter';

/** Crash point (CRASH_AT): the capture is committed and answered, its first attempt not made yet. */
export const FAULT_BEFORE_FIRST_ATTEMPT = 'leads.delivery.before-first-attempt';

export interface FirstAttemptSettings {
  /** Attempts in flight at a time in this process; 0 turns the first attempt off (every lead to its orchestration). */
  concurrency: number;
  /** Leads waiting for a slot; beyond it a lead goes to its orchestration. */
  queueMax: number;
  /** Attempts in flight to one offer's destination (LEADS_OFFER_CONCURRENCY). */
  offerConcurrency: number;
  /** Leads of one offer waiting for a slot. */
  offerQueueMax: number;
  /** A queued row older than this (project clock) is read again before the attempt instead of trusted. */
  freshMs: number;
}

export interface FirstAttemptDeps {
  attempt: (ref: LeadDeliveryRef, known?: KnownDelivery) => Promise<AttemptResult>;
  /** The orchestration's hand-over (service/delivery-starter.ts): never throws, the sweeper covers its failures. */
  orchestration: DeliveryHandoff;
  faults: Faults;
  clock: Clock;
  log: (message: string) => void;
  settings: FirstAttemptSettings;
}

interface Queued {
  ref: LeadDeliveryRef;
  known?: KnownDelivery;
  queuedAt: number;
}

interface OfferQueue {
  waiting: Queued[];
  inFlight: number;
  /** The turn this offer last got a slot (0: never). */
  served: number;
}

export class FirstAttempts implements DeliveryHandoff {
  readonly #d: FirstAttemptDeps;
  /** Per offer: who waits and how many of its attempts are in flight; an offer with neither has no entry. */
  readonly #offers = new Map<string, OfferQueue>();
  #turn = 0;
  #waiting = 0;
  #inFlight = 0;
  #idle: (() => void)[] = [];
  /** How the first attempts went (tests, the bench's logs). */
  readonly counts = { attempted: 0, finished: 0, toOrchestration: 0, overflow: 0 };

  constructor(deps: FirstAttemptDeps) {
    this.#d = deps;
  }

  readonly handoff = async (ref: LeadDeliveryRef, known?: KnownDelivery): Promise<void> => {
    await this.#d.faults.reach(FAULT_BEFORE_HANDOFF);
    const { settings } = this.#d;
    const key = `${ref.publisherId}.${ref.offerId}`;
    const offer = this.#offers.get(key) ?? { waiting: [], inFlight: 0, served: 0 };
    if (settings.concurrency <= 0 || this.#waiting >= settings.queueMax || offer.waiting.length >= settings.offerQueueMax) {
      this.counts.overflow += 1;
      return this.#d.orchestration.handoff(ref);
    }
    offer.waiting.push({ ref: { ...ref }, ...(known ? { known } : {}), queuedAt: this.#d.clock.now().getTime() });
    this.#offers.set(key, offer);
    this.#waiting += 1;
    this.#pump();
  };

  /** Attempts waiting and in flight in this process. */
  get pending(): number {
    return this.#waiting + this.#inFlight;
  }

  /** Resolves once no first attempt is waiting or running (tests, shutdown). */
  idle(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  #pump(): void {
    const { concurrency, offerConcurrency } = this.#d.settings;
    while (this.#inFlight < concurrency) {
      // Fair across offers: the offer served longest ago (or never) goes next, so one busy offer cannot starve the rest.
      let pick: [string, OfferQueue] | undefined;
      for (const entry of this.#offers) {
        const offer = entry[1];
        if (offer.inFlight < offerConcurrency && offer.waiting.length > 0 && (!pick || offer.served < pick[1].served)) pick = entry;
      }
      if (!pick) break;
      const [key, offer] = pick;
      const next = offer.waiting.shift() as Queued;
      this.#turn += 1;
      offer.served = this.#turn;
      this.#waiting -= 1;
      this.#inFlight += 1;
      offer.inFlight += 1;
      void this.#run(next).finally(() => {
        this.#inFlight -= 1;
        offer.inFlight -= 1;
        if (offer.inFlight === 0 && offer.waiting.length === 0 && this.#offers.get(key) === offer) this.#offers.delete(key);
        this.#pump();
      });
    }
    if (this.pending === 0) for (const resolve of this.#idle.splice(0)) resolve();
  }

  async #run(item: Queued): Promise<void> {
    const { ref } = item;
    let result: AttemptResult | undefined;
    try {
      await this.#d.faults.reach(FAULT_BEFORE_FIRST_ATTEMPT);
      const fresh = this.#d.clock.now().getTime() - item.queuedAt <= this.#d.settings.freshMs;
      this.counts.attempted += 1;
      result = await this.#d.attempt(ref, fresh ? item.known : undefined);
    } catch (error) {
      this.#d.log(`lead ${ref.leadId}: the first attempt failed (${(error as Error).name}); its orchestration retries it`);
    }
    if (result?.kind === 'done') {
      this.counts.finished += 1;
      return;
    }
    // Retryable (or busy, or the attempt threw): the orchestration waits for the next attempt time and carries on.
    this.counts.toOrchestration += 1;
    try {
      await this.#d.orchestration.handoff(ref);
    } catch (error) {
      this.#d.log(`lead ${ref.leadId}: delivery not handed to its orchestration (${(error as Error).message}); the sweeper will`);
    }
  }
}
