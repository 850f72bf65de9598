/**
 * Stopping and starting a test drive group's compute on Azure (decision 0710): a warm instance is deployed, then
 * its virtual machines (and scale sets) are deallocated and its web apps stopped, so it costs only its disks and
 * storage; taking it starts them again. The group's compute is listed through the ARM client; each resource's power
 * state (a VM's instance view, a web app's `properties.state`) says whether it is there already, on its way (an
 * operation in flight: not asked again) or to be asked; the POSTed actions' long-running operations are polled
 * (Azure-AsyncOperation, else Location) until Succeeded, and a Failed one fails the call. Nothing is remembered
 * that a restart would need: a new process reads the power states again and POSTs only what is not moving.
 */
import type { ResourceManagementClient } from '@azure/arm-resources';
import { createPipelineRequest } from '@azure/core-rest-pipeline';
import type { OpStatus } from '../ports';

export type PowerAction = 'stop' | 'start';

const COMPUTE_API = '2024-07-01';
const WEB_API = '2023-12-01';

/** Where a resource stands for an action: there, moving there, failed, or to be asked. */
type Power = { state: 'there' | 'moving' | 'ask' } | { state: 'failed'; error: string };

interface ComputeKind {
  apiVersion: string;
  /** The action's POST (`<id>/<verb>`). */
  verb: Record<PowerAction, string>;
  power: (arm: Arm, id: string, action: PowerAction) => Promise<Power>;
}

/** A VM's or scale set's power codes: `PowerState/<deallocated|deallocating|running|starting|stopped|…>`. */
const TARGET: Record<PowerAction, string> = { stop: 'PowerState/deallocated', start: 'PowerState/running' };
const ON_THE_WAY: Record<PowerAction, string> = { stop: 'PowerState/deallocating', start: 'PowerState/starting' };

interface Status {
  code?: string;
  message?: string;
  displayStatus?: string;
}

/** The power codes a VM (or each of a scale set's VMs) reports, or its provisioning failure. */
export function powerOf(codes: string[], action: PowerAction, failure?: Status): Power {
  if (failure) return { state: 'failed', error: failure.message ?? failure.displayStatus ?? failure.code ?? 'provisioning failed' };
  const power = codes.filter((c) => c.startsWith('PowerState/'));
  if (power.every((c) => c === TARGET[action])) return { state: 'there' };
  if (power.every((c) => c === TARGET[action] || c === ON_THE_WAY[action])) return { state: 'moving' };
  return { state: 'ask' };
}

const failureIn = (statuses: Status[] | undefined) => statuses?.find((s) => s.code?.toLowerCase().startsWith('provisioningstate/failed'));

const KINDS: Record<string, ComputeKind> = {
  'microsoft.compute/virtualmachines': {
    apiVersion: COMPUTE_API,
    verb: { stop: 'deallocate', start: 'start' },
    power: async (arm, id, action) => {
      const view = (await arm.json('GET', `${id}/instanceView?api-version=${COMPUTE_API}`)) as { statuses?: Status[] };
      return powerOf((view.statuses ?? []).map((s) => s.code ?? ''), action, failureIn(view.statuses));
    },
  },
  'microsoft.compute/virtualmachinescalesets': {
    apiVersion: COMPUTE_API,
    verb: { stop: 'deallocate', start: 'start' },
    power: async (arm, id, action) => {
      const view = (await arm.json('GET', `${id}/instanceView?api-version=${COMPUTE_API}`)) as {
        statuses?: Status[];
        virtualMachine?: { statusesSummary?: Status[] };
      };
      return powerOf((view.virtualMachine?.statusesSummary ?? []).map((s) => s.code ?? ''), action, failureIn(view.statuses));
    },
  },
  'microsoft.web/sites': {
    apiVersion: WEB_API,
    verb: { stop: 'stop', start: 'start' },
    power: async (arm, id, action) => {
      const site = (await arm.json('GET', `${id}?api-version=${WEB_API}`)) as { properties?: { state?: string } };
      return { state: site.properties?.state === (action === 'stop' ? 'Stopped' : 'Running') ? 'there' : 'ask' };
    },
  },
};

/** The `$filter` listing a group's stoppable compute. */
export const COMPUTE_FILTER = ["Microsoft.Compute/virtualMachines", 'Microsoft.Compute/virtualMachineScaleSets', 'Microsoft.Web/sites']
  .map((t) => `resourceType eq '${t}'`)
  .join(' or ');

