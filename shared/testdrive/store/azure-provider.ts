/**
 * The Azure instance provider (decision 0704): each instance is a resource group `CloudTry_<offer>_<instance>`
 * (tagged with the instance, publisher and offer) in the offer's deployment subscription, into which the offer's
 * main template is deployed as the deployment `testdrive`, with @azure/arm-resources and DefaultAzureCredential
 * (managed identity in Azure). Every call is idempotent and answers where the long-running operation stands: a
 * deployment is polled with GET until Succeeded or Failed; a delete is begun once and polled with HEAD until the
 * group is gone. Warm instances: stop deallocates the group's VMs and stops its web apps, start starts them
 * (store/azure-compute.ts, decision 0710). The subscription of a group comes with every call (recorded with the
 * instance, decision 0711); groups of older rows fall back on the subscriptions seen since start and the configured ones.
 */
import { ResourceManagementClient, type ResourceManagementClientOptionalParams } from '@azure/arm-resources';
import type { DeployRequest, GroupRef, InstanceProvider, OpStatus, OwnedGroup } from '../ports';
import { AzureCompute } from './azure-compute';

export type ArmCredential = ConstructorParameters<typeof ResourceManagementClient>[0];

export const DEPLOYMENT_NAME = 'testdrive';

export interface AzureProviderOptions {
  credential: ArmCredential;
  /** The ARM endpoint (`https://management.azure.com`; a loopback fake in tests). */
  endpoint: string;
  /** Subscriptions the orphan scan always lists (besides those the cleanup names and those deployed to since start). */
  subscriptions?: string[];
  /** Extra client options (tests add a policy trusting the fake's CA). */
  client?: ResourceManagementClientOptionalParams;
}

const statusOf = (error: unknown) => (error as { statusCode?: number }).statusCode;

const RUNNING = new Set(['Accepted', 'Running', 'Creating', 'Updating', 'Deleting', 'Ready', 'Waiting']);

export class AzureProvider implements InstanceProvider {
  readonly #options: AzureProviderOptions;
  readonly #clients = new Map<string, ResourceManagementClient>();
  /** Which subscription each resource group was deployed to: a fallback for rows that do not record it. */
  readonly #subscriptionOf = new Map<string, string>();
  readonly #compute: AzureCompute;

  constructor(options: AzureProviderOptions) {
    this.#options = options;
    this.#compute = new AzureCompute(options.endpoint);
  }

  #client(subscriptionId: string): ResourceManagementClient {
    let client = this.#clients.get(subscriptionId);
    if (!client) {
      client = new ResourceManagementClient(this.#options.credential, subscriptionId, { ...this.#options.client, endpoint: this.#options.endpoint });
      this.#clients.set(subscriptionId, client);
    }
    return client;
  }

  #subscriptionFor({ resourceGroup, subscriptionId }: GroupRef): string | undefined {
    return subscriptionId ?? this.#subscriptionOf.get(resourceGroup) ?? this.#options.subscriptions?.[0];
  }

  async deploy(request: DeployRequest, options: { retry?: boolean } = {}): Promise<OpStatus> {
    const subscription = request.subscriptionId ?? this.#options.subscriptions?.[0];
    if (!subscription) return { state: 'failed', error: 'no deployment subscription (azureSubscriptionId)' };
    this.#subscriptionOf.set(request.resourceGroup, subscription);
    const client = this.#client(subscription);
    const current = await this.#deployment(client, request.resourceGroup);
    if (current) {
      const state = current.properties?.provisioningState ?? 'Running';
      if (state === 'Succeeded') return { state: 'succeeded', outputs: (current.properties?.outputs ?? {}) };
      if (!RUNNING.has(state) && !options.retry) return { state: 'failed', error: current.properties?.error?.message ?? `deployment ${state}` };
      if (RUNNING.has(state)) return { state: 'running' };
    }
    await client.resourceGroups.createOrUpdate(request.resourceGroup, { location: request.region, tags: request.tags });
    try {
      // The SDK sends the PUT and polls once; the deployment is then polled by the next calls (GET above).
      await client.deployments.beginCreateOrUpdate(request.resourceGroup, DEPLOYMENT_NAME, {
        properties: { mode: 'Incremental', template: request.template, parameters: request.parameters },
        tags: request.tags,
      });
    } catch (error) {
      const status = statusOf(error);
      if (status !== undefined && status >= 400 && status < 500) return { state: 'failed', error: (error as Error).message };
      if (!/long-running operation has failed/i.test((error as Error).message)) throw error;
    }
    return { state: 'running' };
  }

  async #deployment(client: ResourceManagementClient, resourceGroup: string) {
    try {
      return await client.deployments.get(resourceGroup, DEPLOYMENT_NAME);
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  stop(group: GroupRef): Promise<OpStatus> {
    return this.#power(group, 'stop');
  }

  start(group: GroupRef): Promise<OpStatus> {
    return this.#power(group, 'start');
  }

  async #power(group: GroupRef, action: 'stop' | 'start'): Promise<OpStatus> {
    const subscription = this.#subscriptionFor(group);
    if (!subscription) return { state: 'failed', error: 'no subscription known for the resource group' };
    return this.#compute.power(this.#client(subscription), subscription, group.resourceGroup, action);
  }

  async delete(group: GroupRef): Promise<OpStatus> {
    const { resourceGroup } = group;
    const subscription = this.#subscriptionFor(group);
    if (!subscription) return { state: 'failed', error: 'no subscription known for the resource group' };
    const client = this.#client(subscription);
    if (!(await client.resourceGroups.checkExistence(resourceGroup)).body) return { state: 'succeeded' };
    try {
      const group = await client.resourceGroups.get(resourceGroup);
      if (group.properties?.provisioningState === 'Deleting') return { state: 'running' };
      await client.resourceGroups.beginDelete(resourceGroup); // the DELETE, and one poll of its operation
      return { state: 'running' };
    } catch (error) {
      if (statusOf(error) === 404) return { state: 'succeeded' };
      throw error;
    }
  }

  async listOwned(named: string[] = []): Promise<OwnedGroup[]> {
    const subscriptions = new Set([...named, ...(this.#options.subscriptions ?? []), ...this.#subscriptionOf.values()]);
    const out: OwnedGroup[] = [];
    for (const subscription of subscriptions) {
      for await (const group of this.#client(subscription).resourceGroups.list({ filter: `tagName eq 'testDriveInstanceId'` })) {
        const tags = group.tags ?? {};
        const instanceId = tags['testDriveInstanceId'];
        if (!group.name || !instanceId || group.properties?.provisioningState === 'Deleting') continue;
        this.#subscriptionOf.set(group.name, subscription);
        out.push({ resourceGroup: group.name, subscriptionId: subscription, instanceId, publisherId: tags['testDrivePublisherId'] ?? '', offerId: tags['testDriveOfferId'] ?? '' });
      }
    }
    return out;
  }
}
