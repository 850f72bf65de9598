/** Replay of dead-lettered leads (service/replay.ts; decision 0522) over in-memory ports. */
import { describe, expect, it } from 'vitest';
import { ConflictError, ForbiddenError, NotFoundError } from '../../../../shared/errors';
import type { LeadDeliveryRef } from '../../../../shared/leads/rules/delivery';
import { ReplayLeads } from '../../../../shared/leads/service/replay';
import { FakeClock, FakeOffers, lead, leadOffer, MemoryLeadStore, O, P, pendingDelivery } from '../../../fixtures/leads-fakes';

const T0 = '2026-03-01T00:00:00.000Z';
const LATER = '2026-03-09T10:00:00.000Z';
const attempt = { outcome: 'permanent' as const, category: 'http_404', number: 1, at: T0, destination: 'HttpsEndpoint' as const, latencyMs: 3 };

function setup() {
  const store = new MemoryLeadStore();
  const handed: LeadDeliveryRef[] = [];
  const offers = new FakeOffers();
  offers.set(leadOffer(P, O, { type: 'HttpsEndpoint', settings: {} }));
  const replay = new ReplayLeads({ store, offers, clock: new FakeClock(LATER), handoff: { handoff: async (ref) => void handed.push(ref) } });
  const add = async (id: string, extra: Parameters<typeof pendingDelivery>[2]) => {
    await store.capture(lead(id), pendingDelivery(id, T0, extra), { natural: { hash: id, expiresAt: T0 } });
  };
  return { store, handed, replay, add };
}

const ME = { kind: 'publisher' as const, publisherId: P };
const dead = { state: 'dead_lettered' as const, deadLetteredAt: T0, reason: 'http_404', attempts: [attempt], attemptCount: 1 };

describe('replay of one lead', () => {
  it('owes it again under the next generation with a fresh window, keeps its attempts, and hands it over', async () => {
    const { replay, store, handed, add } = setup();
    await add('L1', dead);
    const next = await replay.one(ME, P, O, 'L1');
    const expected = {
      leadId: 'L1',
      publisherId: P,
      offerId: O,
      state: 'pending',
      generation: 1,
      windowStartedAt: LATER,
      nextAttemptAt: LATER,
      attempts: [attempt],
      attemptCount: 1,
    };
    expect(next).toEqual(expected);
    expect(store.delivery(P, O, 'L1')).toEqual(expected);
    expect(handed).toEqual([{ publisherId: P, offerId: O, leadId: 'L1', generation: 1 }]);
  });

  it.each(['pending', 'delivered', 'held'] as const)('refuses a %s lead with 409 and changes nothing', async (state) => {
    const { replay, store, handed, add } = setup();
    await add('L1', { state });
    const before = store.delivery(P, O, 'L1');
    await expect(replay.one(ME, P, O, 'L1')).rejects.toThrow(ConflictError);
    await expect(replay.one(ME, P, O, 'L1')).rejects.toThrow('The lead L1 is not dead-lettered: only a dead-lettered lead can be replayed.');
    expect(store.delivery(P, O, 'L1')).toEqual(before);
    expect(handed).toEqual([]);
  });

  it('answers 404 for a lead the offer does not have, or an offer that does not exist', async () => {
    const { replay, add } = setup();
    await add('L1', dead);
    await expect(replay.one(ME, P, O, 'nope')).rejects.toThrow(NotFoundError);
    await expect(replay.one(ME, P, 'other-offer', 'L1')).rejects.toThrow('The offer contoso.other-offer does not exist.');
  });

  it("refuses another publisher's lead with 403 and changes nothing; an operator may replay it", async () => {
    const { replay, store, handed, add } = setup();
    await add('L1', dead);
    await expect(replay.one({ kind: 'publisher', publisherId: 'fabrikam' }, P, O, 'L1')).rejects.toThrow(ForbiddenError);
    await expect(replay.all({ kind: 'publisher', publisherId: 'fabrikam' }, P, O)).rejects.toThrow(ForbiddenError);
    expect(store.delivery(P, O, 'L1')?.state).toBe('dead_lettered');
    expect(handed).toEqual([]);
    await replay.one({ kind: 'operator' }, P, O, 'L1');
    expect(store.delivery(P, O, 'L1')?.state).toBe('pending');
  });

  it('replays a lead once when two replays race: the second finds it pending (If-Match)', async () => {
    const { replay, store, handed, add } = setup();
    await add('L1', dead);
    let raced = false;
    store.beforeReplace = async () => {
      if (raced) return;
      raced = true;
      await replay.one(ME, P, O, 'L1'); // the other replay commits between our read and our write
    };
    await expect(replay.one(ME, P, O, 'L1')).rejects.toThrow(ConflictError);
    expect(store.delivery(P, O, 'L1')).toMatchObject({ state: 'pending', generation: 1 });
    expect(handed).toHaveLength(1);
  });
});

describe('replay of all dead-lettered leads of an offer', () => {
  it('replays every dead-lettered lead across pages and leaves the others alone', async () => {
    const { replay, store, handed, add } = setup();
    const ids = Array.from({ length: 230 }, (_, i) => `D${String(i).padStart(3, '0')}`);
    for (const id of ids) await add(id, dead);
    await add('P1', {});
    await add('V1', { state: 'delivered' });
    const replayed = await replay.all(ME, P, O);
    expect(replayed.sort()).toEqual(ids);
    expect(handed.map((r) => r.leadId).sort()).toEqual(ids);
    expect(ids.every((id) => store.delivery(P, O, id)?.state === 'pending' && store.delivery(P, O, id)?.generation === 1)).toBe(true);
    expect(store.delivery(P, O, 'P1')).toMatchObject({ generation: 0 });
    expect(store.delivery(P, O, 'V1')).toMatchObject({ state: 'delivered' });
  });

  it('replays nothing when nothing is dead-lettered', async () => {
    const { replay, handed } = setup();
    expect(await replay.all(ME, P, O)).toEqual([]);
    expect(handed).toEqual([]);
  });
});
