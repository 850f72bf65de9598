/**
 * The live test drive of an offer, cached for `ttlMs` (TESTDRIVE_OFFER_CACHE_TTL_MS, default 5 s; 0 = no cache;
 * decision 0708): a drive request read the catalog's live offer (and validated its test drive configuration) on every
 * call; now once per offer and TTL per host, concurrent requests of a cold offer sharing one read. Only an enabled
 * test drive is kept: an offer not found, not live, disabled or invalid is read again on the next call, so a test
 * drive that goes live is offered at once; a change to a live one (a new version, disabled) is seen within `ttlMs`.
 * A frozen version's configuration (`configAt`) never changes and is kept (a bounded number of versions).
 */
import type { OfferTestDrive, TestDriveConfig } from '../model';
import type { TestDriveOffers } from '../ports';

const MAX_ENTRIES = 1_000;

export class CachedTestDriveOffers implements TestDriveOffers {
  readonly #inner: TestDriveOffers;
  readonly #ttlMs: number;
  readonly #now: () => number;
  readonly #live = new Map<string, { offer: OfferTestDrive; at: number }>();
  readonly #loading = new Map<string, Promise<OfferTestDrive>>();
  readonly #versions = new Map<string, TestDriveConfig>();

  constructor(inner: TestDriveOffers, options: { ttlMs: number; now: () => number }) {
    this.#inner = inner;
    this.#ttlMs = options.ttlMs;
    this.#now = options.now;
  }

  async live(publisherId: string, offerId: string): Promise<OfferTestDrive> {
    if (this.#ttlMs <= 0) return this.#inner.live(publisherId, offerId);
    const key = `${publisherId}\u0000${offerId}`;
    const now = this.#now();
    const hit = this.#live.get(key);
    if (hit && now >= hit.at && now - hit.at < this.#ttlMs) return hit.offer;
    const pending = this.#loading.get(key);
    if (pending) return pending;
    const load = (async () => {
      try {
        const offer = await this.#inner.live(publisherId, offerId);
        this.#live.delete(key);
        if (offer.state === 'enabled') keep(this.#live, key, { offer, at: now });
        return offer;
      } finally {
        this.#loading.delete(key);
      }
    })();
    this.#loading.set(key, load);
    return load;
  }

  async configAt(publisherId: string, offerId: string, version: number): Promise<TestDriveConfig | undefined> {
    const key = `${publisherId}\u0000${offerId}\u0000${version}`;
    const hit = this.#versions.get(key);
    if (hit) return hit;
    const config = await this.#inner.configAt(publisherId, offerId, version);
    if (config && this.#ttlMs > 0) keep(this.#versions, key, config);
    return config;
  }
}

/** Inserts with the oldest entry dropped beyond MAX_ENTRIES. */
function keep<T>(map: Map<string, T>, key: string, value: T): void {
  map.set(key, value);
  if (map.size > MAX_ENTRIES) map.delete(map.keys().next().value as string);
}
