/**
 * Table and Blob clients from a connection string (Azurite locally) or from service URIs with
 * DefaultAzureCredential (Azure, managed identity, no account keys). Built once by the composition root.
 * Tables are created on first use, once per process; names carry the configured prefix so that test runs and
 * several deployments can share one account.
 */
import { TableClient, TableServiceClient, type TableServiceClientOptions } from '@azure/data-tables';
import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import { QueueServiceClient, type QueueClient } from '@azure/storage-queue';
import type { Config } from '../config';
import { storageCredential } from './credential';

export interface Storage {
  readonly kind: 'azurite' | 'azure';
  /** A ready client for the table, creating the table on first use. */
  table(name: string): Promise<TableClient>;
  /** A ready client for the container, creating it on first use. */
  container(name: string): Promise<ContainerClient>;
  /** A ready client for the queue, creating it on first use. */
  queue(name: string): Promise<QueueClient>;
  /** The name a logical table or container has in the account (with the prefix). */
  physicalName(name: string): string;
  tableService: TableServiceClient;
  blobService: BlobServiceClient;
  queueService: QueueServiceClient | undefined;
}

function isAlreadyExists(error: unknown): boolean {
  const e = error as { statusCode?: number; code?: string };
  return e.statusCode === 409 || e.code === 'TableAlreadyExists' || e.code === 'ContainerAlreadyExists';
}

/** Creates a resource once per process; a failed creation is forgotten so the next call tries again. */
function readyOnce<T>(cache: Map<string, Promise<T>>, name: string, create: () => Promise<T>): Promise<T> {
  let ready = cache.get(name);
  if (!ready) {
    ready = create().catch((error: unknown) => {
      cache.delete(name);
      throw error;
    });
    cache.set(name, ready);
  }
  return ready;
}

export function createStorage(storage: Config['storage']): Storage {
  const tableOptions: TableServiceClientOptions = {};
  let tableService: TableServiceClient;
  let blobService: BlobServiceClient;
  let queueService: QueueServiceClient | undefined;
  let makeTable: (name: string) => TableClient;
  if (storage.kind === 'connectionString') {
    const isLocal = /UseDevelopmentStorage=true|127\.0\.0\.1|localhost/i.test(storage.connectionString);
    const options = isLocal ? { ...tableOptions, allowInsecureConnection: true } : tableOptions;
    tableService = TableServiceClient.fromConnectionString(storage.connectionString, options);
    blobService = BlobServiceClient.fromConnectionString(storage.connectionString);
    queueService = QueueServiceClient.fromConnectionString(storage.connectionString);
    makeTable = (name) => TableClient.fromConnectionString(storage.connectionString, name, options);
  } else {
    const credential = storageCredential(storage.clientId);
    tableService = new TableServiceClient(storage.tableEndpoint, credential, tableOptions);
    blobService = new BlobServiceClient(storage.blobEndpoint, credential);
    if (storage.queueEndpoint) queueService = new QueueServiceClient(storage.queueEndpoint, credential);
    makeTable = (name) => new TableClient(storage.tableEndpoint, name, credential, tableOptions);
  }
  const kind: Storage['kind'] =
    storage.kind === 'connectionString' && /devstoreaccount1|UseDevelopmentStorage/i.test(storage.connectionString) ? 'azurite' : 'azure';
  const tables = new Map<string, Promise<TableClient>>();
  const containers = new Map<string, Promise<ContainerClient>>();
  const queues = new Map<string, Promise<QueueClient>>();
  const physicalName = (name: string) => `${storage.prefix}${name}`;

  return {
    kind,
    tableService,
    blobService,
    queueService,
    physicalName,
    table: (name) =>
      readyOnce(tables, name, () => {
        const client = makeTable(physicalName(name));
        return client.createTable().then(
          () => client,
          (error: unknown) => {
            if (isAlreadyExists(error)) return client;
            throw error;
          },
        );
      }),
    queue: (name) =>
      readyOnce(queues, name, async () => {
        if (!queueService) throw new Error('No queue endpoint is configured (STORAGE_QUEUE_ENDPOINT).');
        const client = queueService.getQueueClient(physicalName(name).toLowerCase());
        await client.createIfNotExists();
        return client;
      }),
    container: (name) =>
      readyOnce(containers, name, async () => {
        const client = blobService.getContainerClient(physicalName(name).toLowerCase());
        await client.createIfNotExists();
        return client;
      }),
  };
}
