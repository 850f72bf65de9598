/**
 * A small read-through cache for hot lookups (metering's resources and plan terms, the live offers leads and test
 * drives read) within architecture.md "Caches": entries live at most `ttlMs` (default 5 s, the staleness bound) on
 * the clock given, a clock moved back misses, a write in this process can invalidate one at once, the size is
 * bounded, and concurrent misses for one key share one load. Only found values (or those `keep` accepts) are
 * cached, so an unknown id cannot fill it. Never used for the usage dedup decision: the store makes that.
 */

export interface CacheOptions<V = unknown> {
  ttlMs: number;
  maxEntries: number;
  /** Real time by default (metering: staleness is about wall time); leads and test drives pass the project clock. */
  now?: () => number;
  /** Which found values are kept (default: all); the others are read again on the next call. */
  keep?: (value: V) => boolean;
}

export class ReadThroughCache<V> {
  readonly #entries = new Map<string, { value: V; at: number }>();
  readonly #loading = new Map<string, Promise<V | undefined>>();
  readonly #options: Required<CacheOptions<V>>;

  constructor(options: CacheOptions<V>) {
    this.#options = { now: Date.now, keep: () => true, ...options };
  }

  async get(key: string, load: () => Promise<V | undefined>): Promise<V | undefined> {
    const now = this.#options.now();
    const hit = this.#entries.get(key);
    if (hit && now >= hit.at && now - hit.at < this.#options.ttlMs) return hit.value;
    if (hit) this.#entries.delete(key);
    const pending = this.#loading.get(key);
    if (pending) return pending;
    const loading = load().then(
      (value) => {
        this.#loading.delete(key);
        if (value !== undefined && this.#options.ttlMs > 0 && this.#options.keep(value)) this.#store(key, value, now);
        return value;
      },
      (error: unknown) => {
        this.#loading.delete(key);
        throw error;
      },
    );
    this.#loading.set(key, loading);
    return loading;
  }

  invalidate(key: string): void {
    this.#entries.delete(key);
  }

  get size(): number {
    return this.#entries.size;
  }

  #store(key: string, value: V, at: number): void {
    this.#entries.delete(key);
    if (this.#entries.size >= this.#options.maxEntries) {
      // Maps iterate in insertion order: drop the oldest entry.
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
    this.#entries.set(key, { value, at });
  }
}
