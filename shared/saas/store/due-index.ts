/**
 * The due-work index (decision 0410). Table `SaasDue`: a few shard partitions (`due0`..`due3`, by a hash of the
 * row's id), RowKey `<dueAt ISO>|<kind>|<publisher>|<id>`, so "what is due now" is a RowKey range query per shard
 * that reads only due entries, never the subscription table.
 *
 * Entries are written (upserted) *before* the partition transaction that makes a row due, so a committed due row
 * always has its entry; a transaction that then fails leaves a stale entry, which is harmless. The reader checks
 * every entry against the row it names (the row decides, the index only points) and deletes entries the row no
 * longer matches, but only once they are older than a grace period in real time: a writer's entry may be read
 * between its upsert and its commit, and must not be deleted then.
 */
import type { TableClient, TransactionAction } from '@azure/data-tables';
import type { OperationRecord, OutboxRecord, Stored, SubscriptionRecord } from '../model';
import type { DueItem, SubscriptionStore, Write } from '../ports';
import { delegate } from './delegate';
import { dueAt } from './table';

export const DUE_SHARDS = 4;
/** Real time after which an entry its row no longer matches is deleted (writers commit well within it). */
export const STALE_GRACE_MS = 30_000;

export interface DueEntry extends DueItem {
  dueAt: string;
}

interface IndexedEntry extends DueEntry {
  shard: string;
  rowKey: string;
  etag: string;
  writtenAt: number;
}

const statusOf = (error: unknown) => (error as { statusCode?: number }).statusCode;

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

export function dueShard(entry: DueItem, shards = DUE_SHARDS): string {
  return `due${fnv1a(`${entry.publisherId}|${entry.id}`) % shards}`;
}

/** ISO instants have one length, so RowKey order is time order; the publisher id is escaped (no `/`, `#`, `?`). */
export function dueRowKey(entry: DueEntry): string {
  return `${entry.dueAt}|${entry.kind}|${encodeURIComponent(entry.publisherId)}|${entry.id}`;
}

export class TableDueIndex {
  readonly #table: () => Promise<TableClient>;
  readonly #shards: number;
  readonly #realNow: () => number;
  readonly #graceMs: number;

  constructor(table: () => Promise<TableClient>, options: { shards?: number; realNow?: () => number; graceMs?: number } = {}) {
    this.#table = table;
    this.#shards = options.shards ?? DUE_SHARDS;
    this.#realNow = options.realNow ?? Date.now;
    this.#graceMs = options.graceMs ?? STALE_GRACE_MS;
  }

