/**
 * The Azure provider (store/azure-provider.ts; decision 0704) against a loopback HTTPS fake of the ARM endpoints:
 * the resource group is created with our tags and location, the template deployed as `testdrive` with the
 * instance's parameters, the deployment polled (Accepted, Running, then Succeeded with outputs) without a second
 * PUT, a failed deployment reported and re-deployed only on retry, the delete begun once and polled until the
 * group is gone, and the orphan scan listing only groups with our tag.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AzureProvider } from '../../../shared/testdrive/store/azure-provider';
import { startFake, type FakeServer } from '../../fixtures/lead-targets/server';
import { FakeArm, providerFor, SUB, SUB_B } from './fake-arm';

let server: FakeServer;
let arm: FakeArm;
let provider: AzureProvider;

beforeAll(async () => {
  server = await startFake({ https: true });
  arm = new FakeArm();
  arm.origin = server.origin;
  server.handle(arm.handle);
  provider = newProvider();
});

/** A provider as a freshly started host has it: nothing in memory, no subscriptions configured. */
const newProvider = (): AzureProvider => providerFor(server);

afterAll(async () => {
  await server?.close();
});

const request = (rg: string, subscriptionId = SUB) => ({
  resourceGroup: rg,
  region: 'westus2',
  subscriptionId,
  template: { $schema: 'x', resources: [] },
  parameters: { adminUser: { value: 'admin01234' }, adminPassword: { value: 'P@ssw0rd!' } },
  tags: { testDriveInstanceId: rg.slice(-4), testDrivePublisherId: 'contoso', testDriveOfferId: 'crm' },
});

describe('AzureProvider against a fake ARM', () => {
  it('creates the tagged group, deploys once and polls the deployment until it succeeded', async () => {
    const before = server.received.length;
    expect(await provider.deploy(request('CloudTry_crm_aaaa'))).toEqual({ state: 'running' });
    const calls = server.received.slice(before).map((r) => `${r.method} ${new URL(r.path, 'https://x').pathname}`);
    expect(calls).toEqual([
      `GET /subscriptions/${SUB}/resourcegroups/CloudTry_crm_aaaa/providers/Microsoft.Resources/deployments/testdrive`,
      `PUT /subscriptions/${SUB}/resourcegroups/CloudTry_crm_aaaa`,
      `PUT /subscriptions/${SUB}/resourcegroups/CloudTry_crm_aaaa/providers/Microsoft.Resources/deployments/testdrive`,
      // The SDK's first poll of the long-running PUT.
      `GET /subscriptions/${SUB}/resourcegroups/CloudTry_crm_aaaa/providers/Microsoft.Resources/deployments/testdrive`,
    ]);
    expect(server.received.slice(before).every((r) => r.headers['authorization'] === 'Bearer fake-token')).toBe(true);
    expect(arm.group('CloudTry_crm_aaaa')).toMatchObject({ location: 'westus2', tags: { testDriveInstanceId: 'aaaa' } });
    expect(arm.group('CloudTry_crm_aaaa')!.deployment!.body).toMatchObject({
      properties: { mode: 'Incremental', parameters: { adminUser: { value: 'admin01234' } } },
    });
    expect(await provider.deploy(request('CloudTry_crm_aaaa'))).toEqual({ state: 'running' });
    expect(await provider.deploy(request('CloudTry_crm_aaaa'))).toEqual({ state: 'succeeded', outputs: { user: { type: 'String', value: 'admin01234' } } });
    expect(server.received.filter((r) => r.method === 'PUT' && r.path.includes('deployments'))).toHaveLength(1);
  });

  it('reports a failed deployment and deploys again only when asked to retry', async () => {
    arm.failNext = true;
    arm.runningPolls = 0;
    await provider.deploy(request('CloudTry_crm_bbbb'));
    expect(await provider.deploy(request('CloudTry_crm_bbbb'))).toEqual({ state: 'failed', error: 'quota exceeded' });
    expect(await provider.deploy(request('CloudTry_crm_bbbb'))).toEqual({ state: 'failed', error: 'quota exceeded' });
    expect(await provider.deploy(request('CloudTry_crm_bbbb'), { retry: true })).toEqual({ state: 'running' });
    expect(await provider.deploy(request('CloudTry_crm_bbbb'))).toMatchObject({ state: 'succeeded' });
    arm.runningPolls = 2;
  });

  it('lists only groups carrying our tag, begins a delete once and polls it until the group is gone', async () => {
    arm.groups.set(`${SUB}/someone-elses`, { location: 'westus2', tags: {}, deleting: 0 });
    const owned = await provider.listOwned();
    expect(owned.map((g) => g.resourceGroup).sort()).toEqual(['CloudTry_crm_aaaa', 'CloudTry_crm_bbbb']);
    expect(owned.find((g) => g.resourceGroup === 'CloudTry_crm_aaaa')).toEqual({ resourceGroup: 'CloudTry_crm_aaaa', subscriptionId: SUB, instanceId: 'aaaa', publisherId: 'contoso', offerId: 'crm' });
    expect(await provider.delete({ resourceGroup: 'CloudTry_crm_aaaa', subscriptionId: SUB })).toEqual({ state: 'running' });
    expect(await provider.delete({ resourceGroup: 'CloudTry_crm_aaaa', subscriptionId: SUB })).toEqual({ state: 'running' });
    expect(await provider.delete({ resourceGroup: 'CloudTry_crm_aaaa', subscriptionId: SUB })).toEqual({ state: 'succeeded' });
    expect(await provider.delete({ resourceGroup: 'CloudTry_crm_aaaa', subscriptionId: SUB })).toEqual({ state: 'succeeded' });
    expect(server.received.filter((r) => r.method === 'DELETE')).toHaveLength(1);
    expect(arm.groups.has(`${SUB}/someone-elses`)).toBe(true);
  });
});

