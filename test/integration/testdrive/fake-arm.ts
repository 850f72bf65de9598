/**
 * A loopback fake of the ARM endpoints the Azure test drive provider calls: resource groups (PUT, GET, HEAD, DELETE,
 * tag-filtered list) in several subscriptions, the `testdrive` deployment (PUT, then GET polls Accepted, Running,
 * then Succeeded or Failed), and a group's compute: virtual machines (instance view, deallocate and start answered
 * 202 with an Azure-AsyncOperation to poll, the power state `deallocating`/`starting` while it runs) and web apps
 * (`properties.state`, stop and start answered 200 at once). An operation advances one step per read of it or of its
 * VM's instance view, so a provider that only reads power states (after a restart) still sees it finish.
 */
import { Agent } from 'node:https';
import { AzureProvider } from '../../../shared/testdrive/store/azure-provider';
import { json, type FakeServer, type Recorded } from '../../fixtures/lead-targets/server';

export const SUB = '6a2b9a49-2d1e-4c8f-8d1e-0a1b2c3d4e5f';
export const SUB_B = '0b3c4d5e-6f70-4182-93a4-b5c6d7e8f901';

/** A provider over the fake ARM server as a freshly started host has it: nothing in memory, no subscriptions configured. */
export function providerFor(server: FakeServer): AzureProvider {
  const agent = new Agent({ ca: server.ca });
  return new AzureProvider({
    credential: { getToken: () => Promise.resolve({ token: 'fake-token', expiresOnTimestamp: Date.now() + 3_600_000 }) },
    endpoint: server.origin,
    client: {
      additionalPolicies: [{ position: 'perCall', policy: { name: 'trust-fake-ca', sendRequest: (request, next) => next(Object.assign(request, { agent })) } }],
    },
  });
}

interface Group {
  location: string;
  tags: Record<string, string>;
  deleting: number;
  deployment?: { polls: number; failed: boolean; body: Record<string, unknown> };
}

type VmPower = 'running' | 'deallocating' | 'deallocated' | 'starting';

interface Compute {
  id: string;
  type: 'Microsoft.Compute/virtualMachines' | 'Microsoft.Web/sites';
  power: VmPower;
  siteState: 'Running' | 'Stopped';
  operation?: string;
}

interface Operation {
  compute: Compute;
  action: 'deallocate' | 'start';
  steps: number;
  fail: boolean;
  status: 'InProgress' | 'Succeeded' | 'Failed';
}

type Response = Parameters<Parameters<FakeServer['handle']>[0]>[1];

export class FakeArm {
  readonly subscriptions = new Set([SUB, SUB_B]);
  /** Keyed `<subscription>/<group name>`. */
  groups = new Map<string, Group>();
  compute = new Map<string, Compute>();
  operations = new Map<string, Operation>();
  /** How many GETs a deployment answers Running before its result; how many HEADs a deleting group still exists. */
  runningPolls = 2;
  deletePolls = 1;
  failNext = false;
  /** How many reads a compute operation stays InProgress; whether the next one ends Failed. */
  operationSteps = 2;
  failNextOperation = false;
  /** VMs each deployment creates in its group (running), for warm instances end to end. */
  vmsPerDeployment = 0;
  origin = '';

  group(name: string, subscription = SUB): Group | undefined {
    return this.groups.get(`${subscription}/${name}`);
  }

  addCompute(subscription: string, group: string, type: Compute['type'], name: string, power: VmPower = 'running'): string {
    const id = `/subscriptions/${subscription}/resourceGroups/${group}/providers/${type}/${name}`;
    this.compute.set(id.toLowerCase(), { id, type, power, siteState: power === 'running' ? 'Running' : 'Stopped' });
    return id;
  }

  vm(id: string): Compute {
    return this.compute.get(id.toLowerCase()) as Compute;
  }

