/**
 * Orchestrator decisions are recorded exactly once even when two dispatchers work on the same instance at the same
 * time (what a lease failure between two hosts would cause): both replay the same episode, both try to commit it,
 * the sentinel's ETag lets one through and sends the other back to storage. Activities may run twice (they are
 * at-least-once); the history never holds a task scheduled or completed twice, and the output is right.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { PausePoints } from '../../shared/faults';
import type * as CatalogModule from '../../local/durable/catalog';
import type * as ClientModule from '../../local/durable/client';
import type * as DispatcherModule from '../../local/durable/dispatcher';
import type * as StoreModule from '../../local/durable/store';
import type * as TablesModule from '../../local/durable/tables';
import { uniquePrefix } from '../fixtures/host';
import { duplicateTasks, rawHistory } from './api';
import { dist, loadSamples, storageConnection } from './in-process';

const running: { stop(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((d) => d.stop()));
});

describe('exactly-once decisions', () => {
  it('records one of two racing replays of the same episode; the other replays afresh', async () => {
    const prefix = uniquePrefix();
    const points = new PausePoints();
    const { FunctionCatalog } = dist<typeof CatalogModule>('local/durable/catalog');
    const { DurableClientOps } = dist<typeof ClientModule>('local/durable/client');
    const { Dispatcher } = dist<typeof DispatcherModule>('local/durable/dispatcher');
    const { DurableStore } = dist<typeof StoreModule>('local/durable/store');
    const { openHubTables } = dist<typeof TablesModule>('local/durable/tables');
    const catalog = new FunctionCatalog(loadSamples());
    const clock = { now: () => new Date() };
    // Two dispatchers, each with its own clients, both convinced they own every partition.
    const make = async () => {
      const store = new DurableStore(await openHubTables({ connectionString: storageConnection() }, prefix, 'TestHubName'), 4, points);
      const dispatcher = new Dispatcher({ store, catalog, clock, faults: points, log: () => undefined, maxActivities: 4, maxOrchestrations: 4, owns: () => true, pollMs: { min: 20, max: 100 } });
      for (let p = 0; p < 4; p++) dispatcher.partitionAcquired(p);
      running.push(dispatcher);
      return { store, dispatcher };
    };
    const a = await make();
    const b = await make();
    const ops = new DurableClientOps({ store: a.store, catalog, clock, faults: points, notify: (id, etag) => a.dispatcher.notify(id, etag) });

    const gate = points.pause('before-history-append');
    expect(await ops.start('SampleFanOut', 'raced', '6')).toEqual({ ok: true, instanceId: 'raced' });
    b.dispatcher.notify('raced');
    await gate.arrivals(2); // both replayed the first episode and are about to commit it
    gate.release();

    const deadline = Date.now() + 20_000;
    let state = await a.store.readState('raced');
    while (state?.state.status !== 'Completed' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      state = await a.store.readState('raced');
    }
    expect(state?.state.status).toBe('Completed');
    expect(state?.state.output).toBe('30'); // 2 * (0 + 1 + ... + 5)
    expect(a.dispatcher.stats.conflicts + b.dispatcher.stats.conflicts).toBeGreaterThanOrEqual(1);
    const history = await rawHistory(storageConnection(), prefix, 'raced');
    expect(duplicateTasks(history)).toEqual([]);
    expect(history.filter((e) => e.EventType === 0)).toHaveLength(1); // one ExecutionStarted
    expect(history.filter((e) => e.EventType === 4)).toHaveLength(6); // six TaskScheduled, ids 0..5
  });
});
