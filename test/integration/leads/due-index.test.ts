/**
 * Where the sweeper finds deliveries (store/due-index.ts; decision 0531) against Azurite, over the real lead store:
 * - the entry is written in the lead's own transaction and its offer is listed before it, so a committed pending
 *   row is always found (a store that listed the offer after the row would, on a crash in between, leave a lead the
 *   sweeper never finds: the first test fails then);
 * - "overdue" is a RowKey range per offer, across offers oldest first; held entries are listed apart;
 * - an entry is dropped only if unchanged since it was read (If-Match);
 * - the sweeper over the real store starts a lead whose hand-over was lost;
 * - a recorded outcome moves or removes the entry in the same transaction, so delivered leads do not starve an
 *   overdue one out of the sweeper's batch.
 */
import { describe, expect, it } from 'vitest';
import type { TableClient } from '@azure/data-tables';
import { noFaults } from '../../../shared/faults';
import { offerKey, type Delivery, type Lead } from '../../../shared/leads/model';
import type { LeadStore } from '../../../shared/leads/ports';
import type { LeadDeliveryRef } from '../../../shared/leads/rules/delivery';
import { DeliverLead } from '../../../shared/leads/service/deliver';
import { SweepDeliveries } from '../../../shared/leads/service/sweep';
import { TableDeliveryIndex, withDeliveryIndex } from '../../../shared/leads/store/due-index';
import { entryOf, TableLeadStore } from '../../../shared/leads/store/leads-table';

import { FakeClock, FakeOffers, httpsConfig, lead, leadOffer, O, ok, P, pendingDelivery, ScriptedTarget, targetsWith } from '../../fixtures/leads-fakes';
import { testStorage } from '../../fixtures/storage';

const T0 = '2026-03-01T00:00:00.000Z';
let seq = 0;

function ids(): string {
  seq += 1;
  return `01J${String(seq).padStart(23, '0')}`;
}

function setup(markers?: () => Promise<TableClient>) {
  const storage = testStorage();
  const table = new TableLeadStore(() => storage.table('Leads'), () => Date.parse(T0));
  const index = new TableDeliveryIndex(() => storage.table('Leads'), markers ?? (() => storage.table('LeadsDue')));
  return { storage, table, index, store: withDeliveryIndex(table, index) };
}

const keys = (id: string) => ({ natural: { hash: id, expiresAt: T0 } });

/** A table whose writes can be made to fail, counting them. */
function flakyTable(storage: ReturnType<typeof testStorage>, name: string) {
  const state = { fail: false, writes: 0 };
  const get = async () => {
    const table = await storage.table(name);
    return new Proxy(table, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver) as unknown;
        if (prop === 'upsertEntity' || prop === 'submitTransaction') {
          if (state.fail) return () => Promise.reject(new Error('ServerBusy'));
          state.writes += 1;
        }
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
  };
  return { state, get };
}

