/**
 * The lead sweeper (spec 2.5 (2), (7); decision 0521), run by the `lead-sweeper` timer:
 * - a pending delivery whose attempt is overdue by more than the grace (its orchestration was never started — a
 *   crash between capture and hand-over — or died with its host) is started again; the instance id is derived, so
 *   a running orchestration answers "already running" and nothing happens twice;
 * - a held delivery whose offer now has a deliverable live destination is reopened (next generation, fresh window)
 *   and started; one still without a destination 30 days after its window started is dead-lettered `hold_expired`
 *   (spec 2.5 (7) retention; decision 0527): kept, visible, replayable, never dropped.
 * The cross-offer index (ports `DeliveryIndex`) only points; each delivery row is read and decides. Entries the row
 * no longer matches are dropped.
 */
import type { Clock } from '../../clock';
import type { Delivery } from '../model';
import type { DeliveryIndex, IndexedDelivery, LeadOffer, LeadOffers, LeadStore } from '../ports';
import { deadLettered, DEFAULT_HOLD_RETENTION_MS, dueAt, HOLD_EXPIRED, holdExpired, overdue, refOf, reopened, type LeadDeliveryRef } from '../rules/delivery';
import type { ResolvedDestination } from './deliver';

export interface SweepDeps {
  store: LeadStore;
  index: DeliveryIndex;
  offers: LeadOffers;
  resolve: (offer: LeadOffer) => ResolvedDestination;
  /** Starts (idempotently) the orchestration of a ref; 'unavailable' when no durable client is bound yet. */
  start: (ref: LeadDeliveryRef) => Promise<'started' | 'running' | 'unavailable'>;
  clock: Clock;
  /** `holdRetentionMs`: how long a held lead waits for a destination before it is dead-lettered (default 30 days). */
  settings: { graceMs: number; batch: number; holdRetentionMs?: number };
}

export interface SweepReport {
  started: number;
  released: number;
  /** Held leads whose retention ran out, dead-lettered (`hold_expired`). */
  expired?: number;
}

export class SweepDeliveries {
  readonly #d: SweepDeps;

  constructor(deps: SweepDeps) {
    this.#d = deps;
  }

  async run(): Promise<SweepReport> {
    const started = await this.#overdue();
    const held = await this.#held();
    return { started, released: held.released, ...(held.expired > 0 ? { expired: held.expired } : {}) };
  }

  async #overdue(): Promise<number> {
    const { index, store, clock, settings } = this.#d;
    const now = clock.now();
    let started = 0;
    for (const entry of await index.due(new Date(now.getTime() - settings.graceMs), settings.batch)) {
      const stored = await store.getDelivery(entry.publisherId, entry.offerId, entry.leadId);
      const delivery = stored?.delivery;
      if (delivery && overdue(delivery, now, settings.graceMs)) {
        const outcome = await this.#d.start(refOf(delivery));
        if (outcome === 'unavailable') return started; // no client yet: the next run tries again
        if (outcome === 'started') started += 1;
        continue;
      }
      // Done, held, or due later (its newer entry exists): this entry points at nothing owed.
      if (!delivery || delivery.state !== 'pending' || dueAt(delivery) !== entry.dueAt) await index.drop(entry);
    }
    return started;
  }

  async #held(): Promise<{ released: number; expired: number }> {
    const { index, offers } = this.#d;
    const byOffer = new Map<string, IndexedDelivery[]>();
    for (const entry of await index.held(this.#d.settings.batch)) {
      const key = `${entry.publisherId}\u0000${entry.offerId}`;
      byOffer.set(key, [...(byOffer.get(key) ?? []), entry]);
    }
    const counts = { released: 0, expired: 0 };
    for (const entries of byOffer.values()) {
      const first = entries[0] as IndexedDelivery;
      const offer = await offers.live(first.publisherId, first.offerId);
      const deliverable = offer !== undefined && this.#d.resolve(offer).kind === 'deliverable';
      for (const entry of entries) {
        const outcome = await this.#release(entry, deliverable);
        if (outcome !== 'kept') counts[outcome] += 1;
      }
    }
    return counts;
  }

  /**
   * Reopens one held delivery when its offer can take it (even past its retention: delivering beats dead-lettering);
   * otherwise dead-letters it once its retention ran out (decision 0527); drops the entry of a row no longer held.
   */
  async #release(entry: IndexedDelivery, deliverable: boolean): Promise<'released' | 'expired' | 'kept'> {
    const { store, index, clock } = this.#d;
    const stored = await store.getDelivery(entry.publisherId, entry.offerId, entry.leadId);
    if (stored?.delivery.state !== 'held') {
      await index.drop(entry);
      return 'kept';
    }
    if (!deliverable) {
      const now = clock.now();
      if (!holdExpired(stored.delivery, now, this.#d.settings.holdRetentionMs ?? DEFAULT_HOLD_RETENTION_MS)) return 'kept';
      const dead = deadLettered(stored.delivery, now.toISOString(), HOLD_EXPIRED);
      return (await store.replaceDelivery(dead, stored.etag, stored.delivery)) ? 'expired' : 'kept';
    }
    const next: Delivery = reopened(stored.delivery, clock.now().toISOString());
    if (!(await store.replaceDelivery(next, stored.etag, stored.delivery))) return 'kept'; // changed meanwhile: the next run looks again
    await this.#d.start(refOf(next)).catch(() => 'unavailable'); // stored pending: if this start fails, the overdue sweep starts it
    return 'released';
  }
}
