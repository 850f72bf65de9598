/**
 * The test drive capability over Azurite with the Azure provider against the loopback fake ARM (decisions 0710,
 * 0711): instances record the subscription they were deployed to, so a host restarted with a new provider (nothing
 * in memory, no subscriptions configured) still stops, starts and deletes groups in the offer's subscription B, and
 * its cleanup's orphan scan covers subscription B. A warm instance ends deallocated and is started when taken.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AzureProvider } from '../../../shared/testdrive/store/azure-provider';
import { startFake, type FakeServer } from '../../fixtures/lead-targets/server';
import { FakeArm, providerFor, SUB_B } from './fake-arm';
import { armConfig, harness } from './harness';

let server: FakeServer;
let arm: FakeArm;

beforeAll(async () => {
  server = await startFake({ https: true });
  arm = new FakeArm();
  arm.origin = server.origin;
  arm.runningPolls = 0;
  arm.deletePolls = 0;
  arm.operationSteps = 1;
  arm.vmsPerDeployment = 1;
  server.handle(arm.handle);
});

afterAll(async () => {
  await server?.close();
});

/** A provider as a freshly started host has it: nothing in memory, no subscriptions configured. */
const newProvider = (): AzureProvider => providerFor(server);

describe('test drives on the Azure provider across restarts', () => {
  it('deploys in subscription B, restarts, serves the warm instance started, and deletes in B after the end', async () => {
    const h = harness({ config: armConfig({ azureSubscriptionId: SUB_B, instances: { hot: 0, warm: 1, cold: 0 } }) });
    const first = h.host(newProvider());
    await first.store.registerPool(h.pool);
    for (let round = 0; round < 6 && (await h.states())['ReadyWarm'] !== 1; round += 1) await h.host(newProvider()).reconcile.reconcile(h.pool);
    expect(await h.states()).toEqual({ ReadyWarm: 1 });
    const [instance] = await h.td.store.instances(h.pool);
    const rg = instance!.value.resourceGroup;
    expect(instance!.value.subscriptionId).toBe(SUB_B);
    expect(arm.group(rg, SUB_B)).toBeDefined();
    const vm = arm.vm(`/subscriptions/${SUB_B}/resourceGroups/${rg}/providers/Microsoft.Compute/virtualMachines/vm0`);
    expect(vm.power).toBe('deallocated');

    const restarted = h.host(newProvider());
    const customer = h.customer();
    const taken = await restarted.requests.request(customer, h.request());
    expect(taken.drive.tier).toBe('warm');
    for (let round = 0; round < 4 && (await restarted.sessions.read(customer, taken.drive.driveId)).value.state !== 'Active'; round += 1) {
      await h.host(newProvider()).sessions.step(taken.drive.driveId);
    }
    expect((await restarted.sessions.read(customer, taken.drive.driveId)).value.state).toBe('Active');
    expect(vm.power).toBe('running');

    await h.host(newProvider()).sessions.end(customer, taken.drive.driveId);
    for (let round = 0; round < 4 && arm.group(rg, SUB_B); round += 1) await h.host(newProvider()).cleanup.run();
    expect(arm.group(rg, SUB_B)).toBeUndefined();
    expect((await h.td.store.getInstance(h.pool, instance!.value.instanceId))!.value.state).toBe('Deleted');
  });

  it('finds and deletes an orphaned group in the live offer subscription B after a restart', async () => {
    const h = harness({ config: armConfig({ azureSubscriptionId: SUB_B, instances: { hot: 0, warm: 0, cold: 1 } }) });
    await h.td.store.registerPool(h.pool);
    arm.groups.clear(); // the first test's refilled warm instance belongs to its own storage
    arm.groups.set(`${SUB_B}/CloudTry_crm_orphan`, { location: 'westus2', tags: { testDriveInstanceId: 'orphan', testDrivePublisherId: 'contoso', testDriveOfferId: 'crm' }, deleting: 0 });
    const report = await h.host(newProvider()).cleanup.run();
    expect(report.orphanGroups).toEqual(['CloudTry_crm_orphan']);
    expect(report.errors).toEqual([]);
    // Its delete is begun in B (Azure finishes it; a group being deleted is no longer listed): once, however many cleanups.
    await h.host(newProvider()).cleanup.run();
    expect(arm.group('CloudTry_crm_orphan', SUB_B)!.deleting).toBeGreaterThan(0);
    expect(server.received.filter((r) => r.method === 'DELETE' && r.path.includes(`/subscriptions/${SUB_B}/resourcegroups/CloudTry_crm_orphan`))).toHaveLength(1);
  });
});
