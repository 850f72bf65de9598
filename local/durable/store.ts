/**
 * Durable state in Table storage. Per instance, one partition of the History table holds:
 * - the sentinel row (`sentinel`): the authoritative instance state. Every episode commits with ONE entity group
 *   transaction that replaces the sentinel under its ETag (If-Match), appends history rows and deletes the inbox
 *   messages it consumed. So a decision is recorded exactly once: a second writer (another host, a stale replay)
 *   fails the whole transaction with 412 and nothing of it is stored;
 * - history rows (`h<generation>-<row>`), one per episode, holding that episode's events;
 * - inbox rows (`m...`): external events, terminate/suspend/resume requests, results of sub-orchestrations.
 * The Instances table is a view for queries, written after commits. The Control table holds, per partition, the
 * registry of instances that may have work (a "ring" of the registry row wakes the owner of the partition).
 */
import { randomUUID } from 'node:crypto';
import { odata, type TransactionAction } from '@azure/data-tables';
import { z } from 'zod';
import { noFaults, type Faults } from './faults';
import { partitionKey } from './leases';
import { packText } from './payload';
import {
  estimateBytes,
  eventsChars,
  generationPrefix,
  historyKey,
  inboxEntity,
  MAX_TAIL_CHARS,
  parseEvents,
  parseInbox,
  parseSentinel,
  parseView,
  SENTINEL,
  sentinelEntity,
  type Row,
  splitEvents,
  viewEntity,
  type ViewItem,
  type ViewQuery,
} from './rows';
import { statusOf, type HubTables } from './tables';
import type { HistoryEvent, Inbound, InstanceState } from './types';

export type { ViewItem, ViewQuery } from './rows';

/** Entity group transactions carry at most 100 operations and 4 MiB. */
const MAX_TX_OPS = 100;
const MAX_TX_BYTES = 3_500_000;

/** Stable 32-bit FNV-1a hash of the instance id: picks the partition. */
export function partitionOf(instanceId: string, partitionCount: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < instanceId.length; i++) {
    hash ^= instanceId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % partitionCount;
}

let messageSequence = 0;

const registrySchema = z.object({ rowKey: z.string(), etag: z.string(), RungAt: z.string().optional(), Starting: z.string().optional() });
export type Registration = { instanceId: string; etag: string; rungAt?: string; starting?: string };

export interface LoadedInstance {
  state: InstanceState;
  etag: string;
  history: HistoryEvent[];
  inbox: { key: string; inbound: Inbound }[];
}

export interface CommitRequest {
  state: InstanceState;
  etag: string;
  /** Events of this episode, appended to the history. */
  events: HistoryEvent[];
  /** The generation the events belong to: the state's, or the previous one when the episode continued as new. */
  eventsGeneration: number;
  /** History rows of `eventsGeneration` committed before this episode. */
  previousRows: number;
  /** The events the sentinel's tail held before this episode (the end of the history). */
  previousTail: HistoryEvent[];
  consume: string[];
}

export class DurableStore {
  readonly tables: HubTables;
  readonly partitionCount: number;
  readonly #faults: Faults;

  constructor(tables: HubTables, partitionCount: number, faults: Faults = noFaults) {
    this.tables = tables;
    this.partitionCount = partitionCount;
    this.#faults = faults;
  }

  partitionOf(instanceId: string): number {
    return partitionOf(instanceId, this.partitionCount);
  }

  // ----- instance state -----------------------------------------------------------------------------------

