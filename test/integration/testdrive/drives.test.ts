/**
 * Test drives end to end over Azurite (specs/testdrive.md §4; decisions 0700–0703): the pool fills hot and warm,
 * a drive is served hot, then warm, then cold, then refused; a taken instance is replaced; the customer's retry
 * answers the same drive and one lead; ending deletes the instance once and frees its slot; failed provisions are
 * retried with backoff; republishing and disabling converge the pool.
 */
import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError } from '../../../shared/errors';
import { until } from '../../fixtures/saas-harness';
import { armConfig, harness } from './harness';

describe('test drive pools and drives', () => {
  it('fills hot and warm standby per region (warm stopped), and no cold instance', async () => {
    const h = harness({ config: armConfig({ regions: ['westus2', 'eastus'], instances: { hot: 2, warm: 1, cold: 3 } }) });
    await h.td.store.registerPool(h.pool);
    const report = await h.td.reconcile.reconcile(h.pool);
    expect(report.created).toBe(6);
    expect(await h.states()).toEqual({ ReadyHot: 4, Stopping: 2 });
    await h.td.reconcile.reconcile(h.pool);
    expect(await h.states()).toEqual({ ReadyHot: 4, ReadyWarm: 2 });
    const groups = await h.provider.groups();
    expect(groups).toHaveLength(6);
    expect(groups.filter((g) => g.op === 'stop')).toHaveLength(2);
    expect(groups.every((g) => g.deploys === 1 && g.resourceGroup.startsWith('CloudTry_crm_'))).toBe(true);
  });

  it('serves hot at once, then warm, then cold, then refuses with no lead; the hot slot is refilled', async () => {
    const h = harness({ config: armConfig({ instances: { hot: 1, warm: 1, cold: 1 } }) });
    await h.td.reconcile.reconcile(h.pool);
    await h.td.reconcile.reconcile(h.pool);
    expect(await h.states()).toEqual({ ReadyHot: 1, ReadyWarm: 1 });

    const hot = await h.td.requests.request(h.customer(), h.request());
    expect(hot.created).toBe(true);
    expect(hot.drive).toMatchObject({ tier: 'hot', state: 'Active', activeAt: '2026-03-01T00:00:00.000Z', expiresAt: '2026-03-01T02:00:00.000Z' });
    const instance = (await h.td.store.getInstance(h.pool, hot.drive.instanceId))!.value;
    expect(instance).toMatchObject({ state: 'InUse', driveId: hot.drive.driveId, standbySlot: '' });
    expect(instance.outputs).toEqual({ user: instance.username, url: `url.${instance.resourceGroup}.simulated` });

    const warm = await h.td.requests.request(h.customer(), h.request());
    expect(warm.drive).toMatchObject({ tier: 'warm', state: 'Active' });
    const warmGroup = await h.provider.group((await h.td.store.getInstance(h.pool, warm.drive.instanceId))!.value.resourceGroup);
    expect(warmGroup?.op).toBe('start');

    // Capacity is 3 in the region: the hot refill takes the last slot before any cold deploy could.
    await h.td.reconcile.reconcile(h.pool);
    expect(await h.states()).toEqual({ InUse: 2, ReadyHot: 1 });
    const third = await h.td.requests.request(h.customer(), h.request());
    expect(third.drive).toMatchObject({ tier: 'hot', state: 'Active' });

    const refused = h.td.requests.request(h.customer(), h.request());
    await expect(refused).rejects.toBeInstanceOf(ConflictError);
    await expect(refused).rejects.toMatchObject({ code: 'TestDriveCapacityExhausted' });
    expect(h.leads.captured.map((l) => l.driveId)).toEqual([hot.drive.driveId, warm.drive.driveId, third.drive.driveId]);
    expect(h.leads.captured[0]!.description).toBe(`Test drive ${hot.drive.driveId} started (tier=hot, region=westus2)`);
    expect(await h.states()).toEqual({ InUse: 3 });
  });

  it('replaces a taken hot instance in the background right after the claim', async () => {
    const h = harness({ config: armConfig({ instances: { hot: 2, warm: 0, cold: 2 } }), refill: true });
    await h.td.reconcile.reconcile(h.pool);
    await h.td.requests.request(h.customer(), h.request());
    await until('the hot slot refilled', async () => ((await h.states())['ReadyHot'] === 2 ? true : undefined));
    expect(await h.states()).toEqual({ InUse: 1, ReadyHot: 2 });
  });

  it('deploys cold for a drive when nothing is standing by, Active once the deploy is done', async () => {
    const h = harness({ config: armConfig({ instances: { hot: 0, warm: 0, cold: 1 } }), delaysMs: { deploy: 40 * 60_000 } });
    const { drive } = await h.td.requests.request(h.customer(), h.request());
    expect(drive).toMatchObject({ tier: 'cold', state: 'Provisioning' });
    expect(drive.expiresAt).toBeUndefined();
    expect(await h.td.sessions.step(drive.driveId)).toEqual({ kind: 'wait', until: '2026-03-01T00:00:30.000Z' });
    h.clock.advance(40 * 60_000);
    const step = await h.td.sessions.step(drive.driveId);
    // The drive's time starts when it becomes active, not when it was asked for (G5).
    expect(step).toEqual({ kind: 'wait', until: '2026-03-01T02:40:00.000Z' });
    const active = (await h.td.store.getDrive(h.pool, drive.driveId))!.value;
    expect(active).toMatchObject({ state: 'Active', activeAt: '2026-03-01T00:40:00.000Z', expiresAt: '2026-03-01T02:40:00.000Z' });
  });

  it('adopts an unbound provision still under way instead of deploying another', async () => {
    const h = harness({ config: armConfig({ instances: { hot: 1, warm: 0, cold: 1 } }), delaysMs: { deploy: 10 * 60_000 } });
    await h.td.reconcile.reconcile(h.pool);
    expect(await h.states()).toEqual({ Provisioning: 1 });
    const { drive } = await h.td.requests.request(h.customer(), h.request());
    expect(drive).toMatchObject({ tier: 'cold-adopted', state: 'Provisioning' });
    expect((await h.provider.groups()).length).toBe(1);
  });

  it('answers a customer who asks again with their drive and one lead', async () => {
    const h = harness();
    await h.td.reconcile.reconcile(h.pool);
    const me = h.customer();
    const first = await h.td.requests.request(me, h.request());
    const again = await h.td.requests.request(me, h.request());
    expect(first.drive.leadId).toBe('lead-1');
    expect((await h.td.store.getDrive(h.pool, first.drive.driveId))!.value.leadId).toBe('lead-1');
    expect(again).toEqual({ drive: first.drive, created: false });
    expect(h.leads.captured).toHaveLength(1);
    expect(await h.states()).toEqual({ InUse: 1, ReadyHot: 1 });
  });

  it('captures a lead the leads capability failed to take on the next retry or cleanup, still once', async () => {
    const h = harness();
    await h.td.reconcile.reconcile(h.pool);
    h.leads.failures = 1;
    const { drive } = await h.td.requests.request(h.customer(), h.request());
    expect(drive.leadId).toBeUndefined();
    const report = await h.td.cleanup.run();
    expect(report.leadsCaptured).toBe(1);
    await h.td.cleanup.run();
    expect(h.leads.captured.map((l) => l.driveId)).toEqual([drive.driveId]);
    expect((await h.td.store.getDrive(h.pool, drive.driveId))!.value.leadId).toBe('lead-1');
  });

  it('refuses offers without an available test drive', async () => {
    const h = harness();
    await expect(h.td.requests.request(h.customer(), h.request({ offerId: 'nope' }))).rejects.toBeInstanceOf(NotFoundError);
    h.offers.live = 'disabled';
    await expect(h.td.requests.request(h.customer(), h.request())).rejects.toMatchObject({ code: 'TestDriveNotAvailable' });
    expect(h.leads.captured).toEqual([]);
  });

  it('lets only its customer read or end a drive; ending deletes the instance once and the slot refills', async () => {
    const h = harness({ config: armConfig({ instances: { hot: 1, warm: 0, cold: 0 } }) });
    await h.td.reconcile.reconcile(h.pool);
    const me = h.customer();
    const { drive } = await h.td.requests.request(me, h.request());
    await expect(h.td.sessions.read(h.customer(), drive.driveId)).rejects.toMatchObject({ code: 'TestDriveNotFound' });
    await expect(h.td.sessions.end(h.customer(), drive.driveId)).rejects.toBeInstanceOf(NotFoundError);
    await expect(h.td.requests.request(h.customer(), h.request())).rejects.toMatchObject({ code: 'TestDriveCapacityExhausted' });

    const ended = await h.td.sessions.end(me, drive.driveId);
    expect(ended).toMatchObject({ state: 'Ended', endReason: 'user', endedAt: '2026-03-01T00:00:00.000Z' });
    expect(await h.td.sessions.end(me, drive.driveId)).toEqual(ended);
    const instance = (await h.td.store.getInstance(h.pool, drive.instanceId))!.value;
    expect(instance.state).toBe('Deleted');
    expect((await h.provider.group(instance.resourceGroup))!.deletes).toBe(1);
    expect(await h.td.sessions.step(drive.driveId)).toEqual({ kind: 'done' });

    await h.td.reconcile.reconcile(h.pool);
    expect(await h.states()).toEqual({ Deleted: 1, ReadyHot: 1 });
    // The same customer may take a new drive, on a new instance with new credentials.
    const next = await h.td.requests.request(me, h.request());
    expect(next.created).toBe(true);
    expect(next.drive.instanceId).not.toBe(drive.instanceId);
  });

  it('ends a drive at its expiry through its own step, never before', async () => {
    const h = harness();
    await h.td.reconcile.reconcile(h.pool);
    const { drive } = await h.td.requests.request(h.customer(), h.request());
    expect(await h.td.sessions.step(drive.driveId)).toEqual({ kind: 'wait', until: '2026-03-01T02:00:00.000Z' });
    h.clock.advance(2 * 3_600_000 - 1);
    expect(await h.td.sessions.step(drive.driveId)).toEqual({ kind: 'wait', until: '2026-03-01T02:00:00.000Z' });
    h.clock.advance(1);
    expect(await h.td.sessions.step(drive.driveId)).toEqual({ kind: 'done' });
    expect((await h.td.store.getDrive(h.pool, drive.driveId))!.value).toMatchObject({ state: 'Ended', endReason: 'expired' });
  });

  it('retries a failed provision with backoff in the same resource group, reporting the error', async () => {
    const h = harness({ config: armConfig({ instances: { hot: 1, warm: 0, cold: 0 } }) });
    h.provider.injectFaults('deploy', 2);
    await h.td.reconcile.reconcile(h.pool);
    let [i] = (await h.td.store.instances(h.pool)).map((s) => s.value);
    expect(i).toMatchObject({ state: 'Provisioning', attempts: 1, retryAt: '2026-03-01T00:01:00.000Z', lastError: 'simulated deploy failure' });
    await h.td.reconcile.reconcile(h.pool);
    expect((await h.provider.groups())[0]!.deploys).toBe(1);
    h.clock.advance(60_000);
    await h.td.reconcile.reconcile(h.pool);
    [i] = (await h.td.store.instances(h.pool)).map((s) => s.value);
    expect(i).toMatchObject({ state: 'Provisioning', attempts: 2, retryAt: '2026-03-01T00:03:00.000Z' });
    h.clock.advance(120_000);
    await h.td.reconcile.reconcile(h.pool);
    [i] = (await h.td.store.instances(h.pool)).map((s) => s.value);
    expect(i).toMatchObject({ state: 'ReadyHot', attempts: 2 });
    expect(i!.retryAt).toBeUndefined();
    expect((await h.provider.groups()).map((g) => g.deploys)).toEqual([3]);
  });

  it('drains the old version on republish while its drives keep running, and drains all standby when disabled', async () => {
    const h = harness({ config: armConfig({ instances: { hot: 2, warm: 0, cold: 1 } }) });
    await h.td.reconcile.reconcile(h.pool);
    const { drive } = await h.td.requests.request(h.customer(), h.request());
    h.offers.publish(armConfig({ instances: { hot: 1, warm: 0, cold: 1 } }));
    await h.td.reconcile.reconcile(h.pool);
    const all = (await h.td.store.instances(h.pool)).map((s) => s.value);
    expect(all.filter((i) => i.state === 'ReadyHot').map((i) => i.version)).toEqual([2]);
    expect(all.find((i) => i.instanceId === drive.instanceId)).toMatchObject({ state: 'InUse', version: 1 });
    expect(all.filter((i) => i.state === 'Deleted')).toHaveLength(1);
    h.offers.live = 'disabled';
    await h.td.reconcile.reconcile(h.pool);
    expect(await h.states()).toEqual({ InUse: 1, Deleted: 2 });
  });
});
