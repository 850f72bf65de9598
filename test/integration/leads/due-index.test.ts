/**
 * The lead delivery index (store/due-index.ts; decision 0521) against Azurite, over the real lead store:
 * - the entry is written before the row, so a committed pending row always has one (a store that wrote the row
 *   first would, on a crash in between, leave a pending lead the sweeper never finds: the first test fails then);
 * - "overdue" is a RowKey range over the shards; held entries are listed apart;
 * - an entry is dropped only after the grace and only if unchanged since it was read (If-Match);
 * - the sweeper over the real store starts a lead whose hand-over was lost;
 * - a recorded outcome deletes the entry the replaced row needed (decision 0525), so delivered leads do not starve an
 *   overdue one out of the sweeper's batch.
 */
import { describe, expect, it } from 'vitest';
import { noFaults } from '../../../shared/faults';
import type { Delivery, Lead } from '../../../shared/leads/model';
import type { LeadStore } from '../../../shared/leads/ports';
import type { LeadDeliveryRef } from '../../../shared/leads/rules/delivery';
import { DeliverLead } from '../../../shared/leads/service/deliver';
import { SweepDeliveries } from '../../../shared/leads/service/sweep';
import { entryKeys, TableDeliveryIndex, withDeliveryIndex } from '../../../shared/leads/store/due-index';
import { TableLeadStore } from '../../../shared/leads/store/leads-table';

import { FakeClock, FakeOffers, httpsConfig, lead, leadOffer, O, ok, P, pendingDelivery, ScriptedTarget, targetsWith } from '../../fixtures/leads-fakes';
import { testStorage } from '../../fixtures/storage';

const T0 = '2026-03-01T00:00:00.000Z';
let seq = 0;

function ids(): string {
  seq += 1;
  return `01J${String(seq).padStart(23, '0')}`;
}

function setup(realNow: () => number = Date.now) {
  const storage = testStorage();
  const table = new TableLeadStore(() => storage.table('Leads'), () => Date.parse(T0));
  const index = new TableDeliveryIndex(() => storage.table('LeadsDue'), { realNow, graceMs: 30_000 });
  return { storage, table, index, store: withDeliveryIndex(table, index) };
}

const keys = (id: string) => ({ natural: { hash: id, expiresAt: T0 } });

describe('TableDeliveryIndex', () => {
  it('has the entry of a captured pending lead before its row is committed', async () => {
    const { table, index } = setup();
    const id = ids();
    let seenAtCommit: string[] = [];
    const checking: LeadStore = {
      ...table,
      capture: async (l: Lead, d: Delivery, k) => {
        seenAtCommit = (await index.due(new Date(T0), 100)).map((e) => e.leadId);
        return table.capture(l, d, k);
      },
      getLead: (...a) => table.getLead(...a),
      getDelivery: (...a) => table.getDelivery(...a),
      replaceDelivery: (...a) => table.replaceDelivery(...a),
      list: (...a) => table.list(...a),
    };
    await withDeliveryIndex(checking, index).capture(lead(id), pendingDelivery(id), keys(id));
    expect(seenAtCommit).toEqual([id]);
  });

  it('lists pending entries due by a time across shards, oldest first, and held entries apart', async () => {
    const { store, index } = setup();
    const a = ids();
    const b = ids();
    const c = ids();
    const h = ids();
    await store.capture(lead(a), pendingDelivery(a, T0, { nextAttemptAt: '2026-03-01T00:05:00.000Z' }), keys(a));
    await store.capture(lead(b), pendingDelivery(b, T0, { nextAttemptAt: '2026-03-01T00:01:00.000Z' }), keys(b));
    await store.capture(lead(c), pendingDelivery(c, T0, { nextAttemptAt: '2026-03-01T01:00:00.000Z' }), keys(c));
    await store.capture(lead(h), pendingDelivery(h, T0, { state: 'held', reason: 'no_destination' }), keys(h));
    expect((await index.due(new Date('2026-03-01T00:05:00.000Z'), 100)).map((e) => [e.leadId, e.dueAt])).toEqual([
      [b, '2026-03-01T00:01:00.000Z'],
      [a, '2026-03-01T00:05:00.000Z'],
    ]);
    expect((await index.due(new Date('2026-03-01T00:04:59.999Z'), 100)).map((e) => e.leadId)).toEqual([b]);
    expect((await index.due(new Date('2026-03-01T00:05:00.000Z'), 1)).map((e) => e.leadId)).toEqual([b]);
    expect((await index.held(100)).map((e) => [e.leadId, e.dueAt])).toEqual([[h, '']]);
  });

  it('writes no entry for a delivered or dead-lettered row', async () => {
    expect(entryKeys(pendingDelivery('x', T0, { state: 'delivered' }))).toBeUndefined();
    expect(entryKeys(pendingDelivery('x', T0, { state: 'dead_lettered' }))).toBeUndefined();
    expect(entryKeys(pendingDelivery('x', T0, { state: 'held' }))).toEqual({ partitionKey: 'held', rowKey: `${P}|${O}|x`, dueAt: '' });
    expect(entryKeys(pendingDelivery('x', T0))?.rowKey).toBe(`${T0}|${P}|${O}|x`);
  });

  it('drops an entry only after the grace, and not one rewritten since it was read', async () => {
    let now = 1_000_000;
    const { index } = setup(() => now);
    const id = ids();
    await index.note(pendingDelivery(id));
    const [entry] = await index.due(new Date(T0), 10);
    now += 29_999;
    await index.drop(entry as never);
    expect((await index.due(new Date(T0), 10)).map((e) => e.leadId)).toEqual([id]);
    await index.note(pendingDelivery(id)); // rewritten after it was read: new ETag
    now += 60_000;
    await index.drop(entry as never);
    const [again] = await index.due(new Date(T0), 10);
    expect(again?.leadId).toBe(id);
    await index.drop(again as never);
    expect(await index.due(new Date(T0), 10)).toEqual([]);
  });
});

