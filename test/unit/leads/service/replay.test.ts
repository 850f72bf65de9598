/** Replay of dead-lettered leads (service/replay.ts; decision 0522) over in-memory ports. */
import { describe, expect, it } from 'vitest';
import { ConflictError, ForbiddenError, NotFoundError } from '../../../../shared/errors';
import type { LeadDeliveryRef } from '../../../../shared/leads/rules/delivery';
import { ReplayLeads } from '../../../../shared/leads/service/replay';
import { FakeClock, FakeOffers, lead, leadOffer, MemoryLeadStore, MemoryReplayBatches, O, P, pendingDelivery } from '../../../fixtures/leads-fakes';

const T0 = '2026-03-01T00:00:00.000Z';
const LATER = '2026-03-09T10:00:00.000Z';
const attempt = { outcome: 'permanent' as const, category: 'http_404', number: 1, at: T0, destination: 'HttpsEndpoint' as const, latencyMs: 3 };

function setup() {
  const store = new MemoryLeadStore();
  const handed: LeadDeliveryRef[] = [];
  const offers = new FakeOffers();
  offers.set(leadOffer(P, O, { type: 'HttpsEndpoint', settings: {} }));
  const batches = new MemoryReplayBatches();
  const tasks: (() => Promise<void>)[] = [];
  const deps = {
    store,
    offers,
    clock: new FakeClock(LATER),
    handoff: { handoff: async (ref: LeadDeliveryRef) => void handed.push(ref) },
    batches,
    random: (n: number) => new Uint8Array(n).fill(7),
    background: (task: () => Promise<void>) => void tasks.push(task),
  };
  const replay = new ReplayLeads(deps);
  /** The same use case in another host (same storage). */
  const another = () => new ReplayLeads(deps);
  /** Runs the background work the requests queued (what the requesting process does after its 202). */
  const background = async () => {
    for (const task of tasks.splice(0)) await task();
  };
  const add = async (id: string, extra: Parameters<typeof pendingDelivery>[2]) => {
    await store.capture(lead(id), pendingDelivery(id, T0, extra), { natural: { hash: id, expiresAt: T0 } });
  };
  return { store, handed, replay, add, batches, tasks, background, another };
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

describe('replay of all dead-lettered leads of an offer (a batch, decision 0526)', () => {
  it('answers a stored, queued batch before reopening anything; the background run replays every dead-lettered lead across pages', async () => {
    const { replay, store, handed, add, batches, background } = setup();
    const ids = Array.from({ length: 230 }, (_, i) => `D${String(i).padStart(3, '0')}`);
    for (const id of ids) await add(id, dead);
    await add('P1', {});
    await add('V1', { state: 'delivered' });
    const batch = await replay.all(ME, P, O);
    const queued = { batchId: '01KK90M3800W3GE1R70W3GE1R7', publisherId: P, offerId: O, state: 'queued', requestedAt: LATER, cutoff: LATER, replayed: 0 };
    expect(batch).toEqual(queued);
    expect((await batches.get({ publisherId: P, offerId: O, batchId: batch.batchId }))?.batch).toEqual(queued);
    expect(handed).toEqual([]);
    expect(store.delivery(P, O, 'D000')?.state).toBe('dead_lettered');
    await background();
    expect(handed.map((r) => r.leadId).sort()).toEqual(ids);
    expect(ids.every((id) => store.delivery(P, O, id)?.state === 'pending' && store.delivery(P, O, id)?.generation === 1)).toBe(true);
    expect(store.delivery(P, O, 'P1')).toMatchObject({ generation: 0 });
    expect(store.delivery(P, O, 'V1')).toMatchObject({ state: 'delivered' });
    expect(await replay.batch(ME, { publisherId: P, offerId: O, batchId: batch.batchId })).toEqual({
      batchId: batch.batchId,
      publisherId: P,
      offerId: O,
      state: 'done',
      requestedAt: LATER,
      cutoff: LATER,
      replayed: 230,
      finishedAt: LATER,
    });
    expect(await batches.open(10)).toEqual([]);
  });

  it('replays nothing when nothing is dead-lettered (the batch is done with 0)', async () => {
    const { replay, handed, background } = setup();
    const batch = await replay.all(ME, P, O);
    await background();
    expect(handed).toEqual([]);
    expect(await replay.batch(ME, { publisherId: P, offerId: O, batchId: batch.batchId })).toMatchObject({ state: 'done', replayed: 0 });
  });

  it('does not replay a lead dead-lettered after the request', async () => {
    const { replay, handed, add, background } = setup();
    await add('D1', dead);
    await add('D2', { ...dead, deadLetteredAt: '2026-03-09T10:00:00.001Z' });
    await replay.all(ME, P, O);
    await background();
    expect(handed.map((r) => r.leadId)).toEqual(['D1']);
  });

  it('gives the same batch for the same Idempotency-Key and runs it once; another key is another batch', async () => {
    const { replay, handed, add, tasks, background } = setup();
    await add('D1', dead);
    const first = await replay.all(ME, P, O, 'retry-me');
    const again = await replay.all(ME, P, O, 'retry-me');
    expect(first.batchId).toMatch(/^k[0-9a-f]{25}$/);
    expect(again).toEqual(first);
    expect(tasks).toHaveLength(1);
    await background();
    expect(await replay.all(ME, P, O, 'retry-me')).toMatchObject({ batchId: first.batchId, state: 'done', replayed: 1 });
    expect((await replay.all(ME, P, O, 'other')).batchId).not.toBe(first.batchId);
    expect(handed.map((r) => r.leadId)).toEqual(['D1']);
  });

  it('is resumed by the sweeper when the requesting process died before running it, 500 leads a run', async () => {
    const { replay, handed, add, tasks, batches } = setup();
    const ids = Array.from({ length: 620 }, (_, i) => `D${String(i).padStart(3, '0')}`);
    for (const id of ids) await add(id, dead);
    const batch = await replay.all(ME, P, O);
    tasks.length = 0; // the host died after the 202
    expect(await replay.resume()).toBe(500);
    expect(await replay.batch(ME, { publisherId: P, offerId: O, batchId: batch.batchId })).toMatchObject({ state: 'queued', replayed: 500 });
    expect(await replay.resume()).toBe(120);
    expect(await replay.resume()).toBe(0);
    expect(handed.map((r) => r.leadId).sort()).toEqual(ids);
    expect(await batches.open(10)).toEqual([]);
  });

  it('stops a runner that loses the batch row to another host\'s runner (each lead still reopened once)', async () => {
    const { replay, handed, add, background, store, another } = setup();
    for (const id of ['D1', 'D2']) await add(id, dead);
    let raced = false;
    store.beforeReplace = async () => {
      if (raced) return;
      raced = true;
      await another().resume(); // another host's sweeper runs the same batch meanwhile
    };
    await replay.all(ME, P, O);
    await background();
    expect(handed.map((r) => r.leadId).sort()).toEqual(['D1', 'D2']);
  });

  it('runs a batch once in a process: the sweeper skips the batch its request is still running, so the count is exact', async () => {
    const { replay, handed, add, background, store } = setup();
    for (const id of ['D1', 'D2', 'D3']) await add(id, dead);
    let resumed = -1;
    store.beforeReplace = async () => {
      if (resumed === -1) resumed = await replay.resume();
    };
    const batch = await replay.all(ME, P, O);
    await background();
    expect(resumed).toBe(0);
    expect(handed).toHaveLength(3);
    expect(await replay.batch(ME, { publisherId: P, offerId: O, batchId: batch.batchId })).toMatchObject({ state: 'done', replayed: 3 });
  });

  it("refuses another publisher's offer (403) and an unknown offer or batch (404), storing no batch", async () => {
    const { replay, batches } = setup();
    await expect(replay.all({ kind: 'publisher', publisherId: 'fabrikam' }, P, O)).rejects.toThrow(ForbiddenError);
    await expect(replay.all(ME, P, 'other-offer')).rejects.toThrow(NotFoundError);
    expect(batches.rows.size).toBe(0);
    await expect(replay.batch(ME, { publisherId: P, offerId: O, batchId: 'nope' })).rejects.toThrow('The replay batch nope does not exist for offer contoso.contoso-app.');
    await expect(replay.batch({ kind: 'publisher', publisherId: 'fabrikam' }, { publisherId: P, offerId: O, batchId: 'nope' })).rejects.toThrow(ForbiddenError);
  });
});
