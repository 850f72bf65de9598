/**
 * The storefront's list of live offers (decision 1003): every publisher's offers with a live version, a page at a
 * time, each with only the plans the caller's tenant may buy; an offer with none of those is left out (it would
 * show nothing to buy). A page may so hold fewer offers than asked, and `next` still says where to go on.
 */
import type { LiveOffer, OfferAddress, OfferCatalog, OfferStore } from '../ports';
import { canBuy } from '../rules/live';

export const STOREFRONT_PAGE_SIZE = 50;

export class StorefrontListing {
  readonly #store: OfferStore;
  readonly #catalog: OfferCatalog;

  constructor(deps: { store: OfferStore; catalog: OfferCatalog }) {
    this.#store = deps.store;
    this.#catalog = deps.catalog;
  }

  async list(tenantId: string, after?: OfferAddress): Promise<{ items: LiveOffer[]; next?: OfferAddress }> {
    const page = await this.#store.listLive(STOREFRONT_PAGE_SIZE, after);
    const offers = await Promise.all(page.items.map((o) => this.#catalog.getLiveOffer(o.publisherId, o.offerId)));
    const items = offers.filter((o): o is LiveOffer => o !== undefined && o.plans.some((plan) => canBuy(plan, tenantId)));
    return page.next ? { items, next: page.next } : { items };
  }
}
