/**
 * The live offer as capture and delivery see it, cached for `ttlMs` of the project clock (LEADS_OFFER_CACHE_TTL_MS,
 * default 5 s; 0 = no cache; decision 0524). A capture reads the offer's title, triggers and lead destination on every
 * call and each delivery attempt resolves the destination again (spec 2.5 (3)); both now read the catalog once per
 * offer and TTL instead of once per lead, and open the destination's sealed secrets once. The bound: a destination
 * (or listing) changed in the catalog is used within `ttlMs` in every process; `invalidate` drops an offer at once.
 * Only live offers are kept: an offer not found, or never made live, is read again on the next call, so a newly
 * published offer takes leads at once. The draft (Validate) is never cached.
 */
import type { LeadOffer, LeadOffers } from '../ports';

export interface OfferCacheOptions {
  ttlMs: number;
  /** Offers kept; the oldest entry goes first. */
  maxEntries?: number;
  /** The project clock, in ms. */
  now: () => number;
}

const DEFAULT_MAX_ENTRIES = 1_000;

export class CachedLeadOffers implements LeadOffers {
  readonly #inner: LeadOffers;
  readonly #options: OfferCacheOptions;
  readonly #entries = new Map<string, { offer: LeadOffer; at: number }>();
  /** One catalog read per offer at a time: concurrent captures of a cold offer share it. */
  readonly #loading = new Map<string, Promise<LeadOffer | undefined>>();

  constructor(inner: LeadOffers, options: OfferCacheOptions) {
    this.#inner = inner;
    this.#options = options;
  }

  async live(publisherId: string, offerId: string): Promise<LeadOffer | undefined> {
    const key = `${publisherId}\u0000${offerId}`;
    const now = this.#options.now();
    const hit = this.#entries.get(key);
    if (hit && now - hit.at < this.#options.ttlMs && now >= hit.at) return hit.offer;
    const loading = this.#loading.get(key);
    if (loading) return loading;
    const load = this.#inner.live(publisherId, offerId).then(
      (offer) => {
        this.#loading.delete(key);
        if (offer?.state === 'live') this.#store(key, offer, now);
        else this.#entries.delete(key);
        return offer;
      },
      (error: unknown) => {
        this.#loading.delete(key);
        throw error;
      },
    );
    this.#loading.set(key, load);
    return load;
  }

  draft(publisherId: string, offerId: string): Promise<LeadOffer | undefined> {
    return this.#inner.draft(publisherId, offerId);
  }

  /** Drops an offer, so the next read goes to the catalog (a publish in this process). */
  invalidate(publisherId: string, offerId: string): void {
    this.#entries.delete(`${publisherId}\u0000${offerId}`);
  }

  #store(key: string, offer: LeadOffer, at: number): void {
    this.#entries.delete(key);
    if (this.#entries.size >= (this.#options.maxEntries ?? DEFAULT_MAX_ENTRIES)) {
      this.#entries.delete(this.#entries.keys().next().value as string);
    }
    this.#entries.set(key, { offer, at });
  }
}

/** The cache, or the catalog's view itself when `ttlMs` is 0. */
export function cachedLeadOffers(inner: LeadOffers, options: OfferCacheOptions): LeadOffers & { invalidate?: (p: string, o: string) => void } {
  return options.ttlMs > 0 ? new CachedLeadOffers(inner, options) : inner;
}
