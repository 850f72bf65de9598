/**
 * The catalog as other capabilities see it (ports.ts `OfferCatalog`): frozen versions, normalized. Frozen
 * versions are immutable, so each is read from storage once per process and then served from memory (frozen
 * objects: treat them as read-only); only the offer row (which version is live) is read on each call.
 */
import type { LiveOffer, LivePlan, OfferCatalog, OfferStore } from '../ports';
import { offerTypes } from '../model/offer-types';
import { liveOffer } from '../rules/live';
import { pendingPreview, readableVersion } from '../rules/preview';

const CACHE_LIMIT = 500;

/** Cached versions are shared by every caller: frozen, so no caller can change what another reads. */
function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

export class CatalogReader implements OfferCatalog {
  readonly #store: OfferStore;
  readonly #versions = new Map<string, Omit<LiveOffer, 'live'>>();

  constructor(store: OfferStore) {
    this.#store = store;
  }

  async #version(
    publisherId: string,
    offerId: string,
    version: number,
    liveVersion: number,
    internalId: string,
  ): Promise<LiveOffer | undefined> {
    const key = `${publisherId}/${offerId}/${version}`;
    let cached = this.#versions.get(key);
    if (!cached) {
      const frozen = await this.#store.getVersion(publisherId, offerId, version);
      if (!frozen) return undefined;
      const document = await this.#store.readDocument({ publisherId, offerId, internalId }, frozen.revision);
      if (!document) throw new Error(`Revision ${frozen.revision} of ${key} is missing.`);
      const { live: _live, ...rest } = liveOffer(offerTypes[document.offerTypeId], document, frozen, internalId, false);
      cached = deepFreeze(rest);
      if (this.#versions.size >= CACHE_LIMIT) this.#versions.delete(this.#versions.keys().next().value as string);
      this.#versions.set(key, cached);
    }
    return { ...cached, live: version === liveVersion };
  }

  async getOfferVersion(publisherId: string, offerId: string, version: number): Promise<LiveOffer | undefined> {
    const offer = await this.#store.get(publisherId, offerId);
    if (!offer || !readableVersion(offer.value, version)) return undefined;
    return this.#version(publisherId, offerId, version, offer.value.liveVersion, offer.value.internalId);
  }

  async getPreviewOffer(publisherId: string, offerId: string): Promise<LiveOffer | undefined> {
    const offer = await this.#store.get(publisherId, offerId);
    const version = offer ? pendingPreview(offer.value) : undefined;
    if (!offer || version === undefined) return undefined;
    return this.#version(publisherId, offerId, version, offer.value.liveVersion, offer.value.internalId);
  }

  async getLiveOffer(publisherId: string, offerId: string): Promise<LiveOffer | undefined> {
    const offer = await this.#store.get(publisherId, offerId);
    if (!offer || offer.value.liveVersion === 0) return undefined;
    return this.#version(publisherId, offerId, offer.value.liveVersion, offer.value.liveVersion, offer.value.internalId);
  }

  async getLivePlan(publisherId: string, offerId: string, planId: string): Promise<LivePlan | undefined> {
    return (await this.getLiveOffer(publisherId, offerId))?.plans.find((p) => p.planId === planId);
  }

  async getPurchasable(publisherId: string, offerId: string): Promise<LiveOffer | undefined> {
    const live = await this.getLiveOffer(publisherId, offerId);
    if (!live) return undefined;
    const plans = live.plans.filter((p) => p.purchasable);
    return plans.length > 0 ? { ...live, plans } : undefined;
  }
}
