/**
 * Read-through cache for subscription rows (architecture.md, Caches). A write through this process updates or
 * drops the entry at once; another worker's write is seen at most `ttlMs` later (default 5 s). Nothing is decided
 * from it alone: every change commits with the ETag it read, so a stale entry makes the commit fail (412), the entry
 * is dropped, and the use case re-reads from the table.
 */
import type { Stored, SubscriptionRecord } from '../model';
import type { SubscriptionStore, Write } from '../ports';
import { delegate } from './delegate';

interface Entry {
  value: Stored<SubscriptionRecord>;
  at: number;
}

export function cachedStore(
  inner: SubscriptionStore,
  options: { ttlMs: number; maxEntries?: number; now?: () => number },
): SubscriptionStore {
  if (options.ttlMs <= 0) return inner;
  const now = options.now ?? (() => performance.now());
  const max = options.maxEntries ?? 10_000;
  const rows = new Map<string, Entry>();
  const owners = new Map<string, string>(); // subscription id → publisher never changes
  const key = (publisherId: string, id: string) => `${publisherId}|${id}`;
  const remember = (k: string, value: Stored<SubscriptionRecord>) => {
    rows.delete(k);
    rows.set(k, { value, at: now() });
    if (rows.size > max) rows.delete(rows.keys().next().value as string);
  };
  // Bumped on every write of the key: a read that started before a write must not cache what it read.
  const generation = new Map<string, number>();
  const forget = (publisherId: string, writes: Write[]) => {
    for (const w of writes) {
      if (w.kind !== 'subscription') continue;
      const k = key(publisherId, w.value.id);
      rows.delete(k);
      generation.set(k, (generation.get(k) ?? 0) + 1);
      if (generation.size > max) generation.delete(generation.keys().next().value as string);
    }
  };
  return {
    ...delegate(inner),
    async getSubscription(publisherId, id) {
      const k = key(publisherId, id);
      const hit = rows.get(k);
      if (hit && now() - hit.at < options.ttlMs) return hit.value;
      const before = generation.get(k);
      const value = await inner.getSubscription(publisherId, id);
      if (value && generation.get(k) === before) remember(k, value);
      else rows.delete(k);
      return value;
    },
    async ownerOf(id) {
      const known = owners.get(id);
      if (known !== undefined) return known;
      const owner = await inner.ownerOf(id);
      if (owner !== undefined && owners.size < max) owners.set(id, owner);
      return owner;
    },
    async commit(publisherId, writes) {
      forget(publisherId, writes);
      const result = await inner.commit(publisherId, writes);
      forget(publisherId, writes); // a read that overlapped the commit does not cache the row it saw
      return result;
    },
  };
}
