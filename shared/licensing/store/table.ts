/**
 * License pools and assignments in one Table (decision 0801): partition = customer tenant, so every change of one
 * tenant's licenses is one entity-group transaction. Row keys: `pool|{skuId}` (the pool and its seat counters) and
 * `user|{skuId}|{userId}` (one assignment). Writes are insert-only or If-Match; a lost race answers 'conflict'.
 */
import type { TableClient, TransactionAction } from '@azure/data-tables';
import type { Consent, Deal, LicenseAssignment, LicenseBatch, LicenseGroup, LicensePool, PoolSnapshot, Stored } from '../model';
import type { LicenseStore, LicenseWrite } from '../ports';
import { fromJsonColumns, toJsonColumns } from '../../storage/json-columns';

const statusOf = (error: unknown) => (error as { statusCode?: number }).statusCode;
const esc = (value: string) => value.replace(/'/g, "''");

export const rowKey = {
  pool: (skuId: string) => `pool|${skuId}`,
  assignment: (skuId: string, userId: string) => `user|${skuId}|${userId}`,
  batch: (batchId: string) => `batch|${batchId}`,
  batchUsers: (batchId: string, chunk: number) => `batchusers|${batchId}|${String(chunk).padStart(5, '0')}`,
  group: (groupId: string) => `group|${groupId}`,
  fault: (userId: string) => `fault|${userId}`,
  snapshot: (skuId: string, month: string) => `snap|${skuId}|${month}`,
  deal: (dealId: string) => `deal|${dealId}`,
  consent: (publisherId: string) => `consent|${publisherId}`,
};

/** The partition of the batch index rows (batch id → tenant). */
const BATCH_INDEX = '~batches';

export function keyOf(write: LicenseWrite): string {
  switch (write.kind) {
    case 'pool':
      return rowKey.pool(write.value.skuId);
    case 'assignment':
    case 'delete-assignment':
      return rowKey.assignment(write.value.skuId, write.value.userId);
    case 'batch':
      return rowKey.batch(write.value.batchId);
    case 'batch-users':
      return rowKey.batchUsers(write.value.batchId, write.value.chunk);
    case 'group':
      return rowKey.group(write.value.groupId);
    case 'snapshot':
      return rowKey.snapshot(write.value.skuId, write.value.month);
    case 'deal':
      return rowKey.deal(write.value.dealId);
    case 'consent':
      return rowKey.consent(write.value.publisherId);
  }
}

function toRow(tenantId: string, write: LicenseWrite) {
  // An assignment's batch is a column too, so the batch's items can be listed without reading the others' JSON.
  const batchId = write.kind === 'assignment' && write.value.batchId ? { batchId: write.value.batchId } : {};
  // Pools and snapshots carry their publisher as a column for the publisher's report (a cross-partition query).
  const publisherId = write.kind === 'pool' || write.kind === 'snapshot' ? { publisherId: write.value.publisherId } : {};
  // A group of 1,000 members is 39,000 characters of JSON: more than one string property holds (json-columns).
  return { partitionKey: tenantId, rowKey: keyOf(write), ...toJsonColumns(write.value), ...batchId, ...publisherId };
}

export class TableLicenseStore implements LicenseStore {
  readonly #table: () => Promise<TableClient>;

  constructor(table: () => Promise<TableClient>) {
    this.#table = table;
  }

  async #get<T>(tenantId: string, key: string): Promise<Stored<T> | undefined> {
    const table = await this.#table();
    try {
      const row = await table.getEntity<Record<string, unknown>>(tenantId, key);
      return { value: fromJsonColumns<T>(row), etag: row.etag };
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  async #query<T>(filter: string): Promise<Stored<T>[]> {
    const table = await this.#table();
    const out: Stored<T>[] = [];
    for await (const row of table.listEntities<Record<string, unknown>>({ queryOptions: { filter } })) {
      out.push({ value: fromJsonColumns<T>(row), etag: row.etag });
    }
    return out;
  }

  getPool(tenantId: string, skuId: string) {
    return this.#get<LicensePool>(tenantId, rowKey.pool(skuId));
  }

  listPools(tenantId: string) {
    return this.#query<LicensePool>(`PartitionKey eq '${esc(tenantId)}' and RowKey ge 'pool|' and RowKey lt 'pool}'`);
  }

  getAssignment(tenantId: string, skuId: string, userId: string) {
    return this.#get<LicenseAssignment>(tenantId, rowKey.assignment(skuId, userId));
  }

  listAssignments(tenantId: string, skuId: string) {
    const prefix = `user|${skuId}|`;
    return this.#query<LicenseAssignment>(
      `PartitionKey eq '${esc(tenantId)}' and RowKey ge '${esc(prefix)}' and RowKey lt '${esc(prefix)}~'`,
    );
  }

  async listPoolsOf(publisherId: string) {
    const rows = await this.#query<LicensePool>(`RowKey ge 'pool|' and RowKey lt 'pool}' and publisherId eq '${esc(publisherId)}'`);
    return rows.map((r) => r.value);
  }

  async listSnapshotsOf(publisherId: string) {
    const rows = await this.#query<PoolSnapshot>(`RowKey ge 'snap|' and RowKey lt 'snap}' and publisherId eq '${esc(publisherId)}'`);
    return rows.map((r) => r.value);
  }

  getDeal(tenantId: string, dealId: string) {
    return this.#get<Deal>(tenantId, rowKey.deal(dealId));
  }

  getConsent(tenantId: string, publisherId: string) {
    return this.#get<Consent>(tenantId, rowKey.consent(publisherId));
  }

  async putIndex(name: 'deal' | 'invitation', id: string, value: { tenantId: string; publisherId?: string }) {
    const table = await this.#table();
    await table.upsertEntity({ partitionKey: `~${name}s`, rowKey: id, data: JSON.stringify(value) }, 'Replace');
  }

  async getIndex(name: 'deal' | 'invitation', id: string) {
    return (await this.#get<{ tenantId: string; publisherId?: string }>(`~${name}s`, id))?.value;
  }

  getBatch(tenantId: string, batchId: string) {
    return this.#get<LicenseBatch>(tenantId, rowKey.batch(batchId));
  }

  async batchUsers(tenantId: string, batchId: string, chunk: number) {
    return (await this.#get<{ userIds: string[] }>(tenantId, rowKey.batchUsers(batchId, chunk)))?.value.userIds;
  }

  async tenantOfBatch(batchId: string) {
    return (await this.#get<{ tenantId: string }>(BATCH_INDEX, batchId))?.value.tenantId;
  }

  async indexBatch(batchId: string, tenantId: string) {
    const table = await this.#table();
    await table.upsertEntity({ partitionKey: BATCH_INDEX, rowKey: batchId, data: JSON.stringify({ tenantId }) }, 'Replace');
  }

  getGroup(tenantId: string, groupId: string) {
    return this.#get<LicenseGroup>(tenantId, rowKey.group(groupId));
  }

  async approvalFails(tenantId: string, userId: string) {
    return (await this.#get<{ fail: boolean }>(tenantId, rowKey.fault(userId)))?.value.fail === true;
  }

  async setApprovalFault(tenantId: string, userId: string, fail: boolean) {
    const table = await this.#table();
    if (fail) await table.upsertEntity({ partitionKey: tenantId, rowKey: rowKey.fault(userId), data: JSON.stringify({ fail }) }, 'Replace');
    else
      await table.deleteEntity(tenantId, rowKey.fault(userId)).catch((error: unknown) => {
        if (statusOf(error) !== 404) throw error;
      });
  }

  async commit(tenantId: string, writes: LicenseWrite[]): Promise<'ok' | 'conflict'> {
    const table = await this.#table();
    const actions: TransactionAction[] = writes.map((w) => {
      const row = toRow(tenantId, w);
      // A transaction's delete carries no If-Match (the SDK's action has no options): the removal is guarded by the
      // pool row's If-Match in the same transaction, since every removal changes the pool's counters.
      if (w.kind === 'delete-assignment') return ['delete', row];
      if (w.kind === 'snapshot') return ['upsert', row, 'Replace'];
      return w.etag ? ['update', row, 'Replace', { etag: w.etag }] : ['create', row];
    });
    try {
      if (actions.length === 1) {
        const [w] = writes as [LicenseWrite];
        const row = toRow(tenantId, w);
        if (w.kind === 'delete-assignment') await table.deleteEntity(row.partitionKey, row.rowKey, { etag: w.etag });
        else if (w.kind === 'snapshot') await table.upsertEntity(row, 'Replace');
        else if (w.etag) await table.updateEntity(row, 'Replace', { etag: w.etag });
        else await table.createEntity(row);
      } else {
        await table.submitTransaction(actions);
      }
      return 'ok';
    } catch (error) {
      if ([404, 409, 412].includes(statusOf(error) ?? 0)) return 'conflict';
      throw error;
    }
  }
}
