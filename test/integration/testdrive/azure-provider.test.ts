/**
 * The Azure provider (store/azure-provider.ts; decision 0704) against a loopback HTTPS fake of the ARM endpoints:
 * the resource group is created with our tags and location, the template deployed as `testdrive` with the
 * instance's parameters, the deployment polled (Accepted, Running, then Succeeded with outputs) without a second
 * PUT, a failed deployment reported and re-deployed only on retry, the delete begun once and polled until the
 * group is gone, and the orphan scan listing only groups with our tag.
 */
import { Agent } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AzureProvider } from '../../../shared/testdrive/store/azure-provider';
import { json, startFake, type FakeServer, type Recorded } from '../../fixtures/lead-targets/server';

const SUB = '6a2b9a49-2d1e-4c8f-8d1e-0a1b2c3d4e5f';

interface Group {
  location: string;
  tags: Record<string, string>;
  deleting: number;
  deployment?: { polls: number; failed: boolean; body: Record<string, unknown> };
}

class FakeArm {
  groups = new Map<string, Group>();
  /** How many GETs a deployment answers Running before its result; how many HEADs a deleting group still exists. */
  runningPolls = 2;
  deletePolls = 1;
  failNext = false;
  origin = '';

  handle = (req: Recorded, res: Parameters<Parameters<FakeServer['handle']>[0]>[1]) => {
    const url = new URL(req.path, 'https://x');
    if (url.pathname.startsWith('/operationresults/')) return void res.writeHead(202, { 'retry-after': '0' }).end();
    const m = /^\/subscriptions\/([^/]+)\/resourcegroups(?:\/([^/]+))?(\/providers\/Microsoft\.Resources\/deployments\/([^/]+))?$/i.exec(url.pathname);
    if (!m || m[1] !== SUB) return json(res, 404, { error: { code: 'NotFound', message: url.pathname } });
    const name = m[2];
    const group = name ? this.groups.get(name) : undefined;
    if (!name && req.method === 'GET') {
      const value = [...this.groups.entries()]
        .filter(([, g]) => g.deleting === 0)
        .map(([n, g]) => ({ id: `/subscriptions/${SUB}/resourceGroups/${n}`, name: n, location: g.location, tags: g.tags, properties: { provisioningState: 'Succeeded' } }));
      return json(res, 200, { value });
    }
    if (m[3]) {
      if (req.method === 'PUT') {
        if (!group) return json(res, 404, { error: { code: 'ResourceGroupNotFound', message: 'no group' } });
        group.deployment = { polls: 0, failed: this.failNext, body: JSON.parse(req.text) as Record<string, unknown> };
        this.failNext = false;
        return json(res, 201, { id: 'd', name: m[4], properties: { provisioningState: 'Accepted' } });
      }
      if (!group?.deployment) return json(res, 404, { error: { code: 'DeploymentNotFound', message: 'none' } });
      const d = group.deployment;
      d.polls += 1;
      if (d.polls <= this.runningPolls) return json(res, 200, { name: m[4], properties: { provisioningState: d.polls === 1 ? 'Accepted' : 'Running' } });
      if (d.failed) return json(res, 200, { name: m[4], properties: { provisioningState: 'Failed', error: { code: 'Conflict', message: 'quota exceeded' } } });
      const parameters = (d.body['properties'] as { parameters: Record<string, { value: string }> }).parameters;
      return json(res, 200, { name: m[4], properties: { provisioningState: 'Succeeded', outputs: { user: { type: 'String', value: parameters['adminUser']?.value } } } });
    }
    if (req.method === 'PUT') {
      const body = JSON.parse(req.text) as { location: string; tags: Record<string, string> };
      this.groups.set(name as string, { location: body.location, tags: body.tags, deleting: 0 });
      return json(res, 201, { id: `/subscriptions/${SUB}/resourceGroups/${name}`, name, location: body.location, tags: body.tags, properties: { provisioningState: 'Succeeded' } });
    }
    if (req.method === 'HEAD') {
      if (!group) return void res.writeHead(404).end();
      if (group.deleting > 0) {
        group.deleting += 1;
        if (group.deleting > this.deletePolls + 1) {
          this.groups.delete(name as string);
          return void res.writeHead(404).end();
        }
      }
      return void res.writeHead(204).end();
    }
    if (req.method === 'GET') {
      if (!group) return json(res, 404, { error: { code: 'ResourceGroupNotFound', message: 'gone' } });
      return json(res, 200, { name, location: group.location, tags: group.tags, properties: { provisioningState: group.deleting > 0 ? 'Deleting' : 'Succeeded' } });
    }
    if (req.method === 'DELETE') {
      if (group) group.deleting = Math.max(group.deleting, 1);
      return void res.writeHead(202, { location: `${this.origin}/operationresults/${name}`, 'retry-after': '0' }).end();
    }
    return json(res, 405, { error: { code: 'MethodNotAllowed', message: req.method } });
  };
}

let server: FakeServer;
let arm: FakeArm;
let provider: AzureProvider;

beforeAll(async () => {
  server = await startFake({ https: true });
  arm = new FakeArm();
  arm.origin = server.origin;
  server.handle(arm.handle);
  const agent = new Agent({ ca: server.ca });
  provider = new AzureProvider({
    credential: { getToken: () => Promise.resolve({ token: 'fake-token', expiresOnTimestamp: Date.now() + 3_600_000 }) },
    endpoint: server.origin,
    client: {
      additionalPolicies: [{ position: 'perCall', policy: { name: 'trust-fake-ca', sendRequest: (request, next) => next(Object.assign(request, { agent })) } }],
    },
  });
});

afterAll(async () => {
  await server?.close();
});

const request = (rg: string) => ({
  resourceGroup: rg,
  region: 'westus2',
  subscriptionId: SUB,
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
    expect(arm.groups.get('CloudTry_crm_aaaa')).toMatchObject({ location: 'westus2', tags: { testDriveInstanceId: 'aaaa' } });
    expect(arm.groups.get('CloudTry_crm_aaaa')!.deployment!.body).toMatchObject({
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
    arm.groups.set('someone-elses', { location: 'westus2', tags: {}, deleting: 0 });
    const owned = await provider.listOwned();
    expect(owned.map((g) => g.resourceGroup).sort()).toEqual(['CloudTry_crm_aaaa', 'CloudTry_crm_bbbb']);
    expect(owned.find((g) => g.resourceGroup === 'CloudTry_crm_aaaa')).toEqual({ resourceGroup: 'CloudTry_crm_aaaa', instanceId: 'aaaa', publisherId: 'contoso', offerId: 'crm' });
    expect(await provider.delete('CloudTry_crm_aaaa')).toEqual({ state: 'running' });
    expect(await provider.delete('CloudTry_crm_aaaa')).toEqual({ state: 'running' });
    expect(await provider.delete('CloudTry_crm_aaaa')).toEqual({ state: 'succeeded' });
    expect(await provider.delete('CloudTry_crm_aaaa')).toEqual({ state: 'succeeded' });
    expect(server.received.filter((r) => r.method === 'DELETE')).toHaveLength(1);
    expect(arm.groups.has('someone-elses')).toBe(true);
  });
});
