/**
 * One delivery attempt, as the `lead-delivery` orchestration's activity runs it (decision 0520):
 * 1. read the delivery row; unless it is `pending` and of this generation, do nothing (delivered, dead-lettered,
 *    held, or superseded by a replay);
 * 2. not due yet (a sweeper start, or a timer that fired early): tell the orchestration when it is;
 * 3. resolve the live offer's destination now, at dispatch (spec 2.5 (3)): none or a legacy Blob one → `held`;
 * 4. call the target adapter (never throws for the target's answers; a throw is counted as a retryable failure);
 * 5. record the attempt and the next state (rules/retry.ts) with one conditional replace (If-Match).
 * At-least-once: a crash between 4 and 5 (crash point `leads.delivery.after-target`) runs the activity again, which
 * sends again under the same idempotency key (the lead id).
 */
import type { Clock } from '../../clock';
import type { Faults } from '../../faults';
import type { AttemptOutcome, Delivery, DestinationConfig, Lead } from '../model';
import type { KnownDelivery, LeadOffer, LeadOffers, LeadStore, LeadTargets, StoredDelivery } from '../ports';
import { afterAttempt, deadLettered, held, owns, type AttemptResult, type LeadDeliveryRef } from '../rules/delivery';
import { nextState } from '../rules/retry';

/** Crash point (CRASH_AT): the target has answered, the attempt is not recorded yet. */
export const FAULT_AFTER_TARGET = 'leads.delivery.after-target';

/** What the live offer's destination setting means for delivery (L2's parser, rules/destinations.ts, decides). */
export type ResolvedDestination =
  | { kind: 'deliverable'; config: DestinationConfig }
  /** No destination (`None`) or a deprecated one (`AzureBlob`): the lead is held, not failed. */
  | { kind: 'held'; reason: string }
  /** Settings that cannot be used (unparseable, a secret that does not open): permanent, dead-lettered. */
  | { kind: 'invalid'; reason: string };

export interface DeliverDeps {
  store: LeadStore;
  offers: LeadOffers;
  resolve: (offer: LeadOffer) => ResolvedDestination;
  targets: LeadTargets;
  clock: Clock;
  faults: Faults;
  /** In [0, 1); the jitter of the schedule. */
  random: () => number;
  /**
   * `offerConcurrency`: attempts to one offer's destination at a time in this process; one more waits `busyRetryMs`
   * (no attempt recorded), so a destination that hangs cannot take every activity slot (spec 4 case 43).
   */
  settings: { windowMs: number; timeoutMs: number; offerConcurrency?: number; busyRetryMs?: number };
}

const CAS_TRIES = 5;
export const DEFAULT_OFFER_CONCURRENCY = 5;
export const DEFAULT_BUSY_RETRY_MS = 1000;

export class DeliverLead {
  readonly #d: DeliverDeps;
  /** Attempts in flight per offer (`publisher.offer`: one destination each) in this process. */
  readonly #inFlight = new Map<string, number>();

  constructor(deps: DeliverDeps) {
    this.#d = deps;
  }

  /** Attempts in flight to an offer's destination in this process (tests). */
  inFlight(publisherId: string, offerId: string): number {
    return this.#inFlight.get(`${publisherId}.${offerId}`) ?? 0;
  }

