/**
 * The ready index (decision 0706) over Azurite: it holds exactly the unbound ready instances, a claim and a drain
 * remove their row in their own transaction, the pool manager repairs rows that are missing (instances that became
 * ready before the index existed) or name nothing ready, and a request still serves a ready instance the index does
 * not hold yet.
 */
import { describe, expect, it } from 'vitest';
import { TESTDRIVE_TABLES } from '../../../shared/testdrive/composition';
import { readyKeyOf } from '../../../shared/testdrive/rules/ids';
import { armConfig, harness } from './harness';

async function readyInstanceKeys(h: ReturnType<typeof harness>): Promise<string[]> {
  return (await h.td.store.instances(h.pool)).map((s) => readyKeyOf(s.value)).filter((k): k is string => k !== undefined).sort();
}

describe('the ready index', () => {
  it('holds exactly the unbound ready instances through fill, claim and drain', async () => {
    const h = harness({ config: armConfig({ instances: { hot: 2, warm: 1, cold: 0 } }) });
    await h.td.reconcile.reconcile(h.pool);
    expect((await h.td.store.readyKeys(h.pool)).map((k) => k.split('|')[0])).toEqual(['hot', 'hot']);
    await h.td.reconcile.reconcile(h.pool); // the warm one is stopped, then ready
    expect((await h.td.store.readyKeys(h.pool)).map((k) => k.split('|')[0]).sort()).toEqual(['hot', 'hot', 'warm']);
    expect((await h.td.store.readyKeys(h.pool)).sort()).toEqual(await readyInstanceKeys(h));
    const { drive } = await h.td.requests.request(h.customer(), h.request());
    expect(drive.tier).toBe('hot');
    expect((await h.td.store.readyKeys(h.pool)).some((k) => k.endsWith(drive.instanceId))).toBe(false);
    expect((await h.td.store.readyKeys(h.pool)).sort()).toEqual(await readyInstanceKeys(h));
    h.offers.live = 'disabled';
    await h.td.reconcile.reconcile(h.pool);
    expect(await h.td.store.readyKeys(h.pool)).toEqual([]);
  });

  it('is repaired by the pool manager: a missing row comes back, a row of nothing ready goes', async () => {
    const h = harness({ config: armConfig({ instances: { hot: 2, warm: 0, cold: 0 } }) });
    await h.td.reconcile.reconcile(h.pool);
    const [legacy] = await h.td.store.readyKeys(h.pool);
    await h.td.store.dropReady(h.pool, legacy as string);
    const table = await h.storage.table(TESTDRIVE_TABLES.pools);
    await table.createEntity({ partitionKey: 'contoso.crm', rowKey: 'r|hot|1|westus2|ghost', instanceId: 'ghost' });
    expect(await h.td.store.readyKeys(h.pool)).toHaveLength(2);
    await h.td.reconcile.reconcile(h.pool);
    const keys = (await h.td.store.readyKeys(h.pool)).sort();
    expect(keys).toEqual(await readyInstanceKeys(h));
    expect(keys).toContain(legacy);
    expect(keys).not.toContain('hot|1|westus2|ghost');
  });

  it('serves ready instances the index does not hold yet as hot, and skips a row of nothing ready', async () => {
    const h = harness({ config: armConfig({ instances: { hot: 2, warm: 0, cold: 0 } }) });
    await h.td.reconcile.reconcile(h.pool);
    for (const key of await h.td.store.readyKeys(h.pool)) await h.td.store.dropReady(h.pool, key);
    const table = await h.storage.table(TESTDRIVE_TABLES.pools);
    await table.createEntity({ partitionKey: 'contoso.crm', rowKey: 'r|hot|1|westus2|ghost', instanceId: 'ghost' });
    const first = await h.td.requests.request(h.customer(), h.request());
    const second = await h.td.requests.request(h.customer(), h.request());
    expect([first.drive.tier, second.drive.tier]).toEqual(['hot', 'hot']);
    expect(first.drive.instanceId).not.toBe(second.drive.instanceId);
    await expect(h.td.requests.request(h.customer(), h.request())).rejects.toMatchObject({ code: 'TestDriveCapacityExhausted' });
  });
});
