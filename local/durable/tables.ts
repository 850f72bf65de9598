/**
 * The task hub's tables, like the Azure Storage provider names them: `<prefix><hub>Instances` (one row per
 * instance, for queries), `<prefix><hub>History` (per instance partition: the sentinel row that fences every
 * commit, history rows, inbox messages) and `<prefix><hub>Control` (partition leases and, per partition, the
 * registry of instances that still have work). Every request to storage is counted, so benchmarks can report
 * storage round trips per activity.
 */
import { TableClient, type TableServiceClientOptions } from '@azure/data-tables';
import type { PipelinePolicy } from '@azure/core-rest-pipeline';
import { DefaultAzureCredential, type TokenCredential } from '@azure/identity';

/** A connection string (Azurite), or the table service URI and the token credential the app's own storage uses. */
export type DurableStorage = { connectionString: string } | { tableEndpoint: string; credential?: TokenCredential };

export interface StorageCounter {
  requests: number;
  byTable: Record<string, number>;
}

export interface HubTables {
  instances: TableClient;
  history: TableClient;
  control: TableClient;
  counter: StorageCounter;
  names: { instances: string; history: string; control: string };
}

const TABLE_NAME = /^[A-Za-z][A-Za-z0-9]{2,62}$/;

export function hubTableNames(prefix: string, hub: string): HubTables['names'] {
  const names = { instances: `${prefix}${hub}Instances`, history: `${prefix}${hub}History`, control: `${prefix}${hub}Control` };
  for (const name of Object.values(names)) {
    if (!TABLE_NAME.test(name)) {
      throw new Error(`Durable task hub table name "${name}" is not a valid table name (letters and digits, 3-63 characters): shorten the hub name or STORAGE_PREFIX.`);
    }
  }
  return names;
}

function countingPolicy(counter: StorageCounter): PipelinePolicy {
  return {
    name: 'durableRoundTripCounter',
    async sendRequest(request, next) {
      counter.requests += 1;
      const path = new URL(request.url).pathname.replace(/^\/[^/]+/, '');
      const table = path.startsWith('/$batch') ? 'batch' : (/^\/([A-Za-z0-9]+)/.exec(path)?.[1] ?? 'other');
      counter.byTable[table] = (counter.byTable[table] ?? 0) + 1;
      return next(request);
    },
  };
}

export async function openHubTables(storage: DurableStorage, prefix: string, hub: string): Promise<HubTables> {
  const names = hubTableNames(prefix, hub);
  const counter: StorageCounter = { requests: 0, byTable: {} };
  const options: TableServiceClientOptions = {
    additionalPolicies: [{ policy: countingPolicy(counter), position: 'perRetry' }],
    // A commit that fails must not be retried blindly by the SDK: the dispatcher decides (a 412 means another owner).
    retryOptions: { maxRetries: 2 },
  };
  let make: (name: string) => TableClient;
  if ('connectionString' in storage) {
    const local = /UseDevelopmentStorage=true|127\.0\.0\.1|localhost/i.test(storage.connectionString);
    make = (name) => TableClient.fromConnectionString(storage.connectionString, name, { ...options, allowInsecureConnection: local });
  } else {
    const credential = storage.credential ?? new DefaultAzureCredential();
    make = (name) => new TableClient(storage.tableEndpoint, name, credential, options);
  }
  const tables: HubTables = {
    instances: make(names.instances),
    history: make(names.history),
    control: make(names.control),
    counter,
    names,
  };
  await Promise.all([tables.instances, tables.history, tables.control].map((t) => t.createTable()));
  return tables;
}

export function statusOf(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown }).statusCode;
  return typeof status === 'number' ? status : undefined;
}