  async readState(instanceId: string): Promise<{ state: InstanceState; etag: string } | undefined> {
    try {
      const row = await this.tables.history.getEntity<Record<string, unknown>>(instanceId, SENTINEL);
      return parseSentinel(instanceId, row);
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  /** Everything of one instance in a single partition query: sentinel, committed history, inbox. */
  async loadInstance(instanceId: string): Promise<LoadedInstance | undefined> {
    const rows: Row[] = [];
    for await (const row of this.tables.history.listEntities<Record<string, unknown>>({
      queryOptions: { filter: odata`PartitionKey eq ${instanceId}` },
    })) {
      rows.push(row);
    }
    const sentinel = rows.find((r) => r.rowKey === SENTINEL);
    if (!sentinel) return undefined;
    const { state, etag } = parseSentinel(instanceId, sentinel);
    const prefix = generationPrefix(state.generation);
    const last = historyKey(state.generation, state.historyRows);
    const history = rows
      .filter((r) => r.rowKey !== undefined && r.rowKey.startsWith(prefix) && r.rowKey < last)
      .sort((a, b) => (a.rowKey as string).localeCompare(b.rowKey as string))
      .flatMap((r) => parseEvents(r));
    history.push(...(state.tail ?? []));
    const inbox = rows
      .filter((r) => r.rowKey?.startsWith('m'))
      .sort((a, b) => (a.rowKey as string).localeCompare(b.rowKey as string))
      .map((r) => ({ key: r.rowKey as string, inbound: parseInbox(r) }));
    return { state, etag, history, inbox };
  }

  async readInbox(instanceId: string): Promise<{ key: string; inbound: Inbound }[]> {
    const out: { key: string; inbound: Inbound }[] = [];
    for await (const row of this.tables.history.listEntities<Record<string, unknown>>({
      queryOptions: { filter: odata`PartitionKey eq ${instanceId} and RowKey ge 'm' and RowKey lt 'n'` },
    })) {
      out.push({ key: row.rowKey as string, inbound: parseInbox(row) });
    }
    return out;
  }

  /**
   * Commits one episode atomically, fenced by the sentinel's ETag (If-Match); returns the new ETag, and a 412
   * (PreconditionFailed) means the state moved. The episode's events join the sentinel's tail; a small episode that
   * consumed no inbox message is then one conditional update of one entity. When the tail outgrows its limit it is
   * moved into history rows, written in the same entity group transaction as the sentinel and the deletion of the
   * consumed messages. An episode too large for one transaction writes its leading rows in earlier transactions,
   * each fenced by the same ETag chain; those rows lie past the committed row count until the final transaction
   * moves it, so an aborted commit leaves nothing visible. A continue-as-new drops the finished execution's events:
   * its generation is not shown any more and is deleted afterwards.
   */
  async commit(request: CommitRequest): Promise<string> {
    const { state, events, consume } = request;
    const id = state.instanceId;
    const rowActions: TransactionAction[] = [];
    let rowIndex = request.previousRows;
    if (request.eventsGeneration === state.generation) {
      const tail = [...request.previousTail, ...events];
      if (eventsChars(tail) <= MAX_TAIL_CHARS) state.tail = tail;
      else {
        delete state.tail;
        for (const chunk of splitEvents(tail)) {
          const entity: Record<string, unknown> = { partitionKey: id, rowKey: historyKey(state.generation, rowIndex++) };
          packText('Events', JSON.stringify(chunk), entity);
          rowActions.push(['upsert', entity as { partitionKey: string; rowKey: string }, 'Replace']);
        }
      }
      // The row count is part of the commit: rows past it are leftovers of an aborted commit and are never read.
      state.historyRows = rowIndex;
    } else {
      delete state.tail;
    }
    if (rowActions.length === 0 && consume.length === 0) {
      const response = await this.tables.history.updateEntity(sentinelEntity(state) as { partitionKey: string; rowKey: string }, 'Replace', { etag: request.etag });
      return response.etag ?? '';
    }
    if (consume.length > MAX_TX_OPS - 2) throw new Error('Too many inbox messages consumed by one episode.');
    const final: TransactionAction[] = consume.map((key) => ['delete', { partitionKey: id, rowKey: key }]);
    // Fill the final transaction from the end of the row list; earlier rows go into fenced leading transactions.
    const groups: TransactionAction[][] = [];
    let current: TransactionAction[] = [];
    let bytes = 0;
    for (const action of rowActions.reverse()) {
      const size = estimateBytes(action[1]);
      const limitOps = groups.length === 0 ? MAX_TX_OPS - 1 - final.length : MAX_TX_OPS - 1;
      if (current.length >= limitOps || bytes + size > MAX_TX_BYTES) {
        groups.push(current);
        current = [];
        bytes = 0;
      }
      current.unshift(action);
      bytes += size;
    }
    groups.push(current);
    groups.reverse(); // groups[last] is the final transaction
    let etag = request.etag;
    for (let g = 0; g < groups.length; g++) {
      const isFinal = g === groups.length - 1;
      const sentinel: TransactionAction = isFinal
        ? ['update', sentinelEntity(state) as { partitionKey: string; rowKey: string }, 'Replace', { etag }]
        : ['update', { partitionKey: id, rowKey: SENTINEL, Pending: rowIndex }, 'Merge', { etag }];
      const response = await this.tables.history.submitTransaction([sentinel, ...(groups[g] ?? []), ...(isFinal ? final : [])]);
      etag = response.subResponses[0]?.etag ?? etag;
      if (!isFinal) await this.#faults.reach('mid-history-append');
    }
    return etag;
  }

  /**
   * Writes a new execution's sentinel: an insert for a new id, or a replace under the ETag of a finished one.
   * Returns the ETag, or 'conflict' when another writer created or changed the instance first.
   */
  // The union names the sentinel for readers; to the type system it is just a string.
  // eslint-disable-next-line @typescript-eslint/no-redundant-type-constituents
  async writeNewExecution(state: InstanceState, existingEtag: string | undefined): Promise<string | 'conflict'> {
    const entity = sentinelEntity(state) as { partitionKey: string; rowKey: string };
    try {
      const response = existingEtag
        ? await this.tables.history.updateEntity(entity, 'Replace', { etag: existingEtag })
        : await this.tables.history.createEntity(entity);
      return response.etag ?? '';
    } catch (error) {
      const status = statusOf(error);
      if (status === 409 || status === 412) return 'conflict';
      throw error;
    }
  }

  // ----- inbox -------------------------------------------------------------------------------------------

  /** Inbox keys sort in arrival order: time, then a per-process sequence for messages within one millisecond. */
  static messageKey(): string {
    messageSequence = (messageSequence + 1) % 1_000_000;
    return `m${String(Date.now()).padStart(14, '0')}-${String(messageSequence).padStart(6, '0')}-${randomUUID()}`;
  }

  /** Inserts an inbox message; `false` when a message with that key exists already (a redelivery). */
  async insertMessage(instanceId: string, key: string, inbound: Inbound): Promise<boolean> {
    const entity = inboxEntity(instanceId, key, inbound);
    try {
      await this.tables.history.createEntity(entity);
      return true;
    } catch (error) {
      if (statusOf(error) === 409) return false;
      throw error;
    }
  }

  async deleteRows(instanceId: string, keys: string[]): Promise<void> {
    for (let i = 0; i < keys.length; i += MAX_TX_OPS) {
      const batch: TransactionAction[] = keys.slice(i, i + MAX_TX_OPS).map((key) => ['delete', { partitionKey: instanceId, rowKey: key }]);
      await this.tables.history.submitTransaction(batch).catch(async (error: unknown) => {
        // A row deleted meanwhile fails the batch: fall back to one by one, ignoring the missing ones.
        if (statusOf(error) !== 404) throw error;
        for (const action of batch) {
          await this.tables.history.deleteEntity(instanceId, (action[1] as { rowKey: string }).rowKey).catch((e: unknown) => {
            if (statusOf(e) !== 404) throw e;
          });
        }
      });
    }
  }

  /** Removes history rows of earlier generations (after continue-as-new or a restart). Best effort. */
  async deleteOldGenerations(instanceId: string, generation: number): Promise<void> {
    const keys: string[] = [];
    for await (const row of this.tables.history.listEntities({
      queryOptions: { filter: odata`PartitionKey eq ${instanceId} and RowKey ge 'h' and RowKey lt ${generationPrefix(generation)}`, select: ['RowKey'] },
    })) {
      keys.push(row.rowKey as string);
    }
    if (keys.length > 0) await this.deleteRows(instanceId, keys);
  }

  // ----- registry (Control table) -------------------------------------------------------------------------

  /** Marks the instance as having work for the owner of its partition. `starting` names an execution being created. */
  async ring(instanceId: string, starting?: string): Promise<string> {
    const entity: Record<string, unknown> = { partitionKey: partitionKey(this.partitionOf(instanceId)), rowKey: instanceId, RungAt: new Date().toISOString() };
    if (starting) entity['Starting'] = starting;
    const response = await this.tables.control.upsertEntity(entity as { partitionKey: string; rowKey: string }, starting ? 'Replace' : 'Merge');
    return response.etag ?? '';
  }

  async listRegistry(partition: number): Promise<Registration[]> {
    const out: Registration[] = [];
    for await (const row of this.tables.control.listEntities({ queryOptions: { filter: odata`PartitionKey eq ${partitionKey(partition)}` } })) {
      const parsed = registrySchema.parse(row);
      out.push({ instanceId: parsed.rowKey, etag: parsed.etag, ...(parsed.RungAt ? { rungAt: parsed.RungAt } : {}), ...(parsed.Starting ? { starting: parsed.Starting } : {}) });
    }
    return out;
  }

  async getRegistration(instanceId: string): Promise<Registration | undefined> {
    try {
      const row = await this.tables.control.getEntity(partitionKey(this.partitionOf(instanceId)), instanceId);
      const parsed = registrySchema.parse(row);
      return { instanceId, etag: parsed.etag, ...(parsed.RungAt ? { rungAt: parsed.RungAt } : {}), ...(parsed.Starting ? { starting: parsed.Starting } : {}) };
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  /** Deletes the registry row unless it was rung again since it was read. */
  async unregister(instanceId: string, etag: string): Promise<'deleted' | 'rung'> {
    try {
      await this.tables.control.deleteEntity(partitionKey(this.partitionOf(instanceId)), instanceId, { etag });
      return 'deleted';
    } catch (error) {
      const status = statusOf(error);
      if (status === 404) return 'deleted';
      if (status === 412) return 'rung';
      throw error;
    }
  }

  // ----- Instances view -------------------------------------------------------------------------------------

  async writeView(state: InstanceState): Promise<void> {
    await this.tables.instances.upsertEntity(viewEntity(state) as { partitionKey: string; rowKey: string }, 'Replace');
  }

  async deleteView(instanceId: string): Promise<void> {
    await this.tables.instances.deleteEntity(instanceId, '').catch((error: unknown) => {
      if (statusOf(error) !== 404) throw error;
    });
  }

  async queryView(query: ViewQuery): Promise<{ items: ViewItem[]; continuation?: string }> {
    const filters: string[] = [];
    if (query.prefix) filters.push(odata`PartitionKey ge ${query.prefix} and PartitionKey lt ${query.prefix + '\uffff'}`);
    if (query.createdFrom) filters.push(odata`CreatedTime ge ${query.createdFrom}`);
    if (query.createdTo) filters.push(odata`CreatedTime le ${query.createdTo}`);
    if (query.statuses && query.statuses.length > 0) filters.push(`(${query.statuses.map((s) => odata`RuntimeStatus eq ${s}`).join(' or ')})`);
    const pages = this.tables.instances
      .listEntities<Record<string, unknown>>({ queryOptions: filters.length > 0 ? { filter: filters.join(' and ') } : {} })
      .byPage({ maxPageSize: query.pageSize, ...(query.continuation ? { continuationToken: query.continuation } : {}) });
    const page = await pages.next();
    if (page.done) return { items: [] };
    const items = page.value.map((row) => parseView(row));
    return page.value.continuationToken ? { items, continuation: page.value.continuationToken } : { items };
  }

  /** Deletes everything stored for a finished instance. Returns false when it does not exist. */
  async purge(instanceId: string): Promise<boolean> {
    const keys: string[] = [];
    for await (const row of this.tables.history.listEntities({ queryOptions: { filter: odata`PartitionKey eq ${instanceId}`, select: ['RowKey'] } })) {
      keys.push(row.rowKey as string);
    }
    await this.deleteView(instanceId);
    if (keys.length === 0) return false;
    // The sentinel goes last, so an interrupted purge can be repeated.
    await this.deleteRows(instanceId, keys.filter((k) => k !== SENTINEL));
    if (keys.includes(SENTINEL)) await this.deleteRows(instanceId, [SENTINEL]);
    const registration = await this.getRegistration(instanceId);
    if (registration) await this.unregister(instanceId, registration.etag);
    return true;
  }
}