/** A deployed group with `vms` virtual machines and `sites` web apps, all running. */
function computeGroup(name: string, vms: number, sites: number, subscription = SUB): string[] {
  arm.groups.set(`${subscription}/${name}`, { location: 'westus2', tags: { testDriveInstanceId: name }, deleting: 0 });
  return [
    ...Array.from({ length: vms }, (_, n) => arm.addCompute(subscription, name, 'Microsoft.Compute/virtualMachines', `vm${n}`)),
    ...Array.from({ length: sites }, (_, n) => arm.addCompute(subscription, name, 'Microsoft.Web/sites', `app${n}`)),
  ];
}

/** The POSTed compute actions on `group` since `from`, as `<resource> <verb>`. */
function actions(group: string, from: number): string[] {
  return server.received
    .slice(from)
    .filter((r) => r.method === 'POST' && r.path.includes(`/${group}/`))
    .map((r) => new URL(r.path, 'https://x').pathname.split('/').slice(-2).join(' '))
    .sort();
}

describe('AzureProvider stops and starts a warm instance compute', () => {
  it('deallocates both VMs and stops the web app once each, running until every operation succeeded; start likewise', async () => {
    const [vm0, vm1, app0] = computeGroup('CloudTry_crm_warm', 2, 1);
    const group = { resourceGroup: 'CloudTry_crm_warm', subscriptionId: SUB };
    const before = server.received.length;
    const stops = [await provider.stop(group), await provider.stop(group), await provider.stop(group)];
    expect(stops).toEqual([{ state: 'running' }, { state: 'running' }, { state: 'succeeded' }]);
    expect(actions('CloudTry_crm_warm', before)).toEqual(['app0 stop', 'vm0 deallocate', 'vm1 deallocate']);
    expect([arm.vm(vm0!).power, arm.vm(vm1!).power, arm.vm(app0!).siteState]).toEqual(['deallocated', 'deallocated', 'Stopped']);
    // Stopped already: asked again, nothing is POSTed.
    expect(await provider.stop(group)).toEqual({ state: 'succeeded' });
    expect(actions('CloudTry_crm_warm', before)).toHaveLength(3);

    const starting = server.received.length;
    const starts = [await provider.start(group), await provider.start(group), await provider.start(group)];
    expect(starts).toEqual([{ state: 'running' }, { state: 'running' }, { state: 'succeeded' }]);
    expect(actions('CloudTry_crm_warm', starting)).toEqual(['app0 start', 'vm0 start', 'vm1 start']);
    expect([arm.vm(vm0!).power, arm.vm(vm1!).power, arm.vm(app0!).siteState]).toEqual(['running', 'running', 'Running']);
  });

  it('answers failed when a deallocate operation fails, and keeps answering failed without a second POST', async () => {
    computeGroup('CloudTry_crm_fail', 1, 0);
    const group = { resourceGroup: 'CloudTry_crm_fail', subscriptionId: SUB };
    arm.failNextOperation = true;
    const before = server.received.length;
    expect(await provider.stop(group)).toEqual({ state: 'running' });
    expect(await provider.stop(group)).toEqual({ state: 'running' });
    expect(await provider.stop(group)).toEqual({ state: 'failed', error: 'allocation failed' });
    expect(await provider.stop(group)).toEqual({ state: 'failed', error: 'allocation failed' });
    expect(actions('CloudTry_crm_fail', before)).toEqual(['vm0 deallocate']);
  });

  it('after a restart in the middle of a stop, reads the power states and POSTs nothing again', async () => {
    const [vm0, vm1] = computeGroup('CloudTry_crm_restart', 2, 1);
    const group = { resourceGroup: 'CloudTry_crm_restart', subscriptionId: SUB };
    const before = server.received.length;
    expect(await newProvider().stop(group)).toEqual({ state: 'running' });
    expect([arm.vm(vm0!).power, arm.vm(vm1!).power]).toEqual(['deallocating', 'deallocating']);
    const restarted = newProvider();
    expect(await restarted.stop(group)).toEqual({ state: 'running' });
    expect(await restarted.stop(group)).toEqual({ state: 'succeeded' });
    expect(await newProvider().stop(group)).toEqual({ state: 'succeeded' });
    expect(actions('CloudTry_crm_restart', before)).toEqual(['app0 stop', 'vm0 deallocate', 'vm1 deallocate']);
  });

  it('a group without compute is stopped and started at once', async () => {
    computeGroup('CloudTry_crm_none', 0, 0);
    expect(await provider.stop({ resourceGroup: 'CloudTry_crm_none', subscriptionId: SUB })).toEqual({ state: 'succeeded' });
    expect(await provider.start({ resourceGroup: 'CloudTry_crm_none', subscriptionId: SUB })).toEqual({ state: 'succeeded' });
  });
});