  #step(operation: Operation): void {
    if (operation.status !== 'InProgress') return;
    operation.steps += 1;
    if (operation.steps < this.operationSteps) return;
    operation.status = operation.fail ? 'Failed' : 'Succeeded';
    const deallocate = operation.action === 'deallocate';
    operation.compute.power = deallocate !== operation.fail ? 'deallocated' : 'running';
    operation.compute.operation = undefined;
  }

  #computeRoute(req: Recorded, res: Response, path: string): boolean {
    const op = /^\/asyncoperations\/([^/]+)$/.exec(path);
    if (op) {
      const operation = this.operations.get(op[1] as string);
      if (!operation) {
        json(res, 404, { error: { code: 'NotFound', message: 'no operation' } });
        return true;
      }
      this.#step(operation);
      json(res, 200, { status: operation.status, ...(operation.status === 'Failed' ? { error: { code: 'AllocationFailed', message: 'allocation failed' } } : {}) });
      return true;
    }
    const list = /^\/subscriptions\/([^/]+)\/resourcegroups\/([^/]+)\/resources$/i.exec(path);
    if (list && req.method === 'GET') {
      const prefix = `/subscriptions/${list[1]}/resourcegroups/${list[2]}/`.toLowerCase();
      const filter = new URL(req.path, 'https://x').searchParams.get('$filter') ?? '';
      const value = [...this.compute.values()]
        .filter((c) => c.id.toLowerCase().startsWith(prefix) && filter.includes(`resourceType eq '${c.type}'`))
        .map((c) => ({ id: c.id, name: c.id.split('/').pop(), type: c.type, location: 'westus2' }));
      json(res, 200, { value });
      return true;
    }
    const action = /^(.*)\/(instanceview|deallocate|start|stop)$/i.exec(path);
    const compute = this.compute.get((action ? (action[1] as string) : path).toLowerCase());
    if (!compute) return false;
    const verb = action?.[2]?.toLowerCase();
    if (compute.type === 'Microsoft.Web/sites') {
      if (req.method === 'POST' && (verb === 'stop' || verb === 'start')) {
        compute.siteState = verb === 'stop' ? 'Stopped' : 'Running';
        res.writeHead(200).end();
        return true;
      }
      json(res, 200, { id: compute.id, properties: { state: compute.siteState } });
      return true;
    }
    const operation = compute.operation ? this.operations.get(compute.operation) : undefined;
    if (verb === 'instanceview' && req.method === 'GET') {
      if (operation) this.#step(operation);
      json(res, 200, { statuses: [{ code: 'ProvisioningState/succeeded' }, { code: `PowerState/${compute.power}` }] });
      return true;
    }
    if (req.method === 'POST' && (verb === 'deallocate' || verb === 'start')) {
      const id = `op${this.operations.size + 1}`;
      this.operations.set(id, { compute, action: verb, steps: 0, fail: this.failNextOperation, status: 'InProgress' });
      this.failNextOperation = false;
      compute.operation = id;
      compute.power = verb === 'deallocate' ? 'deallocating' : 'starting';
      res.writeHead(202, { 'azure-asyncoperation': `${this.origin}/asyncoperations/${id}`, location: `${this.origin}/asyncoperations/${id}`, 'retry-after': '0' }).end();
      return true;
    }
    return false;
  }

  handle = (req: Recorded, res: Response) => {
    const url = new URL(req.path, 'https://x');
    if (url.pathname.startsWith('/operationresults/')) return void res.writeHead(202, { 'retry-after': '0' }).end();
    if (this.#computeRoute(req, res, url.pathname)) return;
    const m = /^\/subscriptions\/([^/]+)\/resourcegroups(?:\/([^/]+))?(\/providers\/Microsoft\.Resources\/deployments\/([^/]+))?$/i.exec(url.pathname);
    if (!m || !this.subscriptions.has(m[1] as string)) return json(res, 404, { error: { code: 'NotFound', message: url.pathname } });
    const sub = m[1] as string;
    const name = m[2];
    const key = `${sub}/${name}`;
    const group = name ? this.groups.get(key) : undefined;
    if (!name && req.method === 'GET') {
      const value = [...this.groups.entries()]
        .filter(([k, g]) => k.startsWith(`${sub}/`) && g.deleting === 0)
        .map(([k, g]) => ({ id: `/subscriptions/${k.replace('/', '/resourceGroups/')}`, name: k.slice(sub.length + 1), location: g.location, tags: g.tags, properties: { provisioningState: 'Succeeded' } }));
      return json(res, 200, { value });
    }
    if (m[3]) {
      if (req.method === 'PUT') {
        if (!group) return json(res, 404, { error: { code: 'ResourceGroupNotFound', message: 'no group' } });
        group.deployment = { polls: 0, failed: this.failNext, body: JSON.parse(req.text) as Record<string, unknown> };
        for (let n = 0; n < this.vmsPerDeployment; n += 1) this.addCompute(sub, name as string, 'Microsoft.Compute/virtualMachines', `vm${n}`);
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
      this.groups.set(key, { location: body.location, tags: body.tags, deleting: 0 });
      return json(res, 201, { id: `/subscriptions/${sub}/resourceGroups/${name}`, name, location: body.location, tags: body.tags, properties: { provisioningState: 'Succeeded' } });
    }
    if (req.method === 'HEAD') {
      if (!group) return void res.writeHead(404).end();
      if (group.deleting > 0) {
        group.deleting += 1;
        if (group.deleting > this.deletePolls + 1) {
          this.groups.delete(key);
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
