/**
 * One delivery attempt (service/deliver.ts; decision 0520) over in-memory ports. Each test names the wrong
 * implementation it catches: an attempt for a row that is not owed, a destination read at capture instead of at
 * dispatch, a blind (not If-Match) write, a lost attempt record.
 */
import { describe, expect, it } from 'vitest';
import { noFaults, PausePoints } from '../../../../shared/faults';
import { DeliverLead, FAULT_AFTER_TARGET, type ResolvedDestination } from '../../../../shared/leads/service/deliver';
import type { LeadOffer } from '../../../../shared/leads/ports';
import {
  FakeClock,
  FakeOffers,
  httpsConfig,
  lead,
  leadOffer,
  MemoryLeadStore,
  notFound,
  O,
  ok,
  P,
  pendingDelivery,
  ScriptedTarget,
  targetsWith,
  unavailable,
} from '../../../fixtures/leads-fakes';

const T0 = '2026-03-01T00:00:00.000Z';
const H = 3_600_000;
const REF = { publisherId: P, offerId: O, leadId: 'L1', generation: 0 };

function resolveHttps(offer: LeadOffer): ResolvedDestination {
  if (offer.destination.type === 'None') return { kind: 'held', reason: 'no_destination' };
  if (offer.destination.type === 'AzureBlob') return { kind: 'held', reason: 'destination_deprecated' };
  if (offer.destination.settings['broken']) return { kind: 'invalid', reason: 'invalid_destination' };
  return { kind: 'deliverable', config: { type: 'HttpsEndpoint', contactEmails: httpsConfig.contactEmails, httpsEndpointUri: String(offer.destination.settings['uri']) } };
}

function setup(script: ConstructorParameters<typeof ScriptedTarget>[0], options: { destination?: LeadOffer['destination']; faults?: PausePoints } = {}) {
  const store = new MemoryLeadStore();
  const offers = new FakeOffers();
  const clock = new FakeClock(T0);
  const target = new ScriptedTarget(script);
  offers.set(leadOffer(P, O, options.destination ?? { type: 'HttpsEndpoint', settings: { uri: 'https://a.contoso.com/leads' } }));
  void store.capture(lead('L1'), pendingDelivery('L1'), { natural: { hash: 'h', expiresAt: T0 } });
  const deliver = new DeliverLead({
    store,
    offers,
    resolve: resolveHttps,
    targets: targetsWith(target),
    clock,
    faults: options.faults ?? noFaults,
    random: () => 0.5,
    settings: { windowMs: 72 * H, timeoutMs: 30_000 },
  });
  return { store, offers, clock, target, deliver };
}