describe('group commit of index entries', () => {
  it('stores every entry of 60 concurrent notes, each before its note resolves, in fewer writes than entries', async () => {
    const storage = testStorage();
    let writes = 0;
    const counted = async () => {
      const table = await storage.table('LeadsDue');
      return new Proxy(table, {
        get(target, name, receiver) {
          const value = Reflect.get(target, name, receiver) as unknown;
          if (name === 'upsertEntity' || name === 'submitTransaction') writes += 1;
          return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
        },
      });
    };
    const index = new TableDeliveryIndex(counted);
    const leads = Array.from({ length: 60 }, () => ids());
    const seenWhenResolved = await Promise.all(
      leads.map(async (id, i) => {
        await index.note(pendingDelivery(id, T0, { nextAttemptAt: new Date(Date.parse(T0) + i).toISOString() }));
        return (await index.due(new Date(Date.parse(T0) + 60), 1000)).some((e) => e.leadId === id);
      }),
    );
    expect(seenWhenResolved.every(Boolean)).toBe(true);
    expect((await index.due(new Date(Date.parse(T0) + 60), 1000)).map((e) => e.leadId).sort()).toEqual([...leads].sort());
    expect(writes).toBeLessThan(60);
  });

  it('rejects the notes of a batch whose write fails (nothing is captured after a failed note)', async () => {
    const storage = testStorage();
    let fail = true;
    const flaky = async () => {
      const table = await storage.table('LeadsDue');
      return new Proxy(table, {
        get(target, name, receiver) {
          const value = Reflect.get(target, name, receiver) as unknown;
          if (fail && (name === 'upsertEntity' || name === 'submitTransaction')) return () => Promise.reject(new Error('ServerBusy'));
          return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
        },
      });
    };
    const index = new TableDeliveryIndex(flaky);
    const a = ids();
    await expect(index.note(pendingDelivery(a))).rejects.toThrow('ServerBusy');
    fail = false;
    const b = ids();
    await index.note(pendingDelivery(b)); // the next batch is not held up by the failed one
    expect((await index.due(new Date(T0), 10)).map((e) => e.leadId)).toEqual([b]);
  });
});

describe('the sweeper over the real store', () => {
  it('starts a lead whose hand-over was lost, once overdue, and drops the entry of a delivered one', async () => {
    let now = 1_000_000;
    const { store, index } = setup(() => now);
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
    now += 30_000; // the entries are past the grace in real time
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

  it('deletes a batch of old entries even when one of them is gone already (the sweeper dropped it)', async () => {
    let now = 1_000_000;
    const { index } = setup(() => now);
    const rows = Array.from({ length: 5 }, () => pendingDelivery(ids()));
    await Promise.all(rows.map((d) => index.note(d)));
    const [gone] = await index.due(new Date(T0), 1);
    now += 60_000;
    await index.drop(gone as never);
    expect(await index.due(new Date(T0), 100)).toHaveLength(4);
    await Promise.all(rows.map((d) => index.retire(d, { ...d, state: 'delivered', deliveredAt: T0 })));
    expect(await index.due(new Date(T0), 100)).toEqual([]);
  });
});
