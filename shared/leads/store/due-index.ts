/**
 * The cross-offer index of deliveries that need the sweeper (decision 0521), table `LeadsDue`:
 * - pending: a few shard partitions (`due0`..`due3`, FNV-1a of offer and lead), RowKey
 *   `<dueAt ISO>|<publisher>|<offer>|<leadId>` (ids URI-escaped), so "what is overdue" is one RowKey range query per
 *   shard that reads only overdue entries;
 * - held: partition `held`, RowKey `<publisher>|<offer>|<leadId>`.
 * `withDeliveryIndex` upserts a delivery's entry *before* the write that stores the row (capture's transaction, or a
 * conditional replace), so a committed pending or held row always has its entry; a write that then fails leaves a
 * stale entry, which the sweeper drops. An entry is dropped only once it is older than a grace period in real time:
 * it may be read between its writer's upsert and commit. Once a replace is stored, the entry the replaced row needed
 * is deleted (decision 0525: delivered and dead-lettered leads leave the index at once, not by the sweeper's batches).
 */
import type { TableClient, TransactionAction } from '@azure/data-tables';
import type { Delivery } from '../model';
import type { DeadLetterNotices, DeliveryIndex, IndexedDelivery, LeadStore } from '../ports';
import { dueAt } from '../rules/delivery';

export const DUE_SHARDS = 4;
export const HELD_PARTITION = 'held';
/** Real time after which an entry its row no longer matches is dropped (writers commit well within it). */
export const STALE_GRACE_MS = 30_000;

/** An entity group transaction holds at most 100 entities. */
const MAX_BATCH = 100;

type IndexOp = { kind: 'upsert'; row: IndexRow } | { kind: 'delete' };

type IndexRow = {
  partitionKey: string;
  rowKey: string;
  dueAt: string;
  publisherId: string;
  offerId: string;
  leadId: string;
  writtenAt: number;
};

interface Located extends IndexedDelivery {
  partitionKey: string;
  rowKey: string;
  etag: string;
  writtenAt: number;
}

const statusOf = (error: unknown) => (error as { statusCode?: number }).statusCode;
const esc = encodeURIComponent;

function chunked<T>(items: T[]): T[][] {
  return Array.from({ length: Math.ceil(items.length / MAX_BATCH) }, (_, i) => items.slice(i * MAX_BATCH, (i + 1) * MAX_BATCH));
}

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** Where a delivery's entry goes, or undefined once it needs none (delivered, dead-lettered). */
export function entryKeys(delivery: Delivery, shards = DUE_SHARDS): { partitionKey: string; rowKey: string; dueAt: string } | undefined {
  const who = `${esc(delivery.publisherId)}|${esc(delivery.offerId)}|${delivery.leadId}`;
  if (delivery.state === 'held') return { partitionKey: HELD_PARTITION, rowKey: who, dueAt: '' };
  if (delivery.state !== 'pending') return undefined;
  const at = dueAt(delivery);
  return { partitionKey: `due${fnv1a(`${delivery.publisherId}|${delivery.offerId}|${delivery.leadId}`) % shards}`, rowKey: `${at}|${who}`, dueAt: at };
}

export class TableDeliveryIndex implements DeliveryIndex {
  readonly #table: () => Promise<TableClient>;
  readonly #shards: number;
  readonly #realNow: () => number;
  readonly #graceMs: number;
  /** Per partition: the batch still taking entries (an upsert or a delete per RowKey, the last one wins), and the write in flight. */
  readonly #open = new Map<string, { ops: Map<string, IndexOp>; written: Promise<void> }>();
  readonly #writing = new Map<string, Promise<void>>();
  readonly #log: (message: string) => void;

  constructor(
    table: () => Promise<TableClient>,
    options: { shards?: number; realNow?: () => number; graceMs?: number; log?: (message: string) => void } = {},
  ) {
    this.#table = table;
    this.#shards = options.shards ?? DUE_SHARDS;
    this.#realNow = options.realNow ?? Date.now;
    this.#graceMs = options.graceMs ?? STALE_GRACE_MS;
    this.#log = options.log ?? (() => undefined);
  }

