/**
 * The local durable runtime: what the Durable extension does for a Functions host, for an app that uses
 * durable-functions v3, on Table storage (Azurite locally). `startDurableRuntime` opens the task hub's tables,
 * takes partition leases, dispatches orchestrations and activities for owned partitions, and serves the Durable
 * HTTP API; `clientBinding` is the data of a `durableClient` input binding, pointing the SDK's client at that API.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RpcTypedData } from '../core-types';
import type { RegisteredFunction } from '../functions-core';
import type { HostClock } from '../timers';
import { FunctionCatalog } from './catalog';
import { DurableClientOps } from './client';
import { createDurableApi, managementUrls, requiredQuery, WEBHOOK_PATH } from './client-api';
import { Dispatcher, type DispatcherStats } from './dispatcher';
import { noFaults, type Faults } from './faults';
import { PartitionLeases } from './leases';
import { durableTaskOptions, type DurableTaskOptions } from './options';
import { DurableStore } from './store';
import { openHubTables, type DurableStorage, type StorageCounter } from './tables';

export { usesDurable } from './catalog';
export { WEBHOOK_PATH } from './client-api';
export type { DurableStorage } from './tables';

export interface DurableRuntimeOptions {
  functions: readonly RegisteredFunction[];
  /** host.json `extensions.durableTask`. */
  section: unknown;
  storage: DurableStorage;
  /** STORAGE_PREFIX: isolates test runs sharing one storage account. */
  prefix: string;
  clock: HostClock;
  /** The host's base URL (scheme, host, port): the durable client binding points there. */
  baseUrl: string;
  /** The host's system key for the Durable extension (local/host-keys.ts): the HTTP API requires it. */
  systemKey: string;
  faults?: Faults;
  /** Partition lease duration in ms (default 15 s); a crashed host's partitions are taken over after it. */
  leaseMs?: number;
  /** The lease owner id (default: a new one); a restarted host that reuses it takes its partitions at once. */
  ownerId?: string;
  maxBodyBytes?: number;
  log?: (line: string) => void;
}

export interface DurableStats {
  hubName: string;
  ownerId: string;
  ownedPartitions: number[];
  storage: StorageCounter;
  dispatcher: DispatcherStats;
  limits: { activities: number; orchestrations: number };
  peaks: { activities: number; orchestrations: number };
}

export interface DurableRuntime {
  options: DurableTaskOptions;
  clientBinding(): RpcTypedData;
  handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void>;
  stats(): DurableStats;
  stop(): Promise<void>;
}

export async function startDurableRuntime(o: DurableRuntimeOptions): Promise<DurableRuntime> {
  const log = o.log ?? ((line: string) => console.log(line));
  const options = durableTaskOptions(o.section);
  const faults = o.faults ?? noFaults;
  const catalog = new FunctionCatalog(o.functions);
  if (catalog.entities.length > 0) log(`[warning] durable: entity functions (${catalog.entities.join(', ')}) are not supported by the local host and never run.`);
  const tables = await openHubTables(o.storage, o.prefix, options.hubName);
  const store = new DurableStore(tables, options.partitionCount, faults);

  // Assigned once below; the dispatcher, which the leases need, reads it through the closure (never before).
  // eslint-disable-next-line prefer-const
  let leases: PartitionLeases | undefined;
  const dispatcher = new Dispatcher({
    store,
    catalog,
    clock: o.clock,
    faults,
    log,
    maxActivities: options.maxConcurrentActivityFunctions,
    maxOrchestrations: options.maxConcurrentOrchestratorFunctions,
    owns: (partition) => leases?.owns(partition) ?? false,
  });
  leases = new PartitionLeases(
    tables.control,
    { partitionCount: options.partitionCount, leaseMs: o.leaseMs ?? 15_000, faults, log, ...(o.ownerId ? { ownerId: o.ownerId } : {}) },
    {
      acquired: (p) => dispatcher.partitionAcquired(p),
      lost: (p) => dispatcher.partitionLost(p),
      draining: (p) => dispatcher.draining(p),
    },
  );
  const ops = new DurableClientOps({ store, catalog, clock: o.clock, faults, notify: (id, etag, created) => dispatcher.notify(id, etag, created) });
  const stats = (): DurableStats => ({
    hubName: options.hubName,
    ownerId: leases?.ownerId ?? '',
    ownedPartitions: leases?.owned() ?? [],
    storage: tables.counter,
    dispatcher: dispatcher.stats,
    limits: { activities: options.maxConcurrentActivityFunctions, orchestrations: options.maxConcurrentOrchestratorFunctions },
    peaks: { activities: dispatcher.concurrency.activities.peak, orchestrations: dispatcher.concurrency.orchestrations.peak },
  });
  const api = createDurableApi({ ops, hubName: options.hubName, systemKey: o.systemKey, maxBodyBytes: o.maxBodyBytes ?? 104_857_600, stats });
  await leases.start();
  log(`durable: task hub ${options.hubName} (tables ${tables.names.instances}, ${tables.names.history}, ${tables.names.control}); partitions owned: ${leases.owned().join(', ') || 'none yet'}`);

  return {
    options,
    clientBinding: () => ({ string: JSON.stringify(clientData(o.baseUrl, options.hubName, o.systemKey)) }),
    handle: api,
    stats,
    async stop() {
      await dispatcher.stop();
      await leases?.stop();
    },
  };
}

/**
 * The durableClient binding data, as the extension sends it (the SDK requires taskHubName, creationUrls,
 * managementUrls) with `localRpcEndpointEnabled: false`: no `rpcBaseUrl`, so the SDK's client calls the webhook
 * URLs, which carry the system key. (In Azure `rpcBaseUrl` is a key-less endpoint on 127.0.0.1:17071 that only
 * the worker can reach; here it would be the public port, and the SDK adds no key to it.)
 */
export function clientData(baseUrl: string, hubName: string, systemKey: string) {
  const webhook = `${baseUrl}${WEBHOOK_PATH}`;
  const query = requiredQuery(hubName, systemKey);
  return {
    taskHubName: hubName,
    creationUrls: {
      createNewInstancePostUri: `${webhook}/orchestrators/{functionName}[/{instanceId}]?${query}`,
      createAndWaitOnNewInstancePostUri: `${webhook}/orchestrators/{functionName}[/{instanceId}]?timeout={timeoutInSeconds}&pollingInterval={intervalInSeconds}&${query}`,
    },
    managementUrls: managementUrls(baseUrl, hubName, 'INSTANCEID', systemKey),
    baseUrl: webhook,
    requiredQueryStringParameters: query,
  };
}
