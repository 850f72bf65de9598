/**
 * Replay of dead-lettered leads (spec 2.5 (6); decision 0522): one lead, or every dead-lettered lead of an offer.
 * Each is owed again under the next generation with a fresh window (one conditional replace, If-Match), then handed
 * to its orchestration; if the hand-over is lost, the sweeper starts it. The attempts made so far stay on the row.
 * Only a dead-lettered lead can be replayed: a pending one is already being delivered, a delivered one arrived, a
 * held one waits for a destination (409).
 */
import type { Clock } from '../../clock';
import { ConflictError, ForbiddenError, NotFoundError } from '../../errors';
import type { Delivery } from '../model';
import type { DeliveryHandoff, LeadOffers, LeadStore } from '../ports';
import { refOf, reopened } from '../rules/delivery';

/** Who replays: a publisher replays only its own offers' leads; an operator any. */
export type Replayer = { kind: 'publisher'; publisherId: string } | { kind: 'operator' };

export interface ReplayDeps {
  store: LeadStore;
  offers: LeadOffers;
  handoff: DeliveryHandoff;
  clock: Clock;
}

const CAS_TRIES = 5;
const PAGE = 100;

export class ReplayLeads {
  readonly #d: ReplayDeps;

  constructor(deps: ReplayDeps) {
    this.#d = deps;
  }

  /** Replays one dead-lettered lead; 404 when the offer has no such lead, 409 when it is not dead-lettered. */
  async one(who: Replayer, publisherId: string, offerId: string, leadId: string): Promise<Delivery> {
    await this.#offer(who, publisherId, offerId);
    const result = await this.#reopen(publisherId, offerId, leadId);
    if (result === 'missing') throw new NotFoundError(`The lead ${leadId} does not exist for offer ${publisherId}.${offerId}.`, 'lead_not_found');
    if (result === 'not-dead-lettered')
      throw new ConflictError(`The lead ${leadId} is not dead-lettered: only a dead-lettered lead can be replayed.`, 'lead_not_dead_lettered');
    return result;
  }

  /** Replays every dead-lettered lead of the offer; returns the lead ids replayed (a lead replayed meanwhile is skipped). */
  async all(who: Replayer, publisherId: string, offerId: string): Promise<string[]> {
    await this.#offer(who, publisherId, offerId);
    // Collect first, then reopen: a reopened lead leaves the dead-lettered list, which would shift the pages.
    const ids: string[] = [];
    let continuation: string | undefined;
    do {
      const page = await this.#d.store.list(publisherId, offerId, { state: 'dead_lettered', limit: PAGE, ...(continuation ? { continuation } : {}) });
      for (const item of page.items) ids.push(item.lead.leadId);
      continuation = page.continuation;
    } while (continuation);
    const replayed: string[] = [];
    for (const leadId of ids) {
      const result = await this.#reopen(publisherId, offerId, leadId);
      if (typeof result !== 'string') replayed.push(leadId);
    }
    return replayed;
  }

  /** As the publisher's reads: another publisher's namespace → 403, an unknown offer → 404. */
  async #offer(who: Replayer, publisherId: string, offerId: string): Promise<void> {
    if (who.kind === 'publisher' && who.publisherId.toLowerCase() !== publisherId.toLowerCase()) {
      throw new ForbiddenError("The client doesn't have access to the specified namespace.");
    }
    if (!(await this.#d.offers.draft(publisherId, offerId))) {
      throw new NotFoundError(`The offer ${publisherId}.${offerId} does not exist.`, 'offer_not_found');
    }
  }

  async #reopen(publisherId: string, offerId: string, leadId: string): Promise<Delivery | 'missing' | 'not-dead-lettered'> {
    const { store, clock } = this.#d;
    for (let i = 0; i < CAS_TRIES; i += 1) {
      const stored = await store.getDelivery(publisherId, offerId, leadId);
      if (!stored) return 'missing';
      if (stored.delivery.state !== 'dead_lettered') return 'not-dead-lettered';
      const next = reopened(stored.delivery, clock.now().toISOString());
      if (await store.replaceDelivery(next, stored.etag, stored.delivery)) {
        // Stored first: if this start fails or the host dies now, the sweeper starts the same instance id.
        await this.#d.handoff.handoff(refOf(next));
        return next;
      }
    }
    throw new ConflictError(`The lead ${leadId} kept changing while it was replayed; retry.`, 'lead_changed');
  }
}