  /** Upserts entries, one batch per shard (idempotent: writing an entry twice is one entry). */
  async add(entries: DueEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const table = await this.#table();
    const byShard = new Map<string, TransactionAction[]>();
    for (const e of entries) {
      const shard = dueShard(e, this.#shards);
      const row = {
        partitionKey: shard,
        rowKey: dueRowKey(e),
        dueAt: e.dueAt,
        kind: e.kind,
        publisherId: e.publisherId,
        id: e.id,
        writtenAt: this.#realNow(),
      };
      const list = byShard.get(shard) ?? [];
      if (!list.some((a) => (a[1] as { rowKey: string }).rowKey === row.rowKey)) list.push(['upsert', row, 'Replace']);
      byShard.set(shard, list);
    }
    await Promise.all(
      [...byShard.values()].map((actions) =>
        actions.length === 1 ? table.upsertEntity(actions[0]?.[1] as never, 'Replace') : table.submitTransaction(actions),
      ),
    );
  }

  /** Entries due at `now` (dueAt ≤ now), oldest first per shard, at most `limit` per shard. */
  async due(now: Date, limit = 1000): Promise<IndexedEntry[]> {
    const table = await this.#table();
    const upper = `${now.toISOString()}|~`;
    const shards = Array.from({ length: this.#shards }, (_, i) => `due${i}`);
    const lists = await Promise.all(
      shards.map(async (shard) => {
        const out: IndexedEntry[] = [];
        const filter = `PartitionKey eq '${shard}' and RowKey le '${upper}'`;
        for await (const e of table.listEntities<Record<string, unknown>>({ queryOptions: { filter } })) {
          const kind = String(e['kind']);
          if (kind !== 'subscription' && kind !== 'operation' && kind !== 'outbox') continue;
          out.push({
            shard,
            rowKey: e.rowKey ?? '',
            etag: e.etag,
            kind,
            dueAt: String(e['dueAt']),
            publisherId: String(e['publisherId']),
            id: String(e['id']),
            writtenAt: Number(e['writtenAt'] ?? 0),
          });
          if (out.length >= limit) break;
        }
        return out;
      }),
    );
    return lists.flat();
  }

  /** Deletes an entry unless it was rewritten since it was read (If-Match). */
  async remove(entry: IndexedEntry): Promise<void> {
    const table = await this.#table();
    try {
      await table.deleteEntity(entry.shard, entry.rowKey, { etag: entry.etag });
    } catch (error) {
      if (statusOf(error) !== 404 && statusOf(error) !== 412) throw error;
    }
  }

  isOld(entry: IndexedEntry): boolean {
    return this.#realNow() - entry.writtenAt >= this.#graceMs;
  }
}

/** The entries a set of writes needs: one per row that becomes due (table.ts decides when a row is due). */
export function dueEntries(publisherId: string, writes: Write[]): DueEntry[] {
  const out: DueEntry[] = [];
  for (const w of writes) {
    if (w.kind === 'ledger') continue;
    const at = dueAt(w);
    if (at === '') continue;
    const id = w.kind === 'outbox' ? w.value.operationId : w.value.id;
    out.push({ kind: w.kind, publisherId, id, dueAt: at });
  }
  return out;
}

/**
 * The store with its due work indexed: every commit (and every new subscription) first upserts the index entries
 * of the rows it makes due; `listDue` answers from the index, checked against fresh rows (`fresh` must not be a
 * cache, so a row renewed by another worker is not taken for due).
 */
export function withDueIndex(store: SubscriptionStore, index: TableDueIndex, fresh: SubscriptionStore = store): SubscriptionStore {
  const read: Record<DueItem['kind'], (p: string, id: string) => Promise<Stored<unknown> | undefined>> = {
    subscription: (p, id) => fresh.getSubscription(p, id),
    operation: (p, id) => fresh.getOperation(p, id),
    outbox: (p, id) => fresh.getOutbox(p, id),
  };
  const currentDueAt = async (item: DueItem): Promise<string> => {
    const row = await read[item.kind](item.publisherId, item.id);
    if (!row) return '';
    if (item.kind === 'subscription') return dueAt({ kind: 'subscription', value: row.value as SubscriptionRecord });
    if (item.kind === 'operation') return dueAt({ kind: 'operation', value: row.value as OperationRecord });
    return dueAt({ kind: 'outbox', value: row.value as OutboxRecord });
  };
  return {
    ...delegate(store),
    async createSubscription(sub) {
      await index.add(dueEntries(sub.publisherId, [{ kind: 'subscription', value: sub }]));
      return store.createSubscription(sub);
    },
    async commit(publisherId, writes) {
      await index.add(dueEntries(publisherId, writes));
      return store.commit(publisherId, writes);
    },
    async listDue(now) {
      const nowIso = now.toISOString();
      const current = new Map<string, Promise<string>>(); // one row read per item, however many entries name it
      const due = new Map<string, DueItem>();
      for (const entry of await index.due(now)) {
        const key = `${entry.kind}|${entry.publisherId}|${entry.id}`;
        let at = current.get(key);
        if (!at) current.set(key, (at = currentDueAt(entry)));
        const rowDueAt = await at;
        if (rowDueAt !== '' && rowDueAt <= nowIso) due.set(key, { kind: entry.kind, publisherId: entry.publisherId, id: entry.id });
        // The row moved on (done, or due later: its newer entry was written before its commit); the grace keeps an
        // entry whose writer has not committed yet.
        if (rowDueAt !== entry.dueAt && index.isOld(entry)) await index.remove(entry);
      }
      return [...due.values()];
    },
  };
}