describe('one attempt', () => {
  it('delivers to the live destination and records one attempt', async () => {
    const { deliver, store, target } = setup([ok]);
    expect(await deliver.attempt(REF)).toEqual({ kind: 'done', state: 'delivered' });
    expect(target.calls).toEqual([{ leadId: 'L1', config: { ...httpsConfig, httpsEndpointUri: 'https://a.contoso.com/leads' }, timeoutMs: 30_000 }]);
    const d = store.delivery(P, O, 'L1');
    expect(d).toMatchObject({ state: 'delivered', deliveredAt: T0, attemptCount: 1, generation: 0 });
    expect(d?.nextAttemptAt).toBeUndefined();
    expect(d?.attempts).toEqual([{ ...ok, number: 1, at: T0, destination: 'HttpsEndpoint', latencyMs: 0 }]);
  });

  it('schedules the next attempt 30 s after a retryable failure and tells the orchestration to wait until then', async () => {
    const { deliver, store } = setup([unavailable]);
    expect(await deliver.attempt(REF)).toEqual({ kind: 'wait', until: '2026-03-01T00:00:30.000Z' });
    expect(store.delivery(P, O, 'L1')).toMatchObject({ state: 'pending', attemptCount: 1, nextAttemptAt: '2026-03-01T00:00:30.000Z' });
  });

  it('does not attempt before the next attempt is due (a sweeper start or an early timer)', async () => {
    const { deliver, store, target, clock } = setup([unavailable, ok]);
    await deliver.attempt(REF);
    clock.advance(29_999);
    expect(await deliver.attempt(REF)).toEqual({ kind: 'wait', until: '2026-03-01T00:00:30.000Z' });
    expect(target.calls).toHaveLength(1);
    clock.advance(1);
    expect(await deliver.attempt(REF)).toEqual({ kind: 'done', state: 'delivered' });
    expect(store.delivery(P, O, 'L1')?.attempts.map((a) => [a.number, a.category, a.at])).toEqual([
      [1, 'http_503', T0],
      [2, 'delivered', '2026-03-01T00:00:30.000Z'],
    ]);
  });

  it('dead-letters a permanent failure after one attempt, with its category', async () => {
    const { deliver, store } = setup([notFound]);
    expect(await deliver.attempt(REF)).toEqual({ kind: 'done', state: 'dead_lettered' });
    expect(store.delivery(P, O, 'L1')).toMatchObject({ state: 'dead_lettered', reason: 'http_404', deadLetteredAt: T0, attemptCount: 1 });
  });

  it('dead-letters when the window runs out, keeping every attempt', async () => {
    const { deliver, store, clock } = setup([unavailable]);
    let result = await deliver.attempt(REF);
    let calls = 1;
    while (result.kind === 'wait') {
      clock.set(result.until);
      result = await deliver.attempt(REF);
      calls += 1;
    }
    expect(result).toEqual({ kind: 'done', state: 'dead_lettered' });
    const d = store.delivery(P, O, 'L1');
    // 9 steps of the schedule (7 h 48 m 30 s), then every 6 h while within 72 h: 10 more, 20 attempts in all.
    expect(calls).toBe(20);
    expect(d).toMatchObject({ state: 'dead_lettered', reason: 'window_expired', attemptCount: 20 });
    expect(d?.attempts).toHaveLength(20);
    expect(Date.parse(d?.attempts.at(-1)?.at ?? '') - Date.parse(T0)).toBeLessThanOrEqual(72 * H);
  });

  it('counts an adapter that throws as a retryable failure without its message (it may hold a secret)', async () => {
    const { deliver, store } = setup([new TypeError('AccountKey=c2VjcmV0 rejected')]);
    expect(await deliver.attempt(REF)).toEqual({ kind: 'wait', until: '2026-03-01T00:00:30.000Z' });
    const attempt = store.delivery(P, O, 'L1')?.attempts[0];
    expect(attempt).toMatchObject({ outcome: 'retryable', category: 'internal_error', excerpt: 'TypeError' });
    expect(JSON.stringify(store.delivery(P, O, 'L1'))).not.toContain('c2VjcmV0');
  });
});

describe('what it does not attempt', () => {
  it.each(['delivered', 'dead_lettered', 'held'] as const)('a %s lead: nothing sent, nothing written', async (state) => {
    const { deliver, store, target } = setup([ok]);
    store.put(pendingDelivery('L1', T0, { state }));
    const before = await store.getDelivery(P, O, 'L1');
    expect(await deliver.attempt(REF)).toEqual({ kind: 'done', state: 'superseded' });
    expect(target.calls).toHaveLength(0);
    expect(await store.getDelivery(P, O, 'L1')).toEqual(before);
  });

  it('an older generation (the lead was replayed): nothing sent', async () => {
    const { deliver, store, target } = setup([ok]);
    store.put(pendingDelivery('L1', T0, { generation: 1 }));
    expect(await deliver.attempt(REF)).toEqual({ kind: 'done', state: 'superseded' });
    expect(target.calls).toHaveLength(0);
  });

  it('an unknown lead: nothing sent', async () => {
    const { deliver, target } = setup([ok]);
    expect(await deliver.attempt({ ...REF, leadId: 'nope' })).toEqual({ kind: 'done', state: 'superseded' });
    expect(target.calls).toHaveLength(0);
  });
});