  /**
   * Upserts the entry, resolving once it is stored. Group commit: while a partition's write is in flight, the entries
   * noted for it meanwhile gather into the next batch, written as one transaction (up to 100 entries each), so under
   * load a capture costs a fraction of an index write.
   */
  note(delivery: Delivery): Promise<void> {
    const keys = entryKeys(delivery, this.#shards);
    if (!keys) return Promise.resolve();
    const row = { ...keys, publisherId: delivery.publisherId, offerId: delivery.offerId, leadId: delivery.leadId, writtenAt: this.#realNow() };
    return this.#enqueue(keys.partitionKey, keys.rowKey, { kind: 'upsert', row });
  }

  /**
   * Deletes the entry `previous` needed once `next` (stored) needs another or none (decision 0525), through the same
   * per-partition group commit as the notes, so a later note of the same RowKey in this process is never undone by
   * it. Resolves once done; a failure is logged, not thrown (a stale entry is dropped by the sweeper).
   */
  async retire(previous: Delivery, next: Delivery): Promise<void> {
    const old = entryKeys(previous, this.#shards);
    const now = entryKeys(next, this.#shards);
    if (!old || (now && now.partitionKey === old.partitionKey && now.rowKey === old.rowKey)) return;
    try {
      await this.#enqueue(old.partitionKey, old.rowKey, { kind: 'delete' });
    } catch (error) {
      this.#log(`Lead ${previous.leadId}: its old due-index entry was not deleted (the sweeper drops it): ${String(error)}`);
    }
  }

  #enqueue(partitionKey: string, rowKey: string, op: IndexOp): Promise<void> {
    let batch = this.#open.get(partitionKey);
    if (!batch) {
      const ops = new Map<string, IndexOp>();
      batch = { ops, written: this.#flush(partitionKey, ops) };
      this.#open.set(partitionKey, batch);
    }
    batch.ops.set(rowKey, op);
    return batch.written;
  }

  /**
   * Writes a partition's open batch once the previous write of that partition is done: the upserts (a failure rejects
   * the batch's notes), then the deletes, in transactions of up to 100; a delete transaction that fails (an entry the
   * sweeper dropped already answers 404 and fails its whole group) is done one by one, a missing entry being fine.
   */
  async #flush(partitionKey: string, ops: Map<string, IndexOp>): Promise<void> {
    const previous = this.#writing.get(partitionKey);
    const written = (async () => {
      await previous?.catch(() => undefined);
      this.#open.delete(partitionKey); // closed: later notes open the next batch
      const table = await this.#table();
      const upserts: IndexRow[] = [];
      const deletes: string[] = [];
      for (const [rowKey, op] of ops) {
        if (op.kind === 'upsert') upserts.push(op.row);
        else deletes.push(rowKey);
      }
      await Promise.all(
        chunked(upserts).map((chunk) =>
          chunk.length === 1
            ? table.upsertEntity(chunk[0] as IndexRow, 'Replace')
            : table.submitTransaction(chunk.map((r): TransactionAction => ['upsert', r, 'Replace'])),
        ),
      );
      await Promise.all(chunked(deletes).map((chunk) => this.#delete(table, partitionKey, chunk)));
    })();
    this.#writing.set(partitionKey, written);
    try {
      await written;
    } finally {
      if (this.#writing.get(partitionKey) === written) this.#writing.delete(partitionKey);
    }
  }

  async #delete(table: TableClient, partitionKey: string, rowKeys: string[]): Promise<void> {
    if (rowKeys.length > 1) {
      try {
        await table.submitTransaction(rowKeys.map((rowKey): TransactionAction => ['delete', { partitionKey, rowKey }]));
        return;
      } catch {
        // one of them is gone already: one by one below
      }
    }
    for (const rowKey of rowKeys) {
      try {
        await table.deleteEntity(partitionKey, rowKey);
      } catch (error) {
        if (statusOf(error) !== 404) throw error;
      }
    }
  }

  async due(before: Date, limit: number): Promise<IndexedDelivery[]> {
    const upper = `${before.toISOString()}|~`;
    const shards = Array.from({ length: this.#shards }, (_, i) => `due${i}`);
    const lists = await Promise.all(shards.map((shard) => this.#list(`PartitionKey eq '${shard}' and RowKey le '${upper}'`, limit)));
    return lists
      .flat()
      .sort((a, b) => a.dueAt.localeCompare(b.dueAt))
      .slice(0, limit);
  }

  held(limit: number): Promise<IndexedDelivery[]> {
    return this.#list(`PartitionKey eq '${HELD_PARTITION}'`, limit);
  }

  async drop(entry: IndexedDelivery): Promise<void> {
    const located = entry as Partial<Located>;
    if (located.partitionKey === undefined || located.rowKey === undefined) return;
    if (this.#realNow() - (located.writtenAt ?? 0) < this.#graceMs) return;
    const table = await this.#table();
    try {
      await table.deleteEntity(located.partitionKey, located.rowKey, { etag: located.etag ?? '*' });
    } catch (error) {
      if (statusOf(error) !== 404 && statusOf(error) !== 412) throw error;
    }
  }

  async #list(filter: string, limit: number): Promise<Located[]> {
    const table = await this.#table();
    const out: Located[] = [];
    for await (const e of table.listEntities<Record<string, unknown>>({ queryOptions: { filter } })) {
      out.push({
        partitionKey: e.partitionKey ?? '',
        rowKey: e.rowKey ?? '',
        etag: e.etag,
        publisherId: String(e['publisherId']),
        offerId: String(e['offerId']),
        leadId: String(e['leadId']),
        dueAt: typeof e['dueAt'] === 'string' ? e['dueAt'] : '',
        writtenAt: Number(e['writtenAt'] ?? 0),
      });
      if (out.length >= limit) break;
    }
    return out;
  }
}

/**
 * The lead store with its deliveries indexed: capture and every delivery replace first note the entry the row
 * will need, then write the row; a replace that knows the row it replaced then retires that row's entry.
 */
export function withDeliveryIndex(store: LeadStore, index: DeliveryIndex, notices?: DeadLetterNotices): LeadStore {
  return {
    capture: async (lead, delivery, keys) => {
      await index.note(delivery);
      return store.capture(lead, delivery, keys);
    },
    getLead: (publisherId, offerId, leadId) => store.getLead(publisherId, offerId, leadId),
    getDelivery: (publisherId, offerId, leadId) => store.getDelivery(publisherId, offerId, leadId),
    replaceDelivery: async (delivery, etag, previous) => {
      await index.note(delivery);
      // The digest's notice (decision 0528), before the row: a dead-lettered lead always has one until it is reported.
      if (notices && delivery.state === 'dead_lettered' && previous?.state !== 'dead_lettered') await notices.note(delivery);
      const stored = await store.replaceDelivery(delivery, etag, previous);
      // Recorded first, then the old entry goes: a crash in between leaves a stale entry the sweeper drops.
      if (stored && previous) await index.retire(previous, delivery);
      return stored;
    },
    list: (publisherId, offerId, options) => store.list(publisherId, offerId, options),
  };
}
