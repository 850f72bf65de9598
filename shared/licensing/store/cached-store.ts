/**
 * Read-through cache of what the run-time license check reads (decision 0803): the pool row and the assignment row
 * (found or not), and the catalog's live plan. Modelled on the SaaS store's cache (shared/saas/store/cache.ts):
 * - every commit through this process drops the rows it writes, before and after the transaction, so the next
 *   check in this process reads them from the table;
 * - a read that overlapped a write of its row never caches what it read (its load is marked stale by the write);
 * - another process's write is seen at most `ttlMs` later (LICENSING_CACHE_TTL_MS, default 5 s; 0 = no cache);
 * - the size is bounded (oldest entry out first) and concurrent misses of one row share one read.
 * Only the check reads through the cache (`reads`). Every other use case reads the table (`store`): they decide
 * no-ops (already assigned, not held) from what they read, and must not decide those on a stale row.
 */
import type { LicenseAssignment, LicensePool, Stored } from '../model';
import type { LicensePlans, LicenseStore, LicenseWrite } from '../ports';
import { keyOf, rowKey } from './table';

export interface LicenseCacheOptions {
  /** How long an entry answers without a read (the cross-process bound); 0 turns the cache off. */
  ttlMs: number;
  maxEntries?: number;
  /** Real time, not the project clock: staleness is about wall time. */
  now?: () => number;
}

interface Load<V> {
  promise: Promise<V>;
  /** Set by a write of the key while the load was in flight: its result is returned but never cached. */
  stale: boolean;
}

/** A bounded, TTL-limited map whose loads a write can make stale; values may be `undefined` (a miss is cached too). */
export class RowCache<V> {
  readonly #entries = new Map<string, { value: V; at: number }>();
  readonly #loading = new Map<string, Load<V>>();
  readonly #ttlMs: number;
  readonly #max: number;
  readonly #now: () => number;

  constructor(options: LicenseCacheOptions) {
    this.#ttlMs = options.ttlMs;
    this.#max = options.maxEntries ?? 10_000;
    this.#now = options.now ?? (() => performance.now());
  }

  get size(): number {
    return this.#entries.size;
  }

  async get(key: string, read: () => Promise<V>, keep: (value: V) => boolean = () => true): Promise<V> {
    const hit = this.#entries.get(key);
    if (hit && this.#now() - hit.at < this.#ttlMs) return hit.value;
    if (hit) this.#entries.delete(key);
    const pending = this.#loading.get(key);
    if (pending) return pending.promise;
    const load: Load<V> = { promise: Promise.resolve(undefined as V), stale: false };
    load.promise = (async () => {
      try {
        const value = await read();
        if (!load.stale && keep(value)) this.#remember(key, value);
        return value;
      } finally {
        if (this.#loading.get(key) === load) this.#loading.delete(key);
      }
    })();
    this.#loading.set(key, load);
    return load.promise;
  }

  /** A write of `key` in this process: the entry goes, and a read in flight neither caches nor is shared any more. */
  forget(key: string): void {
    this.#entries.delete(key);
    const load = this.#loading.get(key);
    if (load) {
      load.stale = true;
      this.#loading.delete(key);
    }
  }

  #remember(key: string, value: V): void {
    this.#entries.delete(key);
    this.#entries.set(key, { value, at: this.#now() });
    if (this.#entries.size > this.#max) this.#entries.delete(this.#entries.keys().next().value as string);
  }
}

export interface CachedLicenseStore {
  /** The table's store for every use case but the check: reads go to the table; commits drop the cached rows. */
  store: LicenseStore;
  /** The check's store: `getPool` and `getAssignment` through the cache, everything else as `store`. */
  reads: LicenseStore;
}

const cacheKey = (tenantId: string, row: string) => `${tenantId}\n${row}`;

/** Wraps the table store; with `ttlMs` 0 both views are the table store itself. */
export function cachedLicenseStore(inner: LicenseStore, options: LicenseCacheOptions): CachedLicenseStore {
  if (options.ttlMs <= 0) return { store: inner, reads: inner };
  const rows = new RowCache<Stored<unknown> | undefined>(options);
  const forget = (tenantId: string, writes: readonly LicenseWrite[]) => {
    for (const w of writes) rows.forget(cacheKey(tenantId, keyOf(w)));
  };
  const store: LicenseStore = {
    getPool: (t, s) => inner.getPool(t, s),
    listPools: (t) => inner.listPools(t),
    getAssignment: (t, s, u) => inner.getAssignment(t, s, u),
    listAssignments: (t, s) => inner.listAssignments(t, s),
    listPoolsOf: (p) => inner.listPoolsOf(p),
    listSnapshotsOf: (p) => inner.listSnapshotsOf(p),
    getDeal: (t, d) => inner.getDeal(t, d),
    getConsent: (t, p) => inner.getConsent(t, p),
    putIndex: (n, id, v) => inner.putIndex(n, id, v),
    getIndex: (n, id) => inner.getIndex(n, id),
    getBatch: (t, b) => inner.getBatch(t, b),
    batchUsers: (t, b, c) => inner.batchUsers(t, b, c),
    tenantOfBatch: (b) => inner.tenantOfBatch(b),
    indexBatch: (b, t) => inner.indexBatch(b, t),
    getGroup: (t, g) => inner.getGroup(t, g),
    approvalFails: (t, u) => inner.approvalFails(t, u),
    setApprovalFault: (t, u, f) => inner.setApprovalFault(t, u, f),
    // The only writer of pool and assignment rows (putIndex, indexBatch and setApprovalFault write rows the cache
    // never holds). Before: a check starting during the transaction reads the table. After (also on a failure, whose
    // outcome is unknown): a read that overlapped the transaction does not cache the row it saw.
    async commit(tenantId, writes) {
      forget(tenantId, writes);
      try {
        return await inner.commit(tenantId, writes);
      } finally {
        forget(tenantId, writes);
      }
    },
  };
  const reads: LicenseStore = {
    ...store,
    getPool: (t, s) => rows.get(cacheKey(t, rowKey.pool(s)), () => inner.getPool(t, s)) as Promise<Stored<LicensePool> | undefined>,
    getAssignment: (t, s, u) =>
      rows.get(cacheKey(t, rowKey.assignment(s, u)), () => inner.getAssignment(t, s, u)) as Promise<Stored<LicenseAssignment> | undefined>,
  };
  return { store, reads };
}

/**
 * The catalog's live plan, cached for `ttlMs` (found plans only, so a plan that goes live is seen at once). The
 * catalog is another capability and tells licensing nothing when an offer goes live again or stops distribution:
 * the check sees such a change within `ttlMs` in every process, this one included (decision 0803).
 */
export function cachedPlans(inner: LicensePlans, options: LicenseCacheOptions): LicensePlans {
  if (options.ttlMs <= 0) return inner;
  type Plan = Awaited<ReturnType<LicensePlans['plan']>>;
  const plans = new RowCache<Plan>({ maxEntries: 2_000, ...options });
  return {
    plan: (publisherId, offerId, planId) =>
      plans.get(
        JSON.stringify([publisherId, offerId, planId]),
        () => inner.plan(publisherId, offerId, planId),
        (plan) => plan !== undefined,
      ),
  };
}
