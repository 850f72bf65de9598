/**
 * Group commit of small entity-group transactions bound for one partition of one table. While a transaction to a
 * partition is in flight, the transactions submitted for it meanwhile wait and then go together as ONE transaction
 * (at most 100 entities), so concurrent writers of a partition (a burst of leads for one offer) cost one storage
 * round trip per group instead of one each. Nothing waits on a timer: a lone transaction is sent at once.
 *
 * Every submitter still gets the verdict its own transaction would have had:
 * - a group is atomic, so when it fails (one member's insert lost to an existing row, one member's If-Match lost)
 *   nothing of it is stored, and each member is then sent on its own and answered with that result;
 * - a member that touches a row another member of the group touches (Azure refuses one entity twice in a
 *   transaction) waits for the next group.
 * Callers are answered only after their own entities are stored: a 2xx built on it still means stored.
 */
import type { TableClient, TableTransactionEntityResponse, TransactionAction } from '@azure/data-tables';

/** Azure's limit for one entity-group transaction. */
export const MAX_TRANSACTION_ENTITIES = 100;

/** A member's transaction as it would have been answered alone: its own sub-responses, or the error it raised. */
export type BatchVerdict = { kind: 'stored'; responses: TableTransactionEntityResponse[] } | { kind: 'failed'; error: unknown };

interface Member {
  actions: TransactionAction[];
  resolve(verdict: BatchVerdict): void;
}

interface Queue {
  waiting: Member[];
  running: boolean;
}

const rowKeyOf = (action: TransactionAction) => String((action[1] as { rowKey?: unknown }).rowKey);

/** The members that can go in one transaction, in order: at most 100 entities, no row twice; the rest wait. */
export function takeGroup<T extends { actions: TransactionAction[] }>(waiting: T[], max = MAX_TRANSACTION_ENTITIES): { group: T[]; rest: T[] } {
  const group: T[] = [];
  const rest: T[] = [];
  const rows = new Set<string>();
  let size = 0;
  for (const member of waiting) {
    const keys = member.actions.map(rowKeyOf);
    const fits = group.length === 0 || (size + keys.length <= max && keys.every((key) => !rows.has(key)));
    if (!fits) {
      rest.push(member);
      continue;
    }
    group.push(member);
    size += keys.length;
    for (const key of keys) rows.add(key);
  }
  return { group, rest };
}

export class PartitionBatcher {
  readonly #table: () => Promise<TableClient>;
  readonly #queues = new Map<string, Queue>();
  /** Transactions sent and members answered (tests and the bench's logs). */
  readonly counts = { transactions: 0, members: 0, regrouped: 0 };

  constructor(table: () => Promise<TableClient>) {
    this.#table = table;
  }

  /** Sends `actions` (all in `partitionKey`) as a transaction, together with whatever else waits for the partition. */
  submit(partitionKey: string, actions: TransactionAction[]): Promise<BatchVerdict> {
    let queue = this.#queues.get(partitionKey);
    if (!queue) {
      queue = { waiting: [], running: false };
      this.#queues.set(partitionKey, queue);
    }
    const q = queue;
    return new Promise<BatchVerdict>((resolve) => {
      q.waiting.push({ actions, resolve });
      if (!q.running) {
        q.running = true;
        // After the current synchronous work, so writers that submit together go together.
        queueMicrotask(() => void this.#drain(partitionKey, q));
      }
    });
  }

  async #drain(partitionKey: string, queue: Queue): Promise<void> {
    try {
      const table = await this.#table();
      while (queue.waiting.length > 0) {
        const { group, rest } = takeGroup(queue.waiting);
        queue.waiting = rest;
        await this.#commit(table, group);
      }
    } catch (error) {
      // Only the table's own getter can throw here: everyone waiting gets its error.
      for (const member of queue.waiting.splice(0)) member.resolve({ kind: 'failed', error });
    } finally {
      queue.running = false;
      this.#queues.delete(partitionKey);
    }
  }

  async #commit(table: TableClient, group: Member[]): Promise<void> {
    this.counts.members += group.length;
    if (group.length === 1) {
      const only = group[0] as Member;
      only.resolve(await this.#send(table, only.actions));
      return;
    }
    const verdict = await this.#send(
      table,
      group.flatMap((member) => member.actions),
    );
    if (verdict.kind === 'stored') {
      let offset = 0;
      for (const member of group) {
        member.resolve({ kind: 'stored', responses: verdict.responses.slice(offset, offset + member.actions.length) });
        offset += member.actions.length;
      }
      return;
    }
    // Nothing was stored: each member alone, so each gets the verdict of its own transaction.
    this.counts.regrouped += 1;
    await Promise.all(group.map(async (member) => member.resolve(await this.#send(table, member.actions))));
  }

  async #send(table: TableClient, actions: TransactionAction[]): Promise<BatchVerdict> {
    this.counts.transactions += 1;
    try {
      if (actions.length === 1) return { kind: 'stored', responses: [await single(table, actions[0] as TransactionAction)] };
      const answer = await table.submitTransaction(actions);
      return { kind: 'stored', responses: answer.subResponses };
    } catch (error) {
      return { kind: 'failed', error };
    }
  }
}

/** One entity alone goes as a plain request (a `$batch` costs a multipart envelope both ways for nothing). */
async function single(table: TableClient, action: TransactionAction): Promise<TableTransactionEntityResponse> {
  const entity = action[1] as { partitionKey: string; rowKey: string };
  const done = (status: number, etag?: string): TableTransactionEntityResponse => ({ status, rowKey: entity.rowKey, ...(etag ? { etag } : {}) });
  switch (action[0]) {
    case 'create':
      return done(204, (await table.createEntity(entity)).etag);
    case 'delete':
      await table.deleteEntity(entity.partitionKey, entity.rowKey);
      return done(204);
    case 'upsert':
      return done(204, (await table.upsertEntity(entity, action[2] ?? 'Merge')).etag);
    case 'update':
      return done(204, (await table.updateEntity(entity, action[2] ?? 'Merge', action[3])).etag);
  }
}
