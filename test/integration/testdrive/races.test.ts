/**
 * Races and crashes of test drives over Azurite, with deterministic interleaving (PausePoints) and named crash
 * points (a Faults that throws where CRASH_AT would kill the host):
 * - 100 customers at once on 10 hosts against 10 hot instances: exactly 10 hot, the capacity's 5 cold, 85 refused,
 *   no instance in two drives. Every request has read the ready index before any claims (each host hands its 10
 *   requests the 10 instances): a read-then-write claim (an update without If-Match and without the ready index
 *   row's delete) would hand the 10 instances to all 100.
 * - the drive's own timer and two cleanups on one expired drive: one end, one delete. All three have read the
 *   drive before any writes: an end without If-Match would end it three times and delete three times.
 * - stuck provisions, orphaned resource groups, and a crash after the claim or before the delete.
 */
import { describe, expect, it } from 'vitest';
import { PausePoints, type Faults } from '../../../shared/faults';
import type { Drive } from '../../../shared/testdrive/model';
import { FAULT_BEFORE_DELETE, FAULT_BEFORE_END } from '../../../shared/testdrive/service/lifecycle';
import { FAULT_AFTER_CLAIM, FAULT_BEFORE_CLAIM } from '../../../shared/testdrive/service/request-drive';
import { armConfig, harness } from './harness';

class CrashAt implements Faults {
  constructor(readonly point: string) {}
  async reach(point: string): Promise<void> {
    if (point === this.point) throw new Error(`crashed at ${point}`);
  }
}

