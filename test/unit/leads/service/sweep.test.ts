/**
 * The lead sweeper (service/sweep.ts; decision 0521) over in-memory ports: overdue pending deliveries are started
 * again (a crash between capture and hand-over), held ones are released once their offer has a destination, and
 * index entries that point at nothing owed are dropped.
 */
import { describe, expect, it } from 'vitest';
import type { Delivery } from '../../../../shared/leads/model';
import type { LeadOffer } from '../../../../shared/leads/ports';
import type { LeadDeliveryRef } from '../../../../shared/leads/rules/delivery';
import type { ResolvedDestination } from '../../../../shared/leads/service/deliver';
import { SweepDeliveries } from '../../../../shared/leads/service/sweep';
import { withDeliveryIndex } from '../../../../shared/leads/store/due-index';
import { FakeClock, FakeOffers, httpsConfig, lead, leadOffer, MemoryIndex, MemoryLeadStore, O, P, pendingDelivery } from '../../../fixtures/leads-fakes';

const T0 = '2026-03-01T00:00:00.000Z';
const GRACE = 120_000;

const resolve = (offer: LeadOffer): ResolvedDestination =>
  offer.destination.type === 'None' ? { kind: 'held', reason: 'no_destination' } : { kind: 'deliverable', config: httpsConfig };

function setup(outcome: 'started' | 'running' | 'unavailable' = 'started', batch = 100) {
  const raw = new MemoryLeadStore();
  const index = new MemoryIndex();
  const store = withDeliveryIndex(raw, index);
  const offers = new FakeOffers();
  offers.set(leadOffer(P, O, { type: 'HttpsEndpoint', settings: {} }));
  const clock = new FakeClock(T0);
  const starts: LeadDeliveryRef[] = [];
  const sweep = new SweepDeliveries({
    store,
    index,
    offers,
    resolve,
    clock,
    start: async (ref) => (starts.push(ref), outcome),
    settings: { graceMs: GRACE, batch },
  });
  const capture = (id: string, extra: Parameters<typeof pendingDelivery>[2] = {}) =>
    store.capture(lead(id), pendingDelivery(id, T0, extra), { natural: { hash: id, expiresAt: T0 } });
  return { raw, index, store, offers, clock, starts, sweep, capture };
}

describe('overdue pending deliveries', () => {
  it('starts a delivery whose hand-over was lost once it is overdue by more than the grace, not before', async () => {
    const { sweep, clock, starts, capture } = setup();
    await capture('L1');
    clock.advance(GRACE);
    expect(await sweep.run()).toEqual({ started: 0, released: 0 });
    clock.advance(1);
    expect(await sweep.run()).toEqual({ started: 1, released: 0 });
    expect(starts).toEqual([{ publisherId: P, offerId: O, leadId: 'L1', generation: 0 }]);
  });

  it('handles at most `batch` overdue entries in one run, oldest first; the rest on the next run (spec: 500 a run)', async () => {
    const { sweep, clock, starts, capture, raw } = setup('started', 2);
    await capture('L1', { nextAttemptAt: '2026-03-01T00:00:03.000Z' });
    await capture('L2', { nextAttemptAt: '2026-03-01T00:00:01.000Z' });
    await capture('L3', { nextAttemptAt: '2026-03-01T00:00:02.000Z' });
    clock.advance(GRACE + 10_000);
    expect(await sweep.run()).toEqual({ started: 2, released: 0 });
    expect(starts.map((r) => r.leadId)).toEqual(['L2', 'L3']);
    // Their orchestrations delivered them: the next run drops their entries (they still fill its batch), the one after
    // reaches the third.
    for (const id of ['L2', 'L3']) raw.put({ ...(raw.delivery(P, O, id) as Delivery), state: 'delivered' });
    expect(await sweep.run()).toEqual({ started: 0, released: 0 });
    expect(await sweep.run()).toEqual({ started: 1, released: 0 });
    expect(starts.map((r) => r.leadId)).toEqual(['L2', 'L3', 'L1']);
  });

  it('counts a running orchestration as nothing to do, and keeps its entry', async () => {
    const { sweep, clock, starts, capture, index } = setup('running');
    await capture('L1');
    clock.advance(GRACE + 1);
    expect(await sweep.run()).toEqual({ started: 0, released: 0 });
    expect(starts).toHaveLength(1);
    expect(index.dropped).toEqual([]);
  });

  it('stops at the first start without a durable client (the next run tries again)', async () => {
    const { sweep, clock, starts, capture } = setup('unavailable');
    await capture('L1');
    await capture('L2');
    clock.advance(GRACE + 1);
    expect(await sweep.run()).toEqual({ started: 0, released: 0 });
    expect(starts).toHaveLength(1);
  });

  it('drops entries of deliveries that moved on (delivered, or due later) and starts nothing for them', async () => {
    const { sweep, clock, starts, capture, store, raw, index } = setup();
    await capture('L1');
    await capture('L2');
    const l1 = await raw.getDelivery(P, O, 'L1');
    await store.replaceDelivery({ ...(l1?.delivery ?? pendingDelivery('L1')), state: 'delivered', deliveredAt: T0 }, l1?.etag ?? '');
    const l2 = await raw.getDelivery(P, O, 'L2');
    const later = '2026-03-01T06:00:00.000Z';
    await store.replaceDelivery({ ...(l2?.delivery ?? pendingDelivery('L2')), nextAttemptAt: later }, l2?.etag ?? '');
    clock.advance(GRACE + 1);
    expect(await sweep.run()).toEqual({ started: 0, released: 0 });
    expect(starts).toEqual([]);
    expect(index.dropped.map((e) => [e.leadId, e.dueAt])).toEqual([
      ['L1', T0],
      ['L2', T0],
    ]);
    // L2's newer entry is still there and is started once it is overdue.
    clock.set('2026-03-01T06:02:00.001Z');
    expect(await sweep.run()).toEqual({ started: 1, released: 0 });
  });

  it('drops an entry whose capture never committed (no row)', async () => {
    const { sweep, clock, index, starts } = setup();
    await index.note(pendingDelivery('ghost'));
    clock.advance(GRACE + 1);
    await sweep.run();
    expect(starts).toEqual([]);
    expect(index.dropped.map((e) => e.leadId)).toEqual(['ghost']);
  });
});