describe('the destination is the live one at dispatch (spec 2.5 (3), (7))', () => {
  it('holds the lead while the offer has no destination, without an attempt', async () => {
    const { deliver, store, target } = setup([ok], { destination: { type: 'None', settings: {} } });
    expect(await deliver.attempt(REF)).toEqual({ kind: 'done', state: 'held' });
    expect(target.calls).toHaveLength(0);
    expect(store.delivery(P, O, 'L1')).toMatchObject({ state: 'held', reason: 'no_destination', attemptCount: 0 });
    expect(store.delivery(P, O, 'L1')?.nextAttemptAt).toBeUndefined();
  });

  it('holds the lead of a legacy Blob destination', async () => {
    const { deliver, store } = setup([ok], { destination: { type: 'AzureBlob', settings: {} } });
    expect(await deliver.attempt(REF)).toEqual({ kind: 'done', state: 'held' });
    expect(store.delivery(P, O, 'L1')?.reason).toBe('destination_deprecated');
  });

  it('holds the lead of an offer the catalog no longer knows', async () => {
    const { deliver, store, offers } = setup([ok]);
    offers.offers.clear();
    expect(await deliver.attempt(REF)).toEqual({ kind: 'done', state: 'held' });
    expect(store.delivery(P, O, 'L1')?.reason).toBe('offer_unavailable');
  });

  it('dead-letters, without an attempt, when the live settings cannot be used', async () => {
    const { deliver, store, target } = setup([ok], { destination: { type: 'HttpsEndpoint', settings: { broken: true } } });
    expect(await deliver.attempt(REF)).toEqual({ kind: 'done', state: 'dead_lettered' });
    expect(target.calls).toHaveLength(0);
    expect(store.delivery(P, O, 'L1')).toMatchObject({ state: 'dead_lettered', reason: 'invalid_destination', attemptCount: 0, deadLetteredAt: T0 });
  });

  it('sends a retry to the destination republished meanwhile', async () => {
    const { deliver, offers, target, clock } = setup([unavailable, ok]);
    await deliver.attempt(REF);
    offers.set(leadOffer(P, O, { type: 'HttpsEndpoint', settings: { uri: 'https://b.contoso.com/fixed' } }));
    clock.advance(30_000);
    expect(await deliver.attempt(REF)).toEqual({ kind: 'done', state: 'delivered' });
    expect(target.calls.map((c) => c.config.type === 'HttpsEndpoint' && c.config.httpsEndpointUri)).toEqual([
      'https://a.contoso.com/leads',
      'https://b.contoso.com/fixed',
    ]);
  });
});

describe('one offer cannot take every activity slot (spec 4 case 43)', () => {
  it('lets `offerConcurrency` attempts to one offer run at once; one more waits a second, unrecorded, and another offer is not held up', async () => {
    const { store, offers, clock } = setup([ok]);
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const target = new ScriptedTarget([ok]);
    target.during = () => held;
    offers.set(leadOffer(P, 'other-app', { type: 'HttpsEndpoint', settings: { uri: 'https://b.contoso.com/leads' } }));
    const deliver = new DeliverLead({
      store,
      offers,
      resolve: resolveHttps,
      targets: targetsWith(target),
      clock,
      faults: noFaults,
      random: () => 0.5,
      settings: { windowMs: 72 * H, timeoutMs: 30_000, offerConcurrency: 2, busyRetryMs: 1000 },
    });
    for (const id of ['A1', 'A2', 'A3']) await store.capture(lead(id), pendingDelivery(id), { natural: { hash: id, expiresAt: T0 } });
    await store.capture({ ...lead('B1'), offerId: 'other-app' }, { ...pendingDelivery('B1'), offerId: 'other-app' }, { natural: { hash: 'B1', expiresAt: T0 } });
    const a1 = deliver.attempt({ ...REF, leadId: 'A1' });
    const a2 = deliver.attempt({ ...REF, leadId: 'A2' });
    await until(() => target.calls.length === 2);
    expect(deliver.inFlight(P, O)).toBe(2);
    expect(await deliver.attempt({ ...REF, leadId: 'A3' })).toEqual({ kind: 'wait', until: '2026-03-01T00:00:01.000Z' });
    expect(store.delivery(P, O, 'A3')).toMatchObject({ state: 'pending', attemptCount: 0 });
    const b1 = deliver.attempt({ ...REF, offerId: 'other-app', leadId: 'B1' });
    await until(() => target.calls.length === 3);
    release();
    expect(await Promise.all([a1, a2, b1])).toEqual([
      { kind: 'done', state: 'delivered' },
      { kind: 'done', state: 'delivered' },
      { kind: 'done', state: 'delivered' },
    ]);
    expect(deliver.inFlight(P, O)).toBe(0);
    expect(await deliver.attempt({ ...REF, leadId: 'A3' })).toEqual({ kind: 'done', state: 'delivered' });
  });

  it('frees the slot when the adapter throws', async () => {
    const { deliver } = setup([new Error('boom')]);
    await deliver.attempt(REF);
    expect(deliver.inFlight(P, O)).toBe(0);
  });
});

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i += 1) await new Promise((r) => setImmediate(r));
  expect(condition()).toBe(true);
}

