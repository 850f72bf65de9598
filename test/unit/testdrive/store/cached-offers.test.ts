/** The live test drive cached per offer for a TTL; only enabled ones kept (decision 0708). */
import { describe, expect, it } from 'vitest';
import type { OfferTestDrive, TestDriveConfig } from '../../../../shared/testdrive/model';
import { CachedTestDriveOffers } from '../../../../shared/testdrive/store/cached-offers';

const config = { regions: ['westus'], durationHours: 1 } as TestDriveConfig;

function fake() {
  const calls = { live: 0, configAt: 0 };
  let state: OfferTestDrive = { state: 'enabled', publisherId: 'p', offerId: 'o', version: 1, title: 't', config };
  return {
    calls,
    set: (next: OfferTestDrive) => (state = next),
    port: {
      live: async () => {
        calls.live += 1;
        return state;
      },
      configAt: async (_p: string, _o: string, version: number) => {
        calls.configAt += 1;
        return version === 1 ? config : undefined;
      },
    },
  };
}

describe('CachedTestDriveOffers', () => {
  it('reads an enabled test drive once per TTL, and again once the TTL has passed', async () => {
    const f = fake();
    let now = 1000;
    const cached = new CachedTestDriveOffers(f.port, { ttlMs: 5000, now: () => now });
    await cached.live('p', 'o');
    now += 4999;
    expect((await cached.live('p', 'o')).state).toBe('enabled');
    expect(f.calls.live).toBe(1);
    now += 1;
    f.set({ state: 'disabled' });
    expect((await cached.live('p', 'o')).state).toBe('disabled');
    expect(f.calls.live).toBe(2);
  });

  it('never keeps a test drive that is not enabled, so going live is seen at once', async () => {
    const f = fake();
    f.set({ state: 'not-live' });
    const cached = new CachedTestDriveOffers(f.port, { ttlMs: 5000, now: () => 0 });
    expect((await cached.live('p', 'o')).state).toBe('not-live');
    f.set({ state: 'enabled', publisherId: 'p', offerId: 'o', version: 2, title: 't', config });
    expect((await cached.live('p', 'o')).state).toBe('enabled');
    expect(f.calls.live).toBe(2);
  });

  it('shares one read among concurrent requests and reads every time with a TTL of 0', async () => {
    const f = fake();
    const cached = new CachedTestDriveOffers(f.port, { ttlMs: 5000, now: () => 0 });
    await Promise.all([cached.live('p', 'o'), cached.live('p', 'o'), cached.live('p', 'o')]);
    expect(f.calls.live).toBe(1);
    const uncached = new CachedTestDriveOffers(f.port, { ttlMs: 0, now: () => 0 });
    await uncached.live('p', 'o');
    await uncached.live('p', 'o');
    expect(f.calls.live).toBe(3);
  });

  it('reads again when the clock went back, and keeps offers apart', async () => {
    const f = fake();
    let now = 10_000;
    const cached = new CachedTestDriveOffers(f.port, { ttlMs: 5000, now: () => now });
    await cached.live('p', 'o');
    now = 9_999;
    await cached.live('p', 'o');
    await cached.live('p', 'other');
    expect(f.calls.live).toBe(3);
  });

  it('keeps a frozen version once found, and reads a missing one again', async () => {
    const f = fake();
    const cached = new CachedTestDriveOffers(f.port, { ttlMs: 5000, now: () => 0 });
    expect(await cached.configAt('p', 'o', 1)).toBe(config);
    expect(await cached.configAt('p', 'o', 1)).toBe(config);
    expect(await cached.configAt('p', 'o', 2)).toBeUndefined();
    expect(await cached.configAt('p', 'o', 2)).toBeUndefined();
    expect(f.calls.configAt).toBe(3);
  });
});