describe('held deliveries', () => {
  it('releases held leads once the live offer has a deliverable destination: next generation, fresh window, started', async () => {
    const { sweep, offers, clock, starts, capture, raw } = setup();
    offers.set(leadOffer(P, O, { type: 'None', settings: {} }));
    await capture('L1', { state: 'held', reason: 'no_destination' });
    await capture('L2', { state: 'held', reason: 'no_destination' });
    expect(await sweep.run()).toEqual({ started: 0, released: 0 });
    expect(starts).toEqual([]);
    offers.set(leadOffer(P, O, { type: 'HttpsEndpoint', settings: {} }));
    clock.set('2026-03-04T00:00:00.000Z');
    expect(await sweep.run()).toEqual({ started: 0, released: 2 });
    expect(starts.map((r) => [r.leadId, r.generation])).toEqual([
      ['L1', 1],
      ['L2', 1],
    ]);
    expect(raw.delivery(P, O, 'L1')).toEqual({
      leadId: 'L1',
      publisherId: P,
      offerId: O,
      state: 'pending',
      generation: 1,
      windowStartedAt: '2026-03-04T00:00:00.000Z',
      nextAttemptAt: '2026-03-04T00:00:00.000Z',
      attempts: [],
      attemptCount: 0,
    });
  });

  it('releases nothing for an offer the catalog does not know', async () => {
    const { sweep, offers, capture, starts } = setup();
    await capture('L1', { state: 'held', reason: 'no_destination' });
    offers.offers.clear();
    expect(await sweep.run()).toEqual({ started: 0, released: 0 });
    expect(starts).toEqual([]);
  });

  it('does not release a lead that was released meanwhile (If-Match), and drops its held entry later', async () => {
    const { sweep, capture, raw, starts, index } = setup();
    await capture('L1', { state: 'held', reason: 'no_destination' });
    raw.beforeReplace = () => raw.put(pendingDelivery('L1', T0, { generation: 1 }));
    expect(await sweep.run()).toEqual({ started: 0, released: 0 });
    expect(starts).toEqual([]);
    raw.beforeReplace = undefined;
    await sweep.run();
    expect(index.dropped.map((e) => [e.leadId, e.dueAt])).toEqual([['L1', '']]);
  });
});

describe('held retention (spec 2.5 (7): 30 days; decision 0527)', () => {
  const DAY = 24 * 3_600_000;

  it('dead-letters a lead still held 30 days after capture (hold_expired), keeps it, and leaves the index', async () => {
    const { sweep, offers, clock, starts, capture, raw, index } = setup();
    offers.set(leadOffer(P, O, { type: 'None', settings: {} }));
    await capture('L1', { state: 'held', reason: 'no_destination' });
    clock.advance(30 * DAY - 1);
    expect(await sweep.run()).toEqual({ started: 0, released: 0 });
    expect(raw.delivery(P, O, 'L1')?.state).toBe('held');
    clock.advance(1);
    expect(await sweep.run()).toEqual({ started: 0, released: 0, expired: 1 });
    expect(raw.delivery(P, O, 'L1')).toEqual({
      leadId: 'L1',
      publisherId: P,
      offerId: O,
      state: 'dead_lettered',
      generation: 0,
      windowStartedAt: T0,
      attempts: [],
      attemptCount: 0,
      deadLetteredAt: '2026-03-31T00:00:00.000Z',
      reason: 'hold_expired',
    });
    expect(await index.held(10)).toEqual([]);
    expect(starts).toEqual([]);
    expect(await sweep.run()).toEqual({ started: 0, released: 0 });
  });

  it('delivers rather than expires: a destination published after the retention releases the lead', async () => {
    const { sweep, clock, starts, capture, raw } = setup();
    await capture('L1', { state: 'held', reason: 'no_destination' });
    clock.advance(40 * DAY);
    expect(await sweep.run()).toEqual({ started: 0, released: 1 });
    expect(raw.delivery(P, O, 'L1')).toMatchObject({ state: 'pending', generation: 1 });
    expect(starts.map((r) => r.leadId)).toEqual(['L1']);
  });

  it('honours a shorter retention setting and does not expire a lead changed meanwhile (If-Match)', async () => {
    const raw = new MemoryLeadStore();
    const index = new MemoryIndex();
    const store = withDeliveryIndex(raw, index);
    const offers = new FakeOffers();
    offers.set(leadOffer(P, O, { type: 'None', settings: {} }));
    const clock = new FakeClock(T0);
    const sweep = new SweepDeliveries({ store, index, offers, resolve, clock, start: async () => 'started', settings: { graceMs: GRACE, batch: 10, holdRetentionMs: DAY } });
    await store.capture(lead('L1'), pendingDelivery('L1', T0, { state: 'held', reason: 'no_destination' }), { natural: { hash: 'L1', expiresAt: T0 } });
    clock.advance(DAY);
    raw.beforeReplace = () => raw.put(pendingDelivery('L1', T0, { generation: 1 }));
    expect(await sweep.run()).toEqual({ started: 0, released: 0 });
    expect(raw.delivery(P, O, 'L1')).toMatchObject({ state: 'pending', generation: 1 });
  });
});

