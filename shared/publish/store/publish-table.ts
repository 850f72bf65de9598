/**
 * The publish store on Azure Table storage (decision 0600): table `Publish`, one partition per offer
 * (`{publisherId}|{offerId}`) holding the `state` row (the single-flight lock and pointers) and one `op-{id}` row
 * per operation, so a claim (lock + new operation) and a release (operation end + lock) each commit as one
 * entity-group transaction with If-Match on every replaced row. Notifications: table `PublishNotifications`, one
 * partition per publisher, insert-only rows keyed by the notification id.
 */
import type { TableClient, TransactionAction } from '@azure/data-tables';
import type { Notification, Operation, PublishState } from '../model';
import type { PublishStore, RowChange, Stored } from '../ports';

export const PUBLISH_TABLES = { publish: 'Publish', notifications: 'PublishNotifications' } as const;

const STATE_ROW = 'state';
const opRow = (id: string) => `op-${id}`;
const partitionOf = (publisherId: string, offerId: string) => `${publisherId}|${offerId}`;

interface Row {
  partitionKey: string;
  rowKey: string;
  data: string;
  etag?: string;
}

function statusOf(error: unknown): number | undefined {
  return (error as { statusCode?: number }).statusCode;
}

export class TablePublishStore implements PublishStore {
  readonly #table: () => Promise<TableClient>;
  readonly #notifications: () => Promise<TableClient>;

  constructor(table: () => Promise<TableClient>, notifications: () => Promise<TableClient>) {
    this.#table = table;
    this.#notifications = notifications;
  }

  async #get<T>(partitionKey: string, rowKey: string): Promise<Stored<T> | undefined> {
    const table = await this.#table();
    try {
      const row = await table.getEntity<Row>(partitionKey, rowKey);
      return { value: JSON.parse(row.data) as T, etag: row.etag };
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  getState(publisherId: string, offerId: string): Promise<Stored<PublishState> | undefined> {
    return this.#get(partitionOf(publisherId, offerId), STATE_ROW);
  }

  getOperation(publisherId: string, offerId: string, operationId: string): Promise<Stored<Operation> | undefined> {
    return this.#get(partitionOf(publisherId, offerId), opRow(operationId));
  }

  async listOperations(publisherId: string, offerId: string): Promise<Operation[]> {
    const table = await this.#table();
    const pk = partitionOf(publisherId, offerId).replace(/'/g, "''");
    const out: Operation[] = [];
    const rows = table.listEntities<Row>({ queryOptions: { filter: `PartitionKey eq '${pk}' and RowKey gt 'op-' and RowKey lt 'op.'` } });
    for await (const row of rows) out.push(JSON.parse(row.data) as Operation);
    return out.sort((a, b) => b.publishingVersion - a.publishingVersion);
  }

  async commit(changes: { state?: RowChange<PublishState>; operations: RowChange<Operation>[] }): Promise<'committed' | 'conflict'> {
    const actions: TransactionAction[] = [];
    const add = (rowKey: string, partitionKey: string, change: RowChange<unknown>) => {
      const entity = { partitionKey, rowKey, data: JSON.stringify(change.value) };
      actions.push(change.etag === undefined ? ['create', entity] : ['update', entity, 'Replace', { etag: change.etag }]);
    };
    if (changes.state) add(STATE_ROW, partitionOf(changes.state.value.publisherId, changes.state.value.offerId), changes.state);
    for (const op of changes.operations) add(opRow(op.value.id), partitionOf(op.value.publisherId, op.value.offerId), op);
    if (actions.length === 0) return 'committed';
    const table = await this.#table();
    try {
      await table.submitTransaction(actions);
      return 'committed';
    } catch (error) {
      if ([404, 409, 412].includes(statusOf(error) ?? 0)) return 'conflict';
      throw error;
    }
  }

  async addNotification(notification: Notification): Promise<void> {
    const table = await this.#notifications();
    try {
      await table.createEntity({ partitionKey: notification.publisherId, rowKey: `${notification.offerId}|${notification.id}`, data: JSON.stringify(notification) });
    } catch (error) {
      if (statusOf(error) !== 409) throw error;
    }
  }

  async listNotifications(publisherId: string, offerId?: string): Promise<Notification[]> {
    const table = await this.#notifications();
    const pk = publisherId.replace(/'/g, "''");
    const out: Notification[] = [];
    for await (const row of table.listEntities<Row>({ queryOptions: { filter: `PartitionKey eq '${pk}'` } })) {
      const n = JSON.parse(row.data) as Notification;
      if (offerId === undefined || n.offerId === offerId) out.push(n);
    }
    return out.sort((a, b) => a.timestamp.localeCompare(b.timestamp) || a.id.localeCompare(b.id));
  }
}