describe('test drive races', () => {
  it('gives 10 hot instances to exactly 10 of 100 concurrent customers on 10 hosts, the rest cold or refused', async () => {
    const faults = new PausePoints();
    const h = harness({ config: armConfig({ instances: { hot: 10, warm: 0, cold: 5 } }), faults });
    await h.td.reconcile.reconcile(h.pool);
    expect(await h.states()).toEqual({ ReadyHot: 10 });
    expect(await h.td.store.readyKeys(h.pool)).toHaveLength(10);
    const gate = faults.pause(FAULT_BEFORE_CLAIM);
    const hosts = Array.from({ length: 10 }, () => h.host());
    const results = Array.from({ length: 100 }, (_, i) =>
      hosts[i % 10]!.requests.request(h.customer(), h.request()).then((r) => r.drive, (e: unknown) => e as Error),
    );
    await gate.arrivals(100);
    gate.release();
    const settled = await Promise.all(results);
    const drives = settled.filter((r): r is Drive => !(r instanceof Error));
    const refused = settled.filter((r): r is Error => r instanceof Error);
    expect(drives.filter((d) => d.tier === 'hot')).toHaveLength(10);
    expect(drives.filter((d) => d.tier === 'cold')).toHaveLength(5);
    expect(refused).toHaveLength(85);
    expect(new Set(refused.map((e) => (e as { code?: string }).code))).toEqual(new Set(['TestDriveCapacityExhausted']));
    expect(new Set(drives.map((d) => d.instanceId)).size).toBe(15);
    const instances = (await h.td.store.instances(h.pool)).map((s) => s.value);
    expect(instances).toHaveLength(15);
    expect(new Set(instances.map((i) => i.driveId)).size).toBe(15);
    for (const d of drives) expect(instances.find((i) => i.instanceId === d.instanceId)?.driveId).toBe(d.driveId);
    expect(h.leads.captured).toHaveLength(15);
    // The ready index holds nothing taken: the claims removed their rows in their transactions.
    expect(await h.td.store.readyKeys(h.pool)).toEqual([]);
  }, 120_000);

  it('ends an expired drive once and deletes its instance once when its timer races two cleanups', async () => {
    const faults = new PausePoints();
    const h = harness({ faults, config: armConfig({ instances: { hot: 1, warm: 0, cold: 0 } }) });
    await h.td.reconcile.reconcile(h.pool);
    const { drive } = await h.td.requests.request(h.customer(), h.request());
    h.clock.advance(2 * 3_600_000);
    const gate = faults.pause(FAULT_BEFORE_END);
    const racing = Promise.all([h.td.sessions.step(drive.driveId), h.td.cleanup.run(), h.td.cleanup.run()]);
    await gate.arrivals(3);
    gate.release();
    const [step, a, b] = await racing;
    expect(step).toEqual({ kind: 'done' });
    expect([...a.expiredDrives, ...b.expiredDrives].length).toBeLessThanOrEqual(1);
    const instance = (await h.td.store.getInstance(h.pool, drive.instanceId))!.value;
    expect(instance.state).toBe('Deleted');
    expect((await h.provider.group(instance.resourceGroup))!.deletes).toBe(1);
    expect((await h.td.store.getDrive(h.pool, drive.driveId))!.value).toMatchObject({ state: 'Ended', endReason: 'expired' });
    await h.td.cleanup.run();
    expect((await h.provider.group(instance.resourceGroup))!.deletes).toBe(1);
  });

  it('fails a provision stuck past its time-out, deletes it and provisions a new one', async () => {
    const h = harness({ config: armConfig({ instances: { hot: 1, warm: 0, cold: 0 } }), delaysMs: { deploy: 3 * 3_600_000 } });
    await h.td.reconcile.reconcile(h.pool);
    const [stuck] = (await h.td.store.instances(h.pool)).map((s) => s.value);
    h.clock.advance(120 * 60_000);
    expect((await h.td.cleanup.run()).stuckInstances).toEqual([]);
    h.clock.advance(1);
    const report = await h.td.cleanup.run();
    expect(report.stuckInstances).toEqual([stuck!.instanceId]);
    expect(report.created).toBe(1);
    const after = (await h.td.store.instances(h.pool)).map((s) => s.value);
    expect(after.find((i) => i.instanceId === stuck!.instanceId)).toMatchObject({ state: 'Deleted', lastError: 'stuck in Provisioning' });
    expect(after.filter((i) => i.state === 'Provisioning')).toHaveLength(1);
    expect(await h.td.store.lastReport()).toEqual(report);
  });

  it('deletes resource groups tagged as ours with no live instance, never untagged ones', async () => {
    const h = harness();
    const deploy = (resourceGroup: string, tags: Record<string, string>) =>
      h.provider.deploy({ resourceGroup, region: 'westus2', template: {}, parameters: {}, tags });
    await deploy('CloudTry_crm_ghost', { testDriveInstanceId: 'ghost', testDrivePublisherId: 'contoso', testDriveOfferId: 'crm' });
    await deploy('CloudTry_crm_foreign', {});
    await h.td.reconcile.reconcile(h.pool);
    await h.td.store.registerPool(h.pool);
    const report = await h.td.cleanup.run();
    expect(report.orphanGroups).toEqual(['CloudTry_crm_ghost']);
    expect((await h.provider.group('CloudTry_crm_ghost'))!.op).toBe('delete');
    expect((await h.provider.group('CloudTry_crm_foreign'))!.op).toBe('deploy');
    const live = (await h.td.store.instances(h.pool)).map((s) => s.value.resourceGroup);
    for (const rg of live) expect((await h.provider.group(rg))!.op).toBe('deploy');
    expect((await h.td.cleanup.run()).orphanGroups).toEqual([]);
  });

  it('recovers a crash after the claim: the cleanup captures the lead and ends the drive at its expiry', async () => {
    const crashing = harness({ faults: new CrashAt(FAULT_AFTER_CLAIM) });
    await crashing.td.reconcile.reconcile(crashing.pool);
    await expect(crashing.td.requests.request(crashing.customer(), crashing.request())).rejects.toThrow(/crashed/);
    const [drive] = (await crashing.td.store.drives(crashing.pool)).map((s) => s.value);
    expect(drive).toMatchObject({ state: 'Active' });
    expect(drive!.leadId).toBeUndefined();
    // The restarted host: same storage, no orchestration was ever started for the drive.
    await crashing.td.cleanup.run();
    expect((await crashing.td.store.getDrive(crashing.pool, drive!.driveId))!.value.leadId).toBe('lead-1');
    crashing.clock.advance(2 * 3_600_000);
    const report = await crashing.td.cleanup.run();
    expect(report.expiredDrives).toEqual([drive!.driveId]);
    const instance = (await crashing.td.store.getInstance(crashing.pool, drive!.instanceId))!.value;
    expect(instance.state).toBe('Deleted');
  });

  it('recovers a crash before the delete: the cleanup deletes the instance, once', async () => {
    const h = harness({ faults: new CrashAt(FAULT_BEFORE_DELETE) });
    await h.td.reconcile.reconcile(h.pool);
    const me = h.customer();
    const { drive } = await h.td.requests.request(me, h.request());
    await expect(h.td.sessions.end(me, drive.driveId)).rejects.toThrow(/crashed/);
    const instance = (await h.td.store.getInstance(h.pool, drive.instanceId))!.value;
    expect(instance.state).toBe('Deprovisioning');
    expect((await h.provider.group(instance.resourceGroup))!.op).toBe('deploy');
    await h.td.cleanup.run();
    expect((await h.td.store.getInstance(h.pool, drive.instanceId))!.value.state).toBe('Deleted');
    expect((await h.provider.group(instance.resourceGroup))!.deletes).toBe(1);
    // No instance leaked: every group the provider holds is a live instance of the pool.
    const live = new Set((await h.td.store.instances(h.pool)).filter((s) => s.value.state !== 'Deleted').map((s) => s.value.resourceGroup));
    expect((await h.provider.listOwned()).every((g) => live.has(g.resourceGroup))).toBe(true);
  });
});