describe('AzureProvider reaches the subscription each call names', () => {
  it('deploys in subscription B, and after a restart deletes the group there and finds it in the orphan scan', async () => {
    const rg = 'CloudTry_crm_subb';
    expect(await newProvider().deploy(request(rg, SUB_B))).toEqual({ state: 'running' });
    expect(arm.group(rg, SUB_B)).toBeDefined();
    const restarted = newProvider();
    expect((await restarted.listOwned()).map((g) => g.resourceGroup)).not.toContain(rg);
    expect((await restarted.listOwned([SUB_B])).find((g) => g.resourceGroup === rg)).toMatchObject({ subscriptionId: SUB_B, instanceId: 'subb' });
    const again = newProvider();
    const group = { resourceGroup: rg, subscriptionId: SUB_B };
    expect(await again.delete(group)).toEqual({ state: 'running' });
    expect(await again.delete(group)).toEqual({ state: 'running' });
    expect(await newProvider().delete(group)).toEqual({ state: 'succeeded' });
    expect(arm.group(rg, SUB_B)).toBeUndefined();
  });

  it('without a subscription (none recorded, none configured) answers failed rather than guessing', async () => {
    expect(await newProvider().delete({ resourceGroup: 'CloudTry_crm_nosub' })).toEqual({ state: 'failed', error: 'no subscription known for the resource group' });
  });
});
