/**
 * Replay batches in Azure Table storage (store/replay-batches.ts; decision 0526) against Azurite: the batch row is
 * insert-only (a retried request finds it), its pointer is listed while it is open and deleted once it is stored done,
 * a pointer whose row never came is deleted after the grace, and the row sits beside the offer's leads without
 * appearing in their list.
 */
import { describe, expect, it } from 'vitest';
import type { ReplayBatch } from '../../../shared/leads/model';
import { TableReplayBatches } from '../../../shared/leads/store/replay-batches';
import { TableLeadStore } from '../../../shared/leads/store/leads-table';
import { lead, O, P, pendingDelivery } from '../../fixtures/leads-fakes';
import { testStorage } from '../../fixtures/storage';

const T0 = '2026-03-01T00:00:00.000Z';
const batch = (batchId: string): ReplayBatch => ({ batchId, publisherId: P, offerId: O, state: 'queued', requestedAt: T0, cutoff: T0, replayed: 0 });

function setup(realNow: () => number = Date.now) {
  const storage = testStorage();
  const batches = new TableReplayBatches(() => storage.table('Leads'), () => storage.table('LeadsDue'), realNow);
  return { storage, batches, leads: new TableLeadStore(() => storage.table('Leads'), () => Date.parse(T0)) };
}

describe('TableReplayBatches', () => {
  it('creates a batch once (a second create answers exists and changes nothing) and lists it open until stored done', async () => {
    const { batches } = setup();
    const ref = { publisherId: P, offerId: O, batchId: 'B1' };
    expect(await batches.create(batch('B1'))).toBe('created');
    expect(await batches.create({ ...batch('B1'), requestedAt: '2026-03-02T00:00:00.000Z' })).toBe('exists');
    const stored = await batches.get(ref);
    expect(stored?.batch).toEqual(batch('B1'));
    expect(await batches.open(10)).toEqual([ref]);
    expect(await batches.replace({ ...batch('B1'), cursor: 'abc', replayed: 100 }, stored?.etag ?? '')).toBe(true);
    expect(await batches.replace({ ...batch('B1'), state: 'done' }, stored?.etag ?? '')).toBe(false); // stale ETag
    expect(await batches.open(10)).toEqual([ref]);
    const again = await batches.get(ref);
    expect(again?.batch).toMatchObject({ cursor: 'abc', replayed: 100 });
    expect(await batches.replace({ ...batch('B1'), state: 'done', replayed: 100, finishedAt: T0 }, again?.etag ?? '')).toBe(true);
    expect(await batches.open(10)).toEqual([]);
    expect((await batches.get(ref))?.batch.state).toBe('done');
  });

  it('deletes a pointer whose row is missing only after the grace (its writer may still be creating the row)', async () => {
    let now = 1_000_000;
    const { storage, batches } = setup(() => now);
    await batches.create(batch('B2'));
    const ref = { publisherId: P, offerId: O, batchId: 'B2' };
    await (await storage.table('Leads')).deleteEntity(`${P}.${O}`, 'rpl|B2'); // as if the row's write never happened
    now += 29_999;
    expect(await batches.open(10)).toEqual([ref]);
    now += 1;
    expect(await batches.open(10)).toEqual([]);
    now += 60_000;
    expect(await batches.open(10)).toEqual([]);
  });

  it("keeps the batch row out of the offer's lead list", async () => {
    const { batches, leads } = setup();
    await leads.capture(lead('01J0000000000000000000000A'), pendingDelivery('01J0000000000000000000000A'), { natural: { hash: 'n', expiresAt: T0 } });
    await batches.create(batch('B3'));
    expect((await leads.list(P, O, { limit: 10 })).items.map((i) => i.lead.leadId)).toEqual(['01J0000000000000000000000A']);
  });
});
