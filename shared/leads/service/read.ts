/**
 * The publisher's view of its leads (specs/leads.md 2.5, 2.2): an offer's leads by delivery state, newest first,
 * and one lead with its delivery and every attempt. A publisher reads only its own namespace (another publisher's
 * id → 403, as the catalog answers); operators read any. An unknown offer is 404.
 */
import { ForbiddenError, NotFoundError } from '../../errors';
import type { Delivery, DeliveryState, Lead } from '../model';
import type { LeadOffers, LeadStore } from '../ports';

export type LeadReader = { kind: 'publisher'; publisherId: string } | { kind: 'operator' };

export const MAX_PAGE = 100;

export interface LeadWithDelivery {
  lead: Lead;
  delivery: Delivery;
}

export class LeadQueries {
  readonly #offers: LeadOffers;
  readonly #store: LeadStore;

  constructor(deps: { offers: LeadOffers; store: LeadStore }) {
    this.#offers = deps.offers;
    this.#store = deps.store;
  }

  async #offer(reader: LeadReader, publisherId: string, offerId: string): Promise<void> {
    if (reader.kind === 'publisher' && reader.publisherId.toLowerCase() !== publisherId.toLowerCase()) {
      throw new ForbiddenError("The client doesn't have access to the specified namespace.");
    }
    if (!(await this.#offers.draft(publisherId, offerId))) {
      throw new NotFoundError(`The offer ${publisherId}.${offerId} does not exist.`, 'offer_not_found');
    }
  }

  async list(
    reader: LeadReader,
    publisherId: string,
    offerId: string,
    options: { state?: DeliveryState; limit?: number; continuation?: string },
  ): Promise<{ items: LeadWithDelivery[]; continuation?: string }> {
    await this.#offer(reader, publisherId, offerId);
    return this.#store.list(publisherId, offerId, {
      ...(options.state ? { state: options.state } : {}),
      limit: Math.min(options.limit ?? MAX_PAGE, MAX_PAGE),
      ...(options.continuation ? { continuation: options.continuation } : {}),
    });
  }

  async get(reader: LeadReader, publisherId: string, offerId: string, leadId: string): Promise<LeadWithDelivery> {
    await this.#offer(reader, publisherId, offerId);
    const [lead, stored] = await Promise.all([
      this.#store.getLead(publisherId, offerId, leadId),
      this.#store.getDelivery(publisherId, offerId, leadId),
    ]);
    if (!lead || !stored) throw new NotFoundError(`The lead ${leadId} does not exist for offer ${publisherId}.${offerId}.`, 'lead_not_found');
    return { lead, delivery: stored.delivery };
  }
}
