import { describe, expect, it } from 'vitest';
import { noFaults } from '../../../../shared/faults';
import type { LicenseCaller } from '../../../../shared/licensing/model';
import type { BulkRef } from '../../../../shared/licensing/ports';
import { serviceIdOf, skuIdOf } from '../../../../shared/licensing/rules/sku';
import { ApprovalFaults } from '../../../../shared/licensing/service/approval-faults';
import { EnqueueBulk } from '../../../../shared/licensing/service/bulk-enqueue';
import { ProcessBulk } from '../../../../shared/licensing/service/bulk-process';
import { BatchStatus } from '../../../../shared/licensing/service/bulk-status';
import { LicenseCheck } from '../../../../shared/licensing/service/check';
import { PutGroup } from '../../../../shared/licensing/service/groups';
import { UpdateLicenses } from '../../../../shared/licensing/service/license-update';
import { LinkSubscription } from '../../../../shared/licensing/service/link-subscription';
import { admin, FakeSources, MemoryLicenseStore, plans, TENANT, user } from './fakes';

const now = () => new Date('2026-01-05T10:00:00Z');
const SERVICE = serviceIdOf('contoso', 'teamsapp', 'std');
const SKU = skuIdOf(SERVICE);

async function setup(quantity: number) {
  const store = new MemoryLicenseStore();
  const sources = new FakeSources();
  sources.add({ id: 'sub-1', quantity });
  await new LinkSubscription({ store, sources, plans: plans(), now }).link(admin, TENANT, 'sub-1');
  const started: BulkRef[] = [];
  const handoff = { start: async (ref: BulkRef) => void started.push(ref) };
  let n = 0;
  const enqueue = new EnqueueBulk({ store, sources, faults: noFaults, handoff, now, newId: () => `batch-${++n}` });
  const process = new ProcessBulk({ store, sources, now });
  const status = new BatchStatus({ store, handoff, now });
  const check = new LicenseCheck({ store, sources, plans: plans() });
  /** Runs every started workflow to its end (what the durable runtime does). */
  const drain = async () => {
    for (const ref of started.splice(0))
      for (let chunk = 0; chunk < ref.chunks; chunk += 1) await process.chunk({ tenantId: ref.tenantId, batchId: ref.batchId, chunk });
  };
  const pool = async () => (await store.getPool(TENANT, SKU))!.value;
  const has = async (n: number) => (await check.check(admin, TENANT, user(n), SERVICE)).hasLicense;
  const groups = new PutGroup({ store });
  return { store, sources, enqueue, process, status, check, drain, pool, has, started, groups };
}

const users = (...ns: number[]) => ns.map(user);

