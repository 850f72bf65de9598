/**
 * Group commit for insert-only usage rows: rows bound for the same partition while an insert to it is in flight
 * wait for it and then go together in one entity-group transaction (up to 100 rows), so concurrent events of a
 * publisher's hour cost one storage round trip per group instead of one each. Nothing waits on a timer: a lone
 * event is inserted at once. Every row still gets its own verdict from the store:
 * - a transaction is atomic, so when any row's bucket is taken it stores nothing and each of its rows is then
 *   inserted on its own (409 → the stored row is read back as the original);
 * - two rows for the same bucket in one group cannot both be in a transaction (Azure refuses it): the first is
 *   inserted and the others get its verdict (Duplicate of it, or of whatever held the bucket).
 * Callers resolve only after their row's insert returned: accepted still means stored.
 */
import type { TableClient, TableTransactionEntityResponse } from '@azure/data-tables';
import type { StoredUsage } from '../model';
import type { InsertResult } from '../ports';

/** Azure's limit for one entity-group transaction. */
const MAX_TRANSACTION_ROWS = 100;

export interface RowCodec {
  keys(row: StoredUsage): { partitionKey: string; rowKey: string };
  toEntity(row: StoredUsage): { partitionKey: string; rowKey: string } & Record<string, unknown>;
  fromEntity(entity: unknown): StoredUsage;
}

interface Pending {
  row: StoredUsage;
  resolve(result: InsertResult): void;
}

const statusOf = (error: unknown) => (error as { statusCode?: number }).statusCode;

export class GroupCommitter {
  readonly #codec: RowCodec;
  readonly #queues = new Map<string, { pending: Pending[]; running: boolean }>();

  constructor(codec: RowCodec) {
    this.#codec = codec;
  }

  submit(table: TableClient, row: StoredUsage): Promise<InsertResult> {
    const pk = this.#codec.keys(row).partitionKey;
    let queue = this.#queues.get(pk);
    if (!queue) {
      queue = { pending: [], running: false };
      this.#queues.set(pk, queue);
    }
    const q = queue;
    return new Promise<InsertResult>((resolve) => {
      q.pending.push({ row, resolve });
      if (!q.running) {
        q.running = true;
        // After the current synchronous work, so the rows a batch submits together go together.
        queueMicrotask(() => void this.#drain(pk, q, table));
      }
    });
  }

  async #drain(pk: string, queue: { pending: Pending[]; running: boolean }, table: TableClient): Promise<void> {
    while (queue.pending.length > 0) await this.#commit(table, queue.pending.splice(0, MAX_TRANSACTION_ROWS));
    queue.running = false;
    this.#queues.delete(pk);
  }

  async #commit(table: TableClient, group: Pending[]): Promise<void> {
    const leaders = new Map<string, Pending>();
    const followers: [Pending, Pending][] = [];
    for (const item of group) {
      const key = this.#codec.keys(item.row).rowKey;
      const leader = leaders.get(key);
      if (leader) followers.push([item, leader]);
      else leaders.set(key, item);
    }
    const results = new Map<Pending, InsertResult>();
    const list = [...leaders.values()];
    if (list.length === 1) results.set(list[0] as Pending, await this.#insertOne(table, (list[0] as Pending).row));
    else {
      const stored = await this.#transaction(
        table,
        list.map((p) => p.row),
      );
      if (stored) for (const p of list) results.set(p, { kind: 'inserted' });
      else await Promise.all(list.map(async (p) => results.set(p, await this.#insertOne(table, p.row))));
    }
    for (const p of list) p.resolve(results.get(p) as InsertResult);
    for (const [follower, leader] of followers) {
      const result = results.get(leader) as InsertResult;
      follower.resolve(result.kind === 'inserted' ? { kind: 'duplicate', existing: leader.row } : result);
    }
  }

  /** True when every row was stored; false when the (atomic) transaction stored nothing. */
  async #transaction(table: TableClient, rows: StoredUsage[]): Promise<boolean> {
    try {
      const response = await table.submitTransaction(rows.map((row) => ['create', this.#codec.toEntity(row)] as const));
      return !response.subResponses.some((s: TableTransactionEntityResponse) => s.status >= 300);
    } catch {
      // A taken bucket (409) or any other failure: nothing was stored; each row gets its own verdict below.
      return false;
    }
  }

  async #insertOne(table: TableClient, row: StoredUsage): Promise<InsertResult> {
    const entity = this.#codec.toEntity(row);
    try {
      await table.createEntity(entity);
      return { kind: 'inserted' };
    } catch (error) {
      if (statusOf(error) !== 409) return { kind: 'error', error };
      try {
        return { kind: 'duplicate', existing: this.#codec.fromEntity(await table.getEntity(entity.partitionKey, entity.rowKey)) };
      } catch (readError) {
        return { kind: 'error', error: readError };
      }
    }
  }
}
