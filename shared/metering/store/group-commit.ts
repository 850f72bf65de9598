/**
 * Group commit for insert-only usage rows, over the shared partition batcher (shared/storage/partition-batcher.ts;
 * decision 0530): rows bound for the same partition while an insert to it is in flight wait for it and then go
 * together in one entity-group transaction (up to 100 rows), so concurrent events of a publisher's hour cost one
 * storage round trip per group instead of one each. Nothing waits on a timer: a lone event is inserted at once.
 * Every row still gets its own verdict from the store:
 * - a transaction is atomic, so when any row's bucket is taken it stores nothing and each of its rows is then
 *   inserted on its own (409 → the stored row is read back as the original);
 * - two rows for the same bucket cannot both be in a transaction (Azure refuses it): the second goes in the next
 *   group, loses its insert to the first and is answered as its duplicate.
 * Callers resolve only after their row's insert returned: accepted still means stored.
 */
import type { TableClient } from '@azure/data-tables';
import { PartitionBatcher } from '../../storage/partition-batcher';
import type { StoredUsage } from '../model';
import type { InsertResult } from '../ports';

export interface RowCodec {
  keys(row: StoredUsage): { partitionKey: string; rowKey: string };
  toEntity(row: StoredUsage): { partitionKey: string; rowKey: string } & Record<string, unknown>;
  fromEntity(entity: unknown): StoredUsage;
}

const statusOf = (error: unknown) => (error as { statusCode?: number }).statusCode;

export class GroupCommitter {
  readonly #codec: RowCodec;
  readonly #batchers = new WeakMap<TableClient, PartitionBatcher>();

  constructor(codec: RowCodec) {
    this.#codec = codec;
  }

  async submit(table: TableClient, row: StoredUsage): Promise<InsertResult> {
    let batcher = this.#batchers.get(table);
    if (!batcher) {
      batcher = new PartitionBatcher(async () => table);
      this.#batchers.set(table, batcher);
    }
    const entity = this.#codec.toEntity(row);
    const verdict = await batcher.submit(entity.partitionKey, [['create', entity]]);
    if (verdict.kind === 'stored') return { kind: 'inserted' };
    if (statusOf(verdict.error) !== 409) return { kind: 'error', error: verdict.error };
    try {
      return { kind: 'duplicate', existing: this.#codec.fromEntity(await table.getEntity(entity.partitionKey, entity.rowKey)) };
    } catch (readError) {
      return { kind: 'error', error: readError };
    }
  }
}
