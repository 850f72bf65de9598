/**
 * A small read-through cache for hot lookups (resources, plan terms) within architecture.md "Caches": entries
 * live at most `ttlMs` of real time (default 5 s, the staleness bound), a write in this process can invalidate
 * one at once, the size is bounded, and concurrent misses for one key share one load. Only found values are
 * cached, so an unknown id cannot fill it. Never used for the usage dedup decision: the store makes that.
 */

export interface CacheOptions {
  ttlMs: number;
  maxEntries: number;
  /** Real time, not the project clock: staleness is about wall time. */
  now?: () => number;
}

export class ReadThroughCache<V> {
  readonly #entries = new Map<string, { value: V; expires: number }>();
  readonly #loading = new Map<string, Promise<V | undefined>>();
  readonly #options: Required<CacheOptions>;

  constructor(options: CacheOptions) {
    this.#options = { now: Date.now, ...options };
  }

  async get(key: string, load: () => Promise<V | undefined>): Promise<V | undefined> {
    const hit = this.#entries.get(key);
    if (hit && hit.expires > this.#options.now()) return hit.value;
    if (hit) this.#entries.delete(key);
    const pending = this.#loading.get(key);
    if (pending) return pending;
    const loading = load().then(
      (value) => {
        this.#loading.delete(key);
        if (value !== undefined && this.#options.ttlMs > 0) this.#store(key, value);
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

  #store(key: string, value: V): void {
    if (this.#entries.size >= this.#options.maxEntries) {
      // Maps iterate in insertion order: drop the oldest entry.
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
    this.#entries.set(key, { value, expires: this.#options.now() + this.#options.ttlMs });
  }
}
