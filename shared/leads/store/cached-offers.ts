/**
 * The live offer as capture and delivery see it, cached for `ttlMs` of the project clock (LEADS_OFFER_CACHE_TTL_MS,
 * default 5 s; 0 = no cache; decision 0524). A capture reads the offer's title, triggers and lead destination on every
 * call and each delivery attempt resolves the destination again (spec 2.5 (3)); both now read the catalog once per
 * offer and TTL instead of once per lead, and open the destination's sealed secrets once. The bound: a destination
 * (or listing) changed in the catalog is used within `ttlMs` in every process; `invalidate` drops an offer at once.
 * Only live offers are kept: an offer not found, or never made live, is read again on the next call, so a newly
 * published offer takes leads at once. The draft (Validate) is never cached.
 */
import { ReadThroughCache } from '../../cache';
import type { LeadOffer, LeadOffers } from '../ports';

export interface OfferCacheOptions {
  ttlMs: number;
  /** Offers kept; the oldest entry goes first. */
  maxEntries?: number;
  /** The project clock, in ms. */
  now: () => number;
}

const DEFAULT_MAX_ENTRIES = 1_000;
const keyOf = (publisherId: string, offerId: string) => `${publisherId}\u0000${offerId}`;

export class CachedLeadOffers implements LeadOffers {
  readonly #inner: LeadOffers;
  readonly #cache: ReadThroughCache<LeadOffer>;

  constructor(inner: LeadOffers, options: OfferCacheOptions) {
    this.#inner = inner;
    this.#cache = new ReadThroughCache<LeadOffer>({
      ttlMs: options.ttlMs,
      maxEntries: options.maxEntries ?? DEFAULT_MAX_ENTRIES,
      now: options.now,
      keep: (offer) => offer.state === 'live',
    });
  }

  live(publisherId: string, offerId: string): Promise<LeadOffer | undefined> {
    return this.#cache.get(keyOf(publisherId, offerId), () => this.#inner.live(publisherId, offerId));
  }

  draft(publisherId: string, offerId: string): Promise<LeadOffer | undefined> {
    return this.#inner.draft(publisherId, offerId);
  }

  /** Drops an offer, so the next read goes to the catalog (a publish in this process). */
  invalidate(publisherId: string, offerId: string): void {
    this.#cache.invalidate(keyOf(publisherId, offerId));
  }
}

/** The cache, or the catalog's view itself when `ttlMs` is 0. */
export function cachedLeadOffers(inner: LeadOffers, options: OfferCacheOptions): LeadOffers & { invalidate?: (p: string, o: string) => void } {
  return options.ttlMs > 0 ? new CachedLeadOffers(inner, options) : inner;
}