describe('recording is conditional (If-Match)', () => {
  it('a replay that lands while the target answers wins: the old generation records nothing', async () => {
    const { deliver, store, target } = setup([ok]);
    // A blind write would overwrite the replayed row (generation 1, fresh window) with the old generation's result.
    target.during = () => store.put(pendingDelivery('L1', '2026-03-02T00:00:00.000Z', { generation: 1 }));
    expect(await deliver.attempt(REF)).toEqual({ kind: 'done', state: 'superseded' });
    expect(store.delivery(P, O, 'L1')).toMatchObject({ state: 'pending', generation: 1, attemptCount: 0 });
  });

  it('a change that keeps the row owed is re-read and the attempt still recorded', async () => {
    const { deliver, store, target } = setup([unavailable]);
    // Another writer changed the row's window (still pending, same generation): the attempt is recorded on the new row.
    target.during = () => store.put(pendingDelivery('L1', T0, { windowStartedAt: '2026-02-28T12:00:00.000Z' }));
    expect(await deliver.attempt(REF)).toEqual({ kind: 'wait', until: '2026-03-01T00:00:30.000Z' });
    expect(store.delivery(P, O, 'L1')).toMatchObject({ attemptCount: 1, windowStartedAt: '2026-02-28T12:00:00.000Z' });
  });

  it('a row that never settles fails the activity (the orchestration retries it), it does not drop the attempt silently', async () => {
    const { deliver, store } = setup([ok]);
    store.beforeReplace = () => store.put(pendingDelivery('L1'));
    await expect(deliver.attempt(REF)).rejects.toThrow(/kept changing/);
  });

  it('pauses after the target answered and before the attempt is recorded (the crash point)', async () => {
    const faults = new PausePoints();
    const gate = faults.pause(FAULT_AFTER_TARGET);
    const { deliver, store, target } = setup([ok], { faults });
    const running = deliver.attempt(REF);
    await gate.arrivals(1);
    expect(target.calls).toHaveLength(1);
    expect(store.delivery(P, O, 'L1')).toMatchObject({ state: 'pending', attemptCount: 0 });
    gate.release();
    expect(await running).toEqual({ kind: 'done', state: 'delivered' });
  });
});

describe('the first attempt with the row its capture committed (decision 0524)', () => {
  function counting(store: MemoryLeadStore) {
    const reads = { delivery: 0, lead: 0 };
    const getDelivery = store.getDelivery.bind(store);
    const getLead = store.getLead.bind(store);
    store.getDelivery = (...a) => ((reads.delivery += 1), getDelivery(...a));
    store.getLead = (...a) => ((reads.lead += 1), getLead(...a));
    return reads;
  }

  it('delivers without reading the row or the lead back', async () => {
    const { deliver, store, target } = setup([ok]);
    await Promise.resolve();
    const etag = (await store.getDelivery(P, O, 'L1'))?.etag as string;
    const reads = counting(store);
    expect(await deliver.attempt(REF, { lead: lead('L1'), delivery: pendingDelivery('L1'), etag })).toEqual({ kind: 'done', state: 'delivered' });
    expect(reads).toEqual({ delivery: 0, lead: 0 });
    expect(target.calls.map((c) => c.leadId)).toEqual(['L1']);
    expect(store.delivery(P, O, 'L1')).toMatchObject({ state: 'delivered', attemptCount: 1 });
  });

  it('a row that changed since the capture: the replace loses and the attempt is added to the row as it is', async () => {
    const { deliver, store } = setup([ok]);
    await Promise.resolve();
    const etag = (await store.getDelivery(P, O, 'L1'))?.etag as string;
    // Another attempt (an orchestration the sweeper started) recorded a 503 meanwhile.
    store.put(pendingDelivery('L1', T0, { attemptCount: 1, attempts: [] }));
    expect(await deliver.attempt(REF, { lead: lead('L1'), delivery: pendingDelivery('L1'), etag })).toEqual({ kind: 'done', state: 'delivered' });
    expect(store.delivery(P, O, 'L1')).toMatchObject({ state: 'delivered', attemptCount: 2 });
  });

  it('without an ETag, or for another lead, the row is read (a delivered row is not sent again)', async () => {
    const { deliver, store, target } = setup([ok]);
    await Promise.resolve();
    store.put(pendingDelivery('L1', T0, { state: 'delivered' }));
    const reads = counting(store);
    expect(await deliver.attempt(REF, { lead: lead('L1'), delivery: pendingDelivery('L1') })).toEqual({ kind: 'done', state: 'superseded' });
    expect(await deliver.attempt(REF, { lead: lead('L2'), delivery: pendingDelivery('L1'), etag: '1' })).toEqual({ kind: 'done', state: 'superseded' });
    expect(reads.delivery).toBe(2);
    expect(target.calls).toEqual([]);
  });
});
