/**
 * The live offer's cache (store/cached-offers.ts; decision 0524) on a fake project clock. Each test names the wrong
 * implementation it catches: a cache without a bound (a destination changed in the catalog never used), one that
 * keeps a missing or draft offer (a newly published offer refused), one read per capture of a cold offer under a
 * burst, an invalidation that does nothing, a cached draft (Validate must check what the publisher just saved).
 */
import { describe, expect, it } from 'vitest';
import type { LeadOffer, LeadOffers } from '../../../../shared/leads/ports';
import { cachedLeadOffers, CachedLeadOffers } from '../../../../shared/leads/store/cached-offers';
import { FakeClock, leadOffer } from '../../../fixtures/leads-fakes';

const T0 = '2026-03-01T00:00:00.000Z';

class CountingOffers implements LeadOffers {
  reads = 0;
  drafts = 0;
  current: LeadOffer | undefined = leadOffer('contoso', 'app', { type: 'HttpsEndpoint', settings: { uri: 'https://a.contoso.com' } });
  fail: Error | undefined;
  async live(): Promise<LeadOffer | undefined> {
    this.reads += 1;
    await Promise.resolve();
    if (this.fail) throw this.fail;
    return this.current;
  }
  async draft(): Promise<LeadOffer | undefined> {
    this.drafts += 1;
    return this.current;
  }
}

function setup(ttlMs = 5000, maxEntries?: number) {
  const inner = new CountingOffers();
  const clock = new FakeClock(T0);
  const cache = new CachedLeadOffers(inner, { ttlMs, now: () => clock.now().getTime(), ...(maxEntries ? { maxEntries } : {}) });
  return { inner, clock, cache };
}

const moved = (uri: string) => leadOffer('contoso', 'app', { type: 'HttpsEndpoint', settings: { uri } });

describe('the live offer cache', () => {
  it('reads the catalog once per TTL; a changed destination is used once the TTL has passed, not before', async () => {
    const { inner, clock, cache } = setup(5000);
    expect((await cache.live('contoso', 'app'))?.destination.settings['uri']).toBe('https://a.contoso.com');
    inner.current = moved('https://b.contoso.com');
    clock.advance(4999);
    expect((await cache.live('contoso', 'app'))?.destination.settings['uri']).toBe('https://a.contoso.com');
    expect(inner.reads).toBe(1);
    clock.advance(1); // exactly the TTL
    expect((await cache.live('contoso', 'app'))?.destination.settings['uri']).toBe('https://b.contoso.com');
    expect(inner.reads).toBe(2);
  });

  it('a clock moved back does not serve an entry from the future', async () => {
    const { inner, clock, cache } = setup(5000);
    await cache.live('contoso', 'app');
    clock.advance(-1);
    await cache.live('contoso', 'app');
    expect(inner.reads).toBe(2);
  });

  it('invalidate drops the offer at once', async () => {
    const { inner, cache } = setup();
    await cache.live('contoso', 'app');
    inner.current = moved('https://b.contoso.com');
    cache.invalidate('contoso', 'app');
    expect((await cache.live('contoso', 'app'))?.destination.settings['uri']).toBe('https://b.contoso.com');
  });

  it('keeps neither a missing offer nor one never made live: publishing it takes effect at once', async () => {
    const { inner, cache } = setup();
    inner.current = undefined;
    expect(await cache.live('contoso', 'app')).toBeUndefined();
    inner.current = { ...moved('https://a.contoso.com'), state: 'draft' };
    expect((await cache.live('contoso', 'app'))?.state).toBe('draft');
    inner.current = moved('https://a.contoso.com');
    expect((await cache.live('contoso', 'app'))?.state).toBe('live');
    expect(await cache.live('contoso', 'app')).toBeDefined();
    expect(inner.reads).toBe(3);
  });

  it('concurrent reads of a cold offer share one catalog read; a failed read is not kept', async () => {
    const { inner, cache } = setup();
    inner.fail = new Error('catalog down');
    await expect(Promise.all([cache.live('contoso', 'app'), cache.live('contoso', 'app')])).rejects.toThrow('catalog down');
    expect(inner.reads).toBe(1);
    inner.fail = undefined;
    const [a, b] = await Promise.all([cache.live('contoso', 'app'), cache.live('contoso', 'app')]);
    expect(a).toBe(b);
    expect(inner.reads).toBe(2);
  });

  it('keeps at most maxEntries offers, dropping the oldest', async () => {
    const { inner, cache } = setup(5000, 2);
    for (const id of ['a', 'b', 'c']) await cache.live('contoso', id);
    await cache.live('contoso', 'c');
    await cache.live('contoso', 'b');
    expect(inner.reads).toBe(3);
    await cache.live('contoso', 'a');
    expect(inner.reads).toBe(4);
  });

  it('never caches the draft', async () => {
    const { inner, cache } = setup();
    await cache.draft('contoso', 'app');
    await cache.draft('contoso', 'app');
    expect(inner.drafts).toBe(2);
  });

  it('a TTL of 0 is the catalog itself', () => {
    const inner = new CountingOffers();
    expect(cachedLeadOffers(inner, { ttlMs: 0, now: () => 0 })).toBe(inner);
    expect(cachedLeadOffers(inner, { ttlMs: 1, now: () => 0 })).toBeInstanceOf(CachedLeadOffers);
  });
});
