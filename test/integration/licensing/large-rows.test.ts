/**
 * Lists that outgrow one Table property (a string property holds 32,768 UTF-16 characters; a GUID in JSON takes 39):
 * a group of 1,000 members and a batch whose 2,000 users are all skipped used to fail with PropertyValueTooLarge,
 * which the caller saw as a 500. Against Azurite, which enforces the same limit as Azure.
 */
import { describe, expect, it } from 'vitest';
import { noFaults } from '../../../shared/faults';
import { serviceIdOf, skuIdOf } from '../../../shared/licensing/rules/sku';
import { UpdateLicenses } from '../../../shared/licensing/service/license-update';
import { BatchStatus } from '../../../shared/licensing/service/bulk-status';
import { EnqueueBulk } from '../../../shared/licensing/service/bulk-enqueue';
import { MAX_GROUP_MEMBERS, PutGroup } from '../../../shared/licensing/service/groups';
import { LinkSubscription } from '../../../shared/licensing/service/link-subscription';
import { TableLicenseStore } from '../../../shared/licensing/store/table';
import type { BulkRef } from '../../../shared/licensing/ports';
import { testStorage } from '../../fixtures/storage';
import { admin, FakeSources, plans, TENANT, user } from '../../unit/licensing/service/fakes';

const now = () => new Date('2026-01-05T10:00:00Z');
const SERVICE = serviceIdOf('contoso', 'teamsapp', 'std');

async function setup() {
  const storage = testStorage();
  const store = new TableLicenseStore(() => storage.table('Licensing'));
  const sources = new FakeSources();
  sources.add({ id: 'sub-1', quantity: 10 });
  await new LinkSubscription({ store, sources, plans: plans(), now }).link(admin, TENANT, 'sub-1');
  const started: BulkRef[] = [];
  const handoff = { start: async (ref: BulkRef) => void started.push(ref) };
  return { store, sources, handoff, started };
}

describe('license rows larger than one Table property', () => {
  it(`stores a group of ${MAX_GROUP_MEMBERS} members (39,000 characters of ids) and reads every member back`, async () => {
    const { store } = await setup();
    const members = Array.from({ length: MAX_GROUP_MEMBERS }, (_, i) => user(i + 1000));
    const { created } = await new PutGroup({ store }).put(admin, TENANT, 'big', members);
    expect(created).toBe(true);
    expect((await store.getGroup(TENANT, 'big'))?.value.members).toEqual(members);
    // Replacing it with a small group drops the extra property: the group reads as the new list only.
    await new PutGroup({ store }).put(admin, TENANT, 'big', [user(1)]);
    expect((await store.getGroup(TENANT, 'big'))?.value.members).toEqual([user(1)]);
  });

  it('answers a removal of 2,000 users who hold no license with 2,000 skipped users, and the batch lists them all', async () => {
    const { store, sources, handoff, started } = await setup();
    const users = Array.from({ length: 2000 }, (_, i) => user(i + 5000));
    const bulk = new EnqueueBulk({ store, sources, faults: noFaults, handoff, now, newId: () => 'batch-skip' });
    const batch = await bulk.unassign(admin, TENANT, SERVICE, { userIds: users });
    expect(batch.total).toBe(0);
    expect(batch.skipped).toHaveLength(2000);
    expect(started).toEqual([{ tenantId: TENANT, batchId: 'batch-skip', generation: 0, chunks: 0 }]);
    const view = await new BatchStatus({ store, handoff, now }).get(admin, 'batch-skip');
    expect(view.items).toEqual([]);
    expect(view.batch.skipped).toEqual(users);
  });

  it('keeps the users a batch acts on apart from the skipped ones: 3 removed, 1,200 skipped', async () => {
    const { store, sources, handoff } = await setup();
    const update = new UpdateLicenses({ store, sources, faults: noFaults, now, blockedTenants: [] });
    for (const n of [1, 2, 3]) await update.apply(admin, TENANT, user(n), { LicensesToAssign: [{ SkuId: skuIdOf(SERVICE), ExcludedPlans: null }] });
    const unassign = new EnqueueBulk({ store, sources, faults: noFaults, handoff, now, newId: () => 'batch-mixed-2' });
    const absent = Array.from({ length: 1200 }, (_, i) => user(i + 7000));
    const batch = await unassign.unassign(admin, TENANT, SERVICE, { userIds: [user(1), user(2), user(3), ...absent] });
    expect(batch.total).toBe(3);
    const view = await new BatchStatus({ store, handoff, now }).get(admin, 'batch-mixed-2');
    expect(view.items.map((i) => i.userId)).toEqual([user(1), user(2), user(3)]);
    expect(view.batch.skipped).toEqual(absent);
  });
});
