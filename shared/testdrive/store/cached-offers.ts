/**
 * The live test drive of an offer, cached for `ttlMs` (TESTDRIVE_OFFER_CACHE_TTL_MS, default 5 s; 0 = no cache;
 * decision 0708): a drive request read the catalog's live offer (and validated its test drive configuration) on every
 * call; now once per offer and TTL per host, concurrent requests of a cold offer sharing one read. Only an enabled
 * test drive is kept: an offer not found, not live, disabled or invalid is read again on the next call, so a test
 * drive that goes live is offered at once; a change to a live one (a new version, disabled) is seen within `ttlMs`.
 * A frozen version's configuration (`configAt`) never changes and is kept (a bounded number of versions).
 */
import { ReadThroughCache } from '../../cache';
import type { OfferTestDrive, TestDriveConfig } from '../model';
import type { TestDriveOffers } from '../ports';

const MAX_ENTRIES = 1_000;

export class CachedTestDriveOffers implements TestDriveOffers {
  readonly #inner: TestDriveOffers;
  readonly #ttlMs: number;
  readonly #live: ReadThroughCache<OfferTestDrive>;
  /** Frozen versions never change: kept until evicted. */
  readonly #versions: ReadThroughCache<TestDriveConfig>;

  constructor(inner: TestDriveOffers, options: { ttlMs: number; now: () => number }) {
    this.#inner = inner;
    this.#ttlMs = options.ttlMs;
    this.#live = new ReadThroughCache({ ttlMs: options.ttlMs, maxEntries: MAX_ENTRIES, now: options.now, keep: (o) => o.state === 'enabled' });
    this.#versions = new ReadThroughCache({ ttlMs: options.ttlMs > 0 ? Infinity : 0, maxEntries: MAX_ENTRIES, now: options.now });
  }

  async live(publisherId: string, offerId: string): Promise<OfferTestDrive> {
    if (this.#ttlMs <= 0) return this.#inner.live(publisherId, offerId);
    const offer = await this.#live.get(`${publisherId}\u0000${offerId}`, () => this.#inner.live(publisherId, offerId));
    return offer as OfferTestDrive; // the catalog's view always answers a state, never undefined
  }

  configAt(publisherId: string, offerId: string, version: number): Promise<TestDriveConfig | undefined> {
    return this.#versions.get(`${publisherId}\u0000${offerId}\u0000${version}`, () => this.#inner.configAt(publisherId, offerId, version));
  }
}
