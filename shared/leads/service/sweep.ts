/**
 * The lead sweeper (spec 2.5 (2), (7); decision 0521), run by the `lead-sweeper` timer:
 * - a pending delivery whose attempt is overdue by more than the grace (its orchestration was never started — a
 *   crash between capture and hand-over — or died with its host) is started again; the instance id is derived, so
 *   a running orchestration answers "already running" and nothing happens twice;
 * - a held delivery whose offer now has a deliverable live destination is reopened (next generation, fresh window)
 *   and started.
 * The cross-offer index (ports `DeliveryIndex`) only points; each delivery row is read and decides. Entries the row
 * no longer matches are dropped.
 */
import type { Clock } from '../../clock';
import type { Delivery } from '../model';
import type { DeliveryIndex, IndexedDelivery, LeadOffer, LeadOffers, LeadStore } from '../ports';
import { dueAt, overdue, refOf, reopened, type LeadDeliveryRef } from '../rules/delivery';
import type { ResolvedDestination } from './deliver';

export interface SweepDeps {
  store: LeadStore;
  index: DeliveryIndex;
  offers: LeadOffers;
  resolve: (offer: LeadOffer) => ResolvedDestination;
  /** Starts (idempotently) the orchestration of a ref; 'unavailable' when no durable client is bound yet. */
  start: (ref: LeadDeliveryRef) => Promise<'started' | 'running' | 'unavailable'>;
  clock: Clock;
  settings: { graceMs: number; batch: number };
}

export interface SweepReport {
  started: number;
  released: number;
}

export class SweepDeliveries {
  readonly #d: SweepDeps;

  constructor(deps: SweepDeps) {
    this.#d = deps;
  }

  async run(): Promise<SweepReport> {
    return { started: await this.#overdue(), released: await this.#held() };
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

  async #held(): Promise<number> {
    const { index, offers } = this.#d;
    const byOffer = new Map<string, IndexedDelivery[]>();
    for (const entry of await index.held(this.#d.settings.batch)) {
      const key = `${entry.publisherId}\u0000${entry.offerId}`;
      byOffer.set(key, [...(byOffer.get(key) ?? []), entry]);
    }
    let released = 0;
    for (const entries of byOffer.values()) {
      const first = entries[0] as IndexedDelivery;
      const offer = await offers.live(first.publisherId, first.offerId);
      const deliverable = offer !== undefined && this.#d.resolve(offer).kind === 'deliverable';
      for (const entry of entries) released += await this.#release(entry, deliverable);
    }
    return released;
  }

  /** Reopens one held delivery when its offer can take it; drops the entry of a row that is no longer held. */
  async #release(entry: IndexedDelivery, deliverable: boolean): Promise<number> {
    const { store, index, clock } = this.#d;
    const stored = await store.getDelivery(entry.publisherId, entry.offerId, entry.leadId);
    if (stored?.delivery.state !== 'held') {
      await index.drop(entry);
      return 0;
    }
    if (!deliverable) return 0;
    const next: Delivery = reopened(stored.delivery, clock.now().toISOString());
    if (!(await store.replaceDelivery(next, stored.etag, stored.delivery))) return 0; // changed meanwhile: the next run looks again
    await this.#d.start(refOf(next)).catch(() => 'unavailable'); // stored pending: if this start fails, the overdue sweep starts it
    return 1;
  }
}
