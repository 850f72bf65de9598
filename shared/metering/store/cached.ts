/**
 * Read-through caches for the hot lookups of ingestion (architecture.md, Caches): the resource and the plan's
 * dimension terms. The usage dedup never goes through these; it is the usage store's insert.
 */
import { ReadThroughCache, type CacheOptions } from '../../cache';
import type { MeteredResource, PlanTerms, ResourceRef } from '../model';
import type { PlanDimensions, ResourceDirectory } from '../ports';

function refKey(ref: ResourceRef): string {
  return ref.kind === 'resourceId' ? `id:${ref.resourceId.toLowerCase()}` : `uri:${ref.resourceUri.toLowerCase()}`;
}

/** Stands for "not in this directory" in the cache, so a miss is remembered as long as a hit would be. */
const MISSING = Object.freeze({ missing: true as const });

export class CachedResourceDirectory implements ResourceDirectory {
  readonly #inner: ResourceDirectory;
  readonly #cache: ReadThroughCache<MeteredResource | typeof MISSING>;

  constructor(inner: ResourceDirectory, options: CacheOptions) {
    this.#inner = inner;
    this.#cache = new ReadThroughCache<MeteredResource | typeof MISSING>(options);
  }

  async lookup(ref: ResourceRef): Promise<MeteredResource | undefined> {
    // Misses are cached too: this directory sits in front of the SaaS subscriptions, and a SaaS resource must not
    // cost a round trip to this table on every event. Writers in this process invalidate either way.
    const found = await this.#cache.get(refKey(ref), async () => (await this.#inner.lookup(ref)) ?? MISSING);
    return found === undefined || found === MISSING ? undefined : (found as MeteredResource);
  }

  /** For writers in this process (the SaaS capability): the next lookup reads the store. */
  invalidate(resource: Pick<MeteredResource, 'resourceKey' | 'resourceUri'>): void {
    this.#cache.invalidate(refKey({ kind: 'resourceId', resourceId: resource.resourceKey }));
    if (resource.resourceUri) this.#cache.invalidate(refKey({ kind: 'resourceUri', resourceUri: resource.resourceUri }));
  }
}

export class CachedPlanDimensions implements PlanDimensions {
  readonly #inner: PlanDimensions;
  readonly #cache: ReadThroughCache<PlanTerms>;

  constructor(inner: PlanDimensions, options: CacheOptions) {
    this.#inner = inner;
    this.#cache = new ReadThroughCache<PlanTerms>(options);
  }

  terms(publisherId: string, offerId: string, planId: string, offerVersion?: number): Promise<PlanTerms | undefined> {
    const key = JSON.stringify([publisherId, offerId, planId, offerVersion ?? null]);
    return this.#cache.get(key, () => this.#inner.terms(publisherId, offerId, planId, offerVersion));
  }
}