describe('bulk and group assignment', () => {
  it('queues users as Pending, reserves their seats, and assigns them when processed (C.15-127)', async () => {
    const t = await setup(5);
    const batch = await t.enqueue.assign(admin, TENANT, SERVICE, { userIds: users(1, 2, 3) });
    expect(t.started).toEqual([{ tenantId: TENANT, batchId: 'batch-1', generation: 0, chunks: 1 }]);
    expect(batch).toMatchObject({ batchId: 'batch-1', kind: 'assign', total: 3, chunks: 1, skipped: [] });
    const view = await t.status.get(admin, 'batch-1');
    expect(view.items).toEqual(
      users(1, 2, 3).map((userId) => ({ userId, state: 'PendingAssign', displayStatus: 'Pending', retryable: false })),
    );
    expect(await t.pool()).toMatchObject({ assigned: 0, reserved: 3 });
    expect(await t.check.check(admin, TENANT, user(1), SERVICE)).toMatchObject({ hasLicense: false, reason: 'AssignmentPending' });
    await t.drain();
    expect((await t.status.get(admin, 'batch-1')).items.map((i) => i.state)).toEqual(['Active', 'Active', 'Active']);
    expect(await t.pool()).toMatchObject({ assigned: 3, reserved: 0 });
    expect(await t.has(1)).toBe(true);
  });

  it('counts queued seats: a second request that does not fit is refused whole (C.15-128/129)', async () => {
    const t = await setup(5);
    await t.enqueue.assign(admin, TENANT, SERVICE, { userIds: users(1, 2, 3) });
    await expect(t.enqueue.assign(admin, TENANT, SERVICE, { userIds: users(4, 5, 6) })).rejects.toMatchObject({
      code: '60012',
      message: '3 users need a license and 2 are available: send a subset of at most 2 users.',
    });
    expect(await t.pool()).toMatchObject({ reserved: 3 });
    expect(await t.store.getAssignment(TENANT, SKU, user(4))).toBeUndefined();
  });

  it('a group larger than the free seats needs a subset of its members (C.15-130/131)', async () => {
    const t = await setup(4);
    await t.groups.put(admin, TENANT, 'G1', users(1, 2, 3, 4, 5, 6, 7, 8, 9, 10));
    await expect(t.enqueue.assign(admin, TENANT, SERVICE, { groupId: 'G1' })).rejects.toMatchObject({ code: '60012' });
    await expect(t.enqueue.assign(admin, TENANT, SERVICE, { groupId: 'G1', subset: users(1, 12) })).rejects.toMatchObject({
      code: 'SubsetNotInGroup',
    });
    const batch = await t.enqueue.assign(admin, TENANT, SERVICE, { groupId: 'G1', subset: users(1, 2, 3, 4) });
    expect(batch).toMatchObject({ total: 4, groupId: 'G1' });
    await expect(t.enqueue.assign(admin, TENANT, SERVICE, { groupId: 'nope' })).rejects.toMatchObject({ kind: 'not-found' });
  });

  it('skips group members who already hold the license (C.15-132)', async () => {
    const t = await setup(10);
    const single = new UpdateLicenses({ store: t.store, sources: t.sources, faults: noFaults, now, blockedTenants: [] });
    for (const n of [1, 2]) await single.apply(admin, TENANT, user(n), { LicensesToAssign: [{ SkuId: SKU }] });
    await t.groups.put(admin, TENANT, 'G1', users(1, 2, 3, 4, 5, 6, 7, 8, 9, 10));
    const batch = await t.enqueue.assign(admin, TENANT, SERVICE, { groupId: 'G1' });
    expect(batch).toMatchObject({ total: 8, skipped: users(1, 2) });
    await t.drain();
    expect(await t.pool()).toMatchObject({ assigned: 10, reserved: 0 });
  });

  it('partial failure keeps the failed seat reserved; retry assigns it (C.15-133)', async () => {
    const t = await setup(5);
    const operator: LicenseCaller = { kind: 'operator' };
    const faults = new ApprovalFaults({ store: t.store });
    await faults.set(operator, TENANT, user(2), true);
    await t.enqueue.assign(admin, TENANT, SERVICE, { userIds: users(1, 2, 3) });
    await t.drain();
    const after = await t.status.get(admin, 'batch-1');
    expect(after.items).toEqual([
      { userId: user(1), state: 'Active', displayStatus: 'Assigned', retryable: false },
      { userId: user(2), state: 'FailedAssign', displayStatus: 'Pending', retryable: true },
      { userId: user(3), state: 'Active', displayStatus: 'Assigned', retryable: false },
    ]);
    expect(await t.pool()).toMatchObject({ assigned: 2, reserved: 1 });
    expect(await t.check.check(admin, TENANT, user(2), SERVICE)).toMatchObject({ hasLicense: false, reason: 'AssignmentPending' });
    await faults.set(operator, TENANT, user(2), false);
    const retried = await t.status.retry(admin, 'batch-1');
    expect(retried.items[1]).toEqual({ userId: user(2), state: 'PendingAssign', displayStatus: 'Pending', retryable: false });
    expect(t.started).toEqual([{ tenantId: TENANT, batchId: 'batch-1', generation: 1, chunks: 1 }]);
    await t.drain();
    expect(await t.pool()).toMatchObject({ assigned: 3, reserved: 0 });
    expect(await t.has(2)).toBe(true);
    await expect(faults.set(admin, TENANT, user(2), true)).rejects.toMatchObject({ kind: 'forbidden' });
  });

  it('processing twice (a crash after the commit) changes nothing more', async () => {
    const t = await setup(5);
    await t.enqueue.assign(admin, TENANT, SERVICE, { userIds: users(1, 2) });
    const [ref] = t.started;
    await t.drain();
    expect(await t.process.chunk({ tenantId: TENANT, batchId: ref!.batchId, chunk: 0 })).toEqual({ settled: 0 });
    expect(await t.pool()).toMatchObject({ assigned: 2, reserved: 0 });
  });

  it('a user given a seat by a single request meanwhile returns the batch’s reservation', async () => {
    const t = await setup(3);
    await t.enqueue.assign(admin, TENANT, SERVICE, { userIds: users(1) });
    // The queued row is lost (the request stopped before writing it) and a single request assigns the user.
    const row = await t.store.getAssignment(TENANT, SKU, user(1));
    await t.store.commit(TENANT, [{ kind: 'delete-assignment', value: row!.value, etag: row!.etag }]);
    const single = new UpdateLicenses({ store: t.store, sources: t.sources, faults: noFaults, now, blockedTenants: [] });
    await single.apply(admin, TENANT, user(1), { LicensesToAssign: [{ SkuId: SKU }] });
    expect(await t.pool()).toMatchObject({ assigned: 1, reserved: 1 });
    await t.drain();
    expect(await t.pool()).toMatchObject({ assigned: 1, reserved: 0 });
  });

  it('writes a queued row the request did not write (create-active)', async () => {
    const t = await setup(3);
    await t.enqueue.assign(admin, TENANT, SERVICE, { userIds: users(1) });
    const row = await t.store.getAssignment(TENANT, SKU, user(1));
    await t.store.commit(TENANT, [{ kind: 'delete-assignment', value: row!.value, etag: row!.etag }]);
    await t.drain();
    expect(await t.pool()).toMatchObject({ assigned: 1, reserved: 0 });
    expect((await t.store.getAssignment(TENANT, SKU, user(1)))?.value).toMatchObject({ state: 'Active', batchId: 'batch-1' });
  });

  it('bulk unassign: Pending removal keeps the license until processed, then frees the seats (C.15-134/135)', async () => {
    const t = await setup(5);
    await t.enqueue.assign(admin, TENANT, SERVICE, { userIds: users(1, 2, 3) });
    await t.drain();
    const batch = await t.enqueue.unassign(admin, TENANT, SERVICE, { userIds: users(1, 3, 9) });
    expect(batch).toMatchObject({ kind: 'unassign', total: 2, skipped: [user(9)] });
    expect((await t.status.get(admin, batch.batchId)).items.map((i) => i.state)).toEqual(['PendingRemoval', 'PendingRemoval']);
    expect(await t.has(1)).toBe(true);
    await t.drain();
    expect(await t.has(1)).toBe(false);
    expect(await t.has(2)).toBe(true);
    expect((await t.status.get(admin, batch.batchId)).items.map((i) => i.state)).toEqual(['Removed', 'Removed']);
    expect(await t.pool()).toMatchObject({ assigned: 1, reserved: 0 });
  });

  it('checks the caller and the request', async () => {
    const t = await setup(5);
    await expect(
      t.enqueue.assign({ kind: 'publisher', publisherId: 'contoso' }, TENANT, SERVICE, { userIds: users(1) }),
    ).rejects.toMatchObject({ kind: 'forbidden' });
    await expect(t.enqueue.assign({ ...admin, roles: [] }, TENANT, SERVICE, { userIds: users(1) })).rejects.toMatchObject({
      kind: 'forbidden',
    });
    await expect(t.enqueue.assign(admin, TENANT, 'Nope', { userIds: users(1) })).rejects.toMatchObject({ kind: 'not-found' });
    await expect(t.enqueue.assign(admin, TENANT, 'contoso.teamsapp.pro', { userIds: users(1) })).rejects.toMatchObject({ code: '960001' });
    await expect(t.enqueue.assign(admin, TENANT, SERVICE, { userIds: [] })).rejects.toMatchObject({ code: 'InvalidBulkRequest' });
    await expect(t.enqueue.assign(admin, TENANT, SERVICE, { userIds: ['u1'] })).rejects.toMatchObject({ code: 'InvalidBulkRequest' });
    await expect(t.enqueue.assign(admin, TENANT, SERVICE, { userIds: users(1), subset: users(1) })).rejects.toMatchObject({
      code: 'InvalidBulkRequest',
    });
    await expect(t.status.get(admin, 'nope')).rejects.toMatchObject({ kind: 'not-found' });
    const { batchId } = await t.enqueue.assign(admin, TENANT, SERVICE, { userIds: users(1) });
    await expect(t.status.get({ ...admin, tenantId: user(77) }, batchId)).rejects.toMatchObject({ kind: 'forbidden' });
    await expect(t.groups.put(admin, TENANT, 'G', ['x'])).rejects.toMatchObject({ code: 'InvalidGroup' });
    await expect(t.groups.put({ ...admin, roles: [] }, TENANT, 'G', users(1))).rejects.toMatchObject({ kind: 'forbidden' });
    expect(await t.groups.put(admin, TENANT, 'G', users(1, 1))).toMatchObject({ created: true, group: { members: users(1) } });
    expect(await t.groups.put(admin, TENANT, 'G', users(2))).toMatchObject({ created: false, group: { members: users(2) } });
  });

  it('chunks a large batch and settles every user', async () => {
    const t = await setup(2500);
    const many = Array.from({ length: 2100 }, (_, i) => user(i + 1));
    const batch = await t.enqueue.assign(admin, TENANT, SERVICE, { userIds: many });
    expect(batch).toMatchObject({ total: 2100, chunks: 5 });
    await t.drain();
    expect(await t.pool()).toMatchObject({ assigned: 2100, reserved: 0 });
  });
});