describe('TableDeliveryIndex', () => {
  it('lists the offer before its first lead is committed, and finds the lead once it is', async () => {
    const { table, index, storage } = setup();
    const id = ids();
    let listedAtCommit: string[] = [];
    const checking: LeadStore = {
      ...table,
      capture: async (l: Lead, d: Delivery, k) => {
        // What a sweeper would read if the process died here: the offers it looks in.
        listedAtCommit = [];
        for await (const e of (await storage.table('LeadsDue')).listEntities({ queryOptions: { filter: "PartitionKey eq 'offers'" } })) {
          listedAtCommit.push(String(e.rowKey));
        }
        return table.capture(l, d, k);
      },
      getLead: (...a) => table.getLead(...a),
      getDelivery: (...a) => table.getDelivery(...a),
      replaceDelivery: (...a) => table.replaceDelivery(...a),
      list: (...a) => table.list(...a),
    };
    await withDeliveryIndex(checking, index).capture(lead(id), pendingDelivery(id), keys(id));
    expect(listedAtCommit).toEqual([offerKey(P, O)]);
    expect((await index.due(new Date(T0), 100)).map((e) => e.leadId)).toEqual([id]);
  });

  it('lists pending entries due by a time across offers, oldest first, and held entries apart', async () => {
    const { store, index } = setup();
    const a = ids();
    const b = ids();
    const c = ids();
    const h = ids();
    const other = (id: string, extra: Parameters<typeof pendingDelivery>[2]) => ({ ...pendingDelivery(id, T0, extra), offerId: 'other-app' });
    await store.capture(lead(a), pendingDelivery(a, T0, { nextAttemptAt: '2026-03-01T00:05:00.000Z' }), keys(a));
    await store.capture({ ...lead(b), offerId: 'other-app' }, other(b, { nextAttemptAt: '2026-03-01T00:01:00.000Z' }), keys(b));
    await store.capture(lead(c), pendingDelivery(c, T0, { nextAttemptAt: '2026-03-01T01:00:00.000Z' }), keys(c));
    await store.capture(lead(h), pendingDelivery(h, T0, { state: 'held', reason: 'no_destination' }), keys(h));
    expect((await index.due(new Date('2026-03-01T00:05:00.000Z'), 100)).map((e) => [e.leadId, e.offerId, e.dueAt])).toEqual([
      [b, 'other-app', '2026-03-01T00:01:00.000Z'],
      [a, O, '2026-03-01T00:05:00.000Z'],
    ]);
    expect((await index.due(new Date('2026-03-01T00:04:59.999Z'), 100)).map((e) => e.leadId)).toEqual([b]);
    expect((await index.due(new Date('2026-03-01T00:05:00.000Z'), 1)).map((e) => e.leadId)).toEqual([b]);
    expect((await index.held(100)).map((e) => [e.leadId, e.dueAt])).toEqual([[h, '']]);
    expect(await index.held(0)).toEqual([]);
  });

  it('writes no entry for a delivered or dead-lettered row', async () => {
    expect(entryOf(pendingDelivery('x', T0, { state: 'delivered' }))).toBeUndefined();
    expect(entryOf(pendingDelivery('x', T0, { state: 'dead_lettered' }))).toBeUndefined();
    expect(entryOf(pendingDelivery('x', T0, { state: 'held' }))).toMatchObject({ partitionKey: offerKey(P, O), rowKey: 'held|x', dueAt: '' });
    expect(entryOf(pendingDelivery('x', T0))).toMatchObject({ rowKey: `due|${T0}|x`, dueAt: T0, leadId: 'x', publisherId: P, offerId: O });
  });

  it('drops an entry only if it was not rewritten since it was read', async () => {
    const { index, store, table, storage } = setup();
    const id = ids();
    await store.capture(lead(id), pendingDelivery(id), keys(id));
    const [entry] = await index.due(new Date(T0), 10);
    const stored = await table.getDelivery(P, O, id);
    // Rewritten after it was read (same key, new ETag).
    const entity = entryOf(stored?.delivery as Delivery) as { partitionKey: string; rowKey: string };
    await (await storage.table('Leads')).upsertEntity({ ...entity, writtenBy: 'again' }, 'Replace');
    await index.drop(entry as never);
    const [again] = await index.due(new Date(T0), 10);
    expect(again?.leadId).toBe(id);
    await index.drop(again as never);
    expect(await index.due(new Date(T0), 10)).toEqual([]);
    await index.drop(again as never); // gone already: fine
  });
});

describe('the offers list', () => {
  it('writes each offer once, however many captures meet, each capture waiting for it', async () => {
    const storage = testStorage();
    const markers = flakyTable(storage, 'LeadsDue');
    const { store, index } = setup(markers.get);
    const leads = Array.from({ length: 30 }, () => ids());
    await Promise.all(leads.map((id, i) => (i % 2 ? store.capture({ ...lead(id), offerId: 'second' }, { ...pendingDelivery(id), offerId: 'second' }, keys(id)) : store.capture(lead(id), pendingDelivery(id), keys(id)))));
    expect(markers.state.writes).toBe(2);
    expect(index.markerWrites).toBe(2);
    expect((await index.due(new Date(T0), 1000)).map((e) => e.leadId).sort()).toEqual([...leads].sort());
  });

  it('captures nothing when its offer cannot be listed, and tries again on the next capture', async () => {
    const storage = testStorage();
    const markers = flakyTable(storage, 'LeadsDue');
    const { store, index, table } = setup(markers.get);
    markers.state.fail = true;
    const a = ids();
    await expect(store.capture(lead(a), pendingDelivery(a), keys(a))).rejects.toThrow('ServerBusy');
    expect(await table.getDelivery(P, O, a)).toBeUndefined();
    markers.state.fail = false;
    const b = ids();
    await store.capture(lead(b), pendingDelivery(b), keys(b));
    expect((await index.due(new Date(T0), 10)).map((e) => e.leadId)).toEqual([b]);
  });
});

describe('the sweeper over the real store', () => {
  it('starts a lead whose hand-over was lost, once overdue, and drops the entry of a delivered one', async () => {
    const { store, index } = setup();
    const lost = ids();
    const done = ids();
    await store.capture(lead(lost), pendingDelivery(lost), keys(lost));
    await store.capture(lead(done), pendingDelivery(done), keys(done));
    const stored = await store.getDelivery(P, O, done);
    await store.replaceDelivery({ ...(stored?.delivery as Delivery), state: 'delivered', deliveredAt: T0 }, stored?.etag ?? '');
    const offers = new FakeOffers();
    offers.set(leadOffer(P, O, { type: 'HttpsEndpoint', settings: {} }));
    const starts: LeadDeliveryRef[] = [];
    const clock = new FakeClock('2026-03-01T00:02:00.001Z');
    const sweep = new SweepDeliveries({
      store,
      index,
      offers,
      resolve: () => ({ kind: 'deliverable', config: httpsConfig }),
      start: async (ref) => (starts.push(ref), 'started'),
      clock,
      settings: { graceMs: 120_000, batch: 100 },
    });
    expect(await sweep.run()).toEqual({ started: 1, released: 0 });
    expect(starts).toEqual([{ publisherId: P, offerId: O, leadId: lost, generation: 0 }]);
    expect((await index.due(clock.now(), 100)).map((e) => e.leadId)).toEqual([lost]);
  });
});

