/**
 * Store-enforced invariants of the durable runtime, against Azurite, with deterministic interleaving
 * (PausePoints): a commit is fenced by the sentinel's ETag, a commit split over several transactions is invisible
 * until its last one, two starts of one instance id let exactly one through, two hosts never both hold a
 * partition lease, and a registry row rung after it was read is not deleted.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { PausePoints } from '../../shared/faults';
import type * as CatalogModule from '../../local/durable/catalog';
import type * as ClientModule from '../../local/durable/client';
import type * as FaultsModule from '../../local/durable/faults';
import type * as LeasesModule from '../../local/durable/leases';
import type * as StoreModule from '../../local/durable/store';
import type * as TablesModule from '../../local/durable/tables';
import type { HistoryEvent, InstanceState } from '../../local/durable/types';
import { uniquePrefix } from '../fixtures/host';
import { dist, loadSamples, storageConnection } from './in-process';

let storeMod: typeof StoreModule;
let tablesMod: typeof TablesModule;

beforeAll(() => {
  storeMod = dist<typeof StoreModule>('local/durable/store');
  tablesMod = dist<typeof TablesModule>('local/durable/tables');
});

async function openStore(prefix = uniquePrefix(), faults?: FaultsModule.Faults) {
  const tables = await tablesMod.openHubTables({ connectionString: storageConnection() }, prefix, 'TestHubName');
  return new storeMod.DurableStore(tables, 4, faults);
}

function newState(instanceId: string): InstanceState {
  const now = new Date().toISOString();
  return { instanceId, name: 'SampleSequence', status: 'Pending', executionId: 'e1', generation: 1, historyRows: 0, nextSeq: 0, leaves: 0, createdTime: now, lastUpdatedTime: now };
}

const event = (name: string, input?: string): HistoryEvent => ({ EventType: 15, EventId: -1, IsPlayed: false, Timestamp: new Date().toISOString(), Name: name, ...(input !== undefined ? { Input: input } : {}) });

describe('episode commits', () => {
  it('records exactly one of two episodes decided from the same state (the sentinel ETag fences the commit)', async () => {
    // Against a read-then-write commit (no If-Match), both would succeed and the second would silently
    // overwrite the first's history row: a decision reported as recorded would be lost.
    const store = await openStore();
    const etag = await store.writeNewExecution(newState('fenced'), undefined);
    expect(etag).not.toBe('conflict');
    const commit = (name: string) =>
      store.commit({ state: { ...newState('fenced'), status: 'Running' }, etag, events: [event(name)], eventsGeneration: 1, previousRows: 0, previousTail: [], consume: [] });
    const results = await Promise.allSettled([commit('first'), commit('second')]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(tablesMod.statusOf(refused.reason)).toBe(412);
    const loaded = await store.loadInstance('fenced');
    const winner = results.findIndex((r) => r.status === 'fulfilled') === 0 ? 'first' : 'second';
    expect(loaded?.history.map((e) => e.Name)).toEqual([winner]);
  });

  it('keeps a commit that spans several transactions invisible until its last transaction', async () => {
    const crash: FaultsModule.Faults = {
      reach: async (point) => {
        if (point === 'mid-history-append') throw new Error('simulated crash between the transactions of one commit');
      },
    };
    const store = await openStore(uniquePrefix(), crash);
    const etag = await store.writeNewExecution(newState('big'), undefined);
    // About 5 MB of events: more than one 4 MiB entity group transaction can carry.
    const big = Array.from({ length: 5000 }, (_, i) => event(`big-${i}`, JSON.stringify('x'.repeat(500))));
    await expect(store.commit({ state: { ...newState('big'), status: 'Running' }, etag, events: big, eventsGeneration: 1, previousRows: 0, previousTail: [], consume: [] })).rejects.toThrow(/simulated crash/);
    const afterCrash = await store.loadInstance('big');
    expect(afterCrash?.state).toMatchObject({ status: 'Pending', historyRows: 0 });
    expect(afterCrash?.history).toEqual([]);
    // The retried episode commits over the leftovers; only what it committed is history.
    const retried = await store.commit({ state: { ...newState('big'), status: 'Running' }, etag: afterCrash?.etag as string, events: [event('small')], eventsGeneration: 1, previousRows: 0, previousTail: [], consume: [] });
    expect(retried).toBeTruthy();
    const final = await store.loadInstance('big');
    expect(final?.history.map((e) => e.Name)).toEqual(['small']);
  });

  it('deletes the inbox messages an episode consumed in the same transaction', async () => {
    const store = await openStore();
    const etag = await store.writeNewExecution(newState('inbox'), undefined);
    const key = storeMod.DurableStore.messageKey();
    expect(await store.insertMessage('inbox', key, { kind: 'event', name: 'Go', input: '1' })).toBe(true);
    expect(await store.insertMessage('inbox', key, { kind: 'event', name: 'Go', input: '1' })).toBe(false); // redelivery
    expect((await store.readInbox('inbox')).map((m) => m.key)).toEqual([key]);
    await store.commit({ state: { ...newState('inbox'), status: 'Running' }, etag, events: [event('Go', '1')], eventsGeneration: 1, previousRows: 0, previousTail: [], consume: [key] });
    expect(await store.readInbox('inbox')).toEqual([]);
  });
});

describe('starting an instance', () => {
  it('lets exactly one of two concurrent starts of the same id through', async () => {
    // Both starts read "no such instance" before either writes (paused between read and write). The write is an
    // insert, so the second fails and re-reads. Against read-then-write (an upsert), both would answer 202.
    const points = new PausePoints();
    const store = await openStore();
    const { FunctionCatalog } = dist<typeof CatalogModule>('local/durable/catalog');
    const { DurableClientOps } = dist<typeof ClientModule>('local/durable/client');
    const ops = new DurableClientOps({ store, catalog: new FunctionCatalog(loadSamples()), clock: { now: () => new Date() }, faults: points, notify: () => undefined });
    const gate = points.pause('before-state-write');
    const racing = Promise.all([ops.start('SampleWait', 'same-id', '1'), ops.start('SampleWait', 'same-id', '2')]);
    await gate.arrivals(2);
    gate.release();
    const results = await racing;
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.find((r) => !r.ok)).toMatchObject({ ok: false, status: 409 });
    const stored = await store.readState('same-id');
    const winner = results.findIndex((r) => r.ok);
    expect(stored?.state.input).toBe(winner === 0 ? '1' : '2');
  });
});

describe('partition leases', () => {
  it('never lets two hosts hold the same partition', async () => {
    // Both hosts find partition 0 free and try to take it at the same moment; the take is a conditional write, so
    // one loses. Against read-then-write (an unconditional upsert), both would believe they own it.
    const prefix = uniquePrefix();
    const points = new PausePoints();
    const { PartitionLeases } = dist<typeof LeasesModule>('local/durable/leases');
    const make = async (owner: string) => {
      const tables = await tablesMod.openHubTables({ connectionString: storageConnection() }, prefix, 'TestHubName');
      const acquired: number[] = [];
      const leases = new PartitionLeases(tables.control, { partitionCount: 4, leaseMs: 60_000, ownerId: owner, faults: points, log: () => undefined }, {
        acquired: (p) => acquired.push(p),
        lost: () => undefined,
        draining: async () => undefined,
      });
      return { leases, acquired };
    };
    const [a, b] = [await make('host-a'), await make('host-b')];
    const gate = points.pause('lease-before-acquire');
    const rounds = Promise.all([a.leases.balance(), b.leases.balance()]);
    await gate.arrivals(2);
    gate.release();
    await rounds;
    expect(a.acquired.filter((p) => b.acquired.includes(p))).toEqual([]);
    // More rounds, now that both see each other: a host over its fair share hands partitions over, the other takes
    // them; all four end up owned, still never by both.
    await a.leases.balance();
    await b.leases.balance();
    await a.leases.balance();
    expect(a.leases.owned().filter((p) => b.leases.owned().includes(p))).toEqual([]);
    expect([...a.leases.owned(), ...b.leases.owned()].sort()).toEqual([0, 1, 2, 3]);
  });
});

describe('registry', () => {
  it('does not delete a registry row that was rung again after it was read', async () => {
    const store = await openStore();
    await store.ring('rung');
    const read = await store.getRegistration('rung');
    await store.ring('rung');
    expect(await store.unregister('rung', read?.etag as string)).toBe('rung');
    const fresh = await store.getRegistration('rung');
    expect(await store.unregister('rung', fresh?.etag as string)).toBe('deleted');
    expect(await store.getRegistration('rung')).toBeUndefined();
  });
});