interface Response {
  status: number;
  headers: { get(name: string): string | undefined };
  body: unknown;
}

/** Raw ARM requests through the client's pipeline (its credential, retries and policies). */
class Arm {
  constructor(
    readonly client: ResourceManagementClient,
    readonly endpoint: string,
  ) {}

  async send(method: 'GET' | 'POST', pathOrUrl: string): Promise<Response> {
    const url = /^https?:/.test(pathOrUrl) ? pathOrUrl : `${this.endpoint}${pathOrUrl}`;
    const request = createPipelineRequest({ url, method });
    if (method === 'POST') {
      request.headers.set('content-type', 'application/json');
      request.body = '{}';
    }
    const response = await this.client.sendRequest(request);
    let body: unknown;
    try {
      body = response.bodyAsText ? JSON.parse(response.bodyAsText) : undefined;
    } catch {
      body = undefined;
    }
    return { status: response.status, headers: response.headers, body };
  }

  async json(method: 'GET', path: string): Promise<unknown> {
    const response = await this.send(method, path);
    if (response.status >= 400) throw new Error(`${method} ${path}: ${response.status} ${messageOf(response.body)}`);
    return response.body ?? {};
  }
}

function messageOf(body: unknown): string {
  const error = (body as { error?: { message?: string; code?: string } } | undefined)?.error;
  return error?.message ?? error?.code ?? '';
}

/** Where one polled operation stands (Azure-AsyncOperation: its `status`; Location: 202 while running). */
export function operationStatus(status: number, body: unknown): OpStatus {
  const state = (body as { status?: string } | undefined)?.status;
  if (status >= 400) return { state: 'failed', error: messageOf(body) || `operation answered ${status}` };
  if (state === 'Failed' || state === 'Canceled') return { state: 'failed', error: messageOf(body) || `operation ${state}` };
  if (status === 202 || (state !== undefined && state !== 'Succeeded')) return { state: 'running' };
  return { state: 'succeeded' };
}

/** The operations this process began per group and action (a shortcut: a restart falls back on the power states). */
interface Pending {
  action: PowerAction;
  operations: string[];
}

export class AzureCompute {
  readonly #pending = new Map<string, Pending>();
  readonly #endpoint: string;

  constructor(endpoint: string) {
    this.#endpoint = endpoint;
  }

  async power(client: ResourceManagementClient, subscriptionId: string, resourceGroup: string, action: PowerAction): Promise<OpStatus> {
    const arm = new Arm(client, this.#endpoint);
    const key = `${subscriptionId}/${resourceGroup}`.toLowerCase();
    const pending = this.#pending.get(key);
    if (pending && pending.action === action) {
      const left: string[] = [];
      for (const url of pending.operations) {
        const response = await arm.send('GET', url);
        const status = operationStatus(response.status, response.body);
        if (status.state === 'failed') return status; // kept: asking again answers failed, not a second POST
        if (status.state === 'running') left.push(url);
      }
      pending.operations = left;
      if (left.length > 0) return { state: 'running' };
    }
    this.#pending.delete(key);
    const began: string[] = [];
    let moving = false;
    for await (const resource of client.resources.listByResourceGroup(resourceGroup, { filter: COMPUTE_FILTER })) {
      const kind = resource.type ? KINDS[resource.type.toLowerCase()] : undefined;
      if (!kind || !resource.id) continue;
      const power = await kind.power(arm, resource.id, action);
      if (power.state === 'failed') return power;
      if (power.state === 'there') continue;
      if (power.state === 'moving') {
        moving = true;
        continue;
      }
      const response = await arm.send('POST', `${resource.id}/${kind.verb[action]}?api-version=${kind.apiVersion}`);
      if (response.status === 409) moving = true; // another operation on it is in flight: asked again on the next call
      else if (response.status >= 400) return { state: 'failed', error: messageOf(response.body) || `${kind.verb[action]} answered ${response.status}` };
      else if (response.status === 202) {
        const operation = response.headers.get('azure-asyncoperation') ?? response.headers.get('location');
        if (operation) began.push(operation);
        else moving = true;
      }
    }
    if (began.length > 0) this.#pending.set(key, { action, operations: began });
    return began.length > 0 || moving ? { state: 'running' } : { state: 'succeeded' };
  }
}