  /**
   * `known`: the row as its writer committed it, with its ETag (the first attempt right after a capture, decision
   * 0524): neither the row nor the lead is read back; if the row changed meanwhile the conditional replace loses and
   * the attempt is recorded on the row as it is then.
   */
  async attempt(ref: LeadDeliveryRef, known?: KnownDelivery): Promise<AttemptResult> {
    const { store, clock } = this.#d;
    const trusted = known?.etag !== undefined && known.lead.leadId === ref.leadId ? { ...known, etag: known.etag } : undefined;
    const stored = trusted ? { delivery: trusted.delivery, etag: trusted.etag } : await store.getDelivery(ref.publisherId, ref.offerId, ref.leadId);
    if (!owns(stored?.delivery, ref)) return { kind: 'done', state: 'superseded' };
    const due = stored.delivery.nextAttemptAt;
    if (due && Date.parse(due) > clock.now().getTime()) return { kind: 'wait', until: due };

    const lead = trusted ? trusted.lead : await store.getLead(ref.publisherId, ref.offerId, ref.leadId);
    const offer = await this.#d.offers.live(ref.publisherId, ref.offerId);
    const destination: ResolvedDestination = offer ? this.#d.resolve(offer) : { kind: 'held', reason: 'offer_unavailable' };
    if (!lead) return this.#record(ref, stored, (d) => deadLettered(d, clock.now().toISOString(), 'lead_missing'));
    if (destination.kind === 'held') return this.#record(ref, stored, (d) => held(d, destination.reason));
    // Settings the live offer holds but that cannot be used: nothing can be sent, so no attempt; replayable once fixed.
    if (destination.kind === 'invalid') return this.#record(ref, stored, (d) => deadLettered(d, clock.now().toISOString(), destination.reason));

    const { config } = destination;
    const key = `${ref.publisherId}.${ref.offerId}`;
    const busy = this.#inFlight.get(key) ?? 0;
    if (busy >= (this.#d.settings.offerConcurrency ?? DEFAULT_OFFER_CONCURRENCY)) {
      return { kind: 'wait', until: new Date(clock.now().getTime() + (this.#d.settings.busyRetryMs ?? DEFAULT_BUSY_RETRY_MS)).toISOString() };
    }
    this.#inFlight.set(key, busy + 1);
    const startedAt = clock.now();
    let outcome: AttemptOutcome;
    try {
      outcome = await this.#call(lead, config);
    } finally {
      const left = (this.#inFlight.get(key) ?? 1) - 1;
      if (left > 0) this.#inFlight.set(key, left);
      else this.#inFlight.delete(key);
    }
    const endedAt = clock.now();
    await this.#d.faults.reach(FAULT_AFTER_TARGET);
    const random = this.#d.random();
    return this.#record(ref, stored, (d) => {
      const number = d.attemptCount + 1;
      const attempt = {
        ...outcome,
        number,
        at: startedAt.toISOString(),
        destination: config.type,
        latencyMs: Math.max(0, endedAt.getTime() - startedAt.getTime()),
      };
      const next = nextState({ outcome, attempt: number, endedAt, windowStartedAt: d.windowStartedAt, windowMs: this.#d.settings.windowMs, random });
      return afterAttempt(d, attempt, next);
    });
  }

  async #call(lead: Lead, config: DestinationConfig): Promise<AttemptOutcome> {
    try {
      return await this.#d.targets[config.type].deliver(lead, config, { timeoutMs: this.#d.settings.timeoutMs });
    } catch (error) {
      // An adapter reports the target's answers; a throw is our own fault (or storage's): try again later. Only the
      // error's name is kept, as its message may hold a secret.
      return { outcome: 'retryable', category: 'internal_error', excerpt: error instanceof Error ? error.name : 'error' };
    }
  }

  /** Writes `next(row)` If-Match; on a lost race re-reads: still ours → again, else superseded. */
  async #record(ref: LeadDeliveryRef, first: StoredDelivery, next: (d: Delivery) => Delivery): Promise<AttemptResult> {
    let stored: StoredDelivery | undefined = first;
    for (let i = 0; i < CAS_TRIES; i += 1) {
      if (!owns(stored?.delivery, ref)) return { kind: 'done', state: 'superseded' };
      const value = next(stored.delivery);
      if (await this.#d.store.replaceDelivery(value, stored.etag, stored.delivery)) {
        if (value.state === 'pending') return { kind: 'wait', until: value.nextAttemptAt ?? this.#d.clock.now().toISOString() };
        return { kind: 'done', state: value.state };
      }
      stored = await this.#d.store.getDelivery(ref.publisherId, ref.offerId, ref.leadId);
    }
    throw new Error(`lead ${ref.leadId}: the delivery row kept changing; the attempt is retried`);
  }
}