describe('finished leads leave the index at once (decision 0525)', () => {
  it('sweeps an overdue lead in the first run behind 600 leads delivered meanwhile (their entries do not fill the batch of 500)', async () => {
    const { store, index } = setup();
    const base = Date.parse(T0);
    const delivered = Array.from({ length: 600 }, () => ids());
    const at = (ms: number) => new Date(base + ms).toISOString();
    for (let i = 0; i < delivered.length; i += 50) {
      await Promise.all(delivered.slice(i, i + 50).map((id, j) => store.capture(lead(id), pendingDelivery(id, at(i + j)), keys(id))));
    }
    const overdueId = ids();
    await store.capture(lead(overdueId), pendingDelivery(overdueId, at(1_000)), keys(overdueId));
    const offers = new FakeOffers();
    offers.set(leadOffer(P, O, { type: 'HttpsEndpoint', settings: {} }));
    const clock = new FakeClock(at(2_000));
    const target = new ScriptedTarget([ok]);
    const deliver = new DeliverLead({
      store,
      offers,
      resolve: () => ({ kind: 'deliverable', config: httpsConfig }),
      targets: targetsWith(target),
      clock,
      faults: noFaults,
      random: () => 0.5,
      settings: { windowMs: 72 * 3_600_000, timeoutMs: 30_000, offerConcurrency: 1_000 },
    });
    for (let i = 0; i < delivered.length; i += 50) {
      const results = await Promise.all(delivered.slice(i, i + 50).map((leadId) => deliver.attempt({ publisherId: P, offerId: O, leadId, generation: 0 })));
      expect(results.every((r) => r.kind === 'done' && r.state === 'delivered')).toBe(true);
    }
    const starts: LeadDeliveryRef[] = [];
    clock.set(at(1_000 + 120_001));
    const sweep = new SweepDeliveries({
      store,
      index,
      offers,
      resolve: () => ({ kind: 'deliverable', config: httpsConfig }),
      start: async (ref) => (starts.push(ref), 'started'),
      clock,
      settings: { graceMs: 120_000, batch: 500 },
    });
    expect(await sweep.run()).toEqual({ started: 1, released: 0 });
    expect(starts.map((r) => r.leadId)).toEqual([overdueId]);
    expect((await index.due(clock.now(), 1_000)).map((e) => e.leadId)).toEqual([overdueId]);
  }, 120_000);

  it('moves a retried lead to its new due time and deletes its old entry; a dead-lettered one leaves none', async () => {
    const { store, index, table } = setup();
    const a = ids();
    const b = ids();
    await store.capture(lead(a), pendingDelivery(a), keys(a));
    await store.capture(lead(b), pendingDelivery(b), keys(b));
    const later = { ...pendingDelivery(a), nextAttemptAt: '2026-03-01T00:00:30.000Z' };
    const storedA = await table.getDelivery(P, O, a);
    expect(await store.replaceDelivery(later, storedA?.etag ?? '', storedA?.delivery)).toBe(true);
    const storedB = await table.getDelivery(P, O, b);
    const dead = { ...pendingDelivery(b), state: 'dead_lettered' as const, deadLetteredAt: T0, reason: 'http_404' };
    expect(await store.replaceDelivery(dead, storedB?.etag ?? '', storedB?.delivery)).toBe(true);
    expect((await index.due(new Date('2026-03-01T01:00:00.000Z'), 100)).map((e) => [e.leadId, e.dueAt])).toEqual([[a, '2026-03-01T00:00:30.000Z']]);
  });

  it('keeps the entry when the replace loses (the row was not recorded)', async () => {
    const { store, index, table } = setup();
    const a = ids();
    await store.capture(lead(a), pendingDelivery(a), keys(a));
    const stored = await table.getDelivery(P, O, a);
    const delivered = { ...pendingDelivery(a), state: 'delivered' as const, deliveredAt: T0 };
    expect(await store.replaceDelivery(delivered, 'W/"datetime\'2000-01-01T00%3A00%3A00.0000000Z\'"', stored?.delivery)).toBe(false);
    expect((await index.due(new Date(T0), 100)).map((e) => e.leadId)).toEqual([a]);
  });

  it('records a replace whose old entry is gone already (dropped as stale), writing its new one', async () => {
    const { store, index, table } = setup();
    const a = ids();
    await store.capture(lead(a), pendingDelivery(a), keys(a));
    const [gone] = await index.due(new Date(T0), 1);
    await index.drop(gone as never);
    const stored = await table.getDelivery(P, O, a);
    const later = { ...pendingDelivery(a), nextAttemptAt: '2026-03-01T00:00:30.000Z', attemptCount: 1 };
    expect(await store.replaceDelivery(later, stored?.etag ?? '', stored?.delivery)).toBe(true);
    expect((await table.getDelivery(P, O, a))?.delivery).toEqual(later);
    expect((await index.due(new Date('2026-03-01T01:00:00.000Z'), 100)).map((e) => e.dueAt)).toEqual(['2026-03-01T00:00:30.000Z']);
  });
});
