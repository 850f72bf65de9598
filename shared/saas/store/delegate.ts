/** Store decorators (cache, due index, outbox hand-over) override a few methods and pass the rest through. */
import type { SubscriptionStore } from '../ports';

/** Every method of a store object (own properties and its class's), bound, so a decorator can override a few. */
export function delegate(store: SubscriptionStore): SubscriptionStore {
  const out: Record<string, unknown> = {};
  for (let o: object | null = store; o && o !== Object.prototype; o = Object.getPrototypeOf(o) as object | null) {
    for (const name of Object.getOwnPropertyNames(o)) {
      const value = (store as unknown as Record<string, unknown>)[name];
      if (name === 'constructor' || name in out || typeof value !== 'function') continue;
      out[name] = (value as (...a: unknown[]) => unknown).bind(store);
    }
  }
  return out as unknown as SubscriptionStore;
}
