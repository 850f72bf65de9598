/**
 * Accepted usage in Azure Tables. One row per (resource, dimension, UTC hour): PartitionKey
 * `<publisherId>|<yyyyMMddHH>`, RowKey `<resourceKey>|<dimension>`. The row is insert-only, so a second insert
 * for the same bucket fails in the store (409), whatever the interleaving of requests or hosts; the existing
 * row is then read to answer the duplicate with the original event (decision record 0301).
 * A publisher's hour is one partition: an ISV's hourly batch for many resources, and concurrent single events
 * of that hour, go in one entity-group transaction (group-commit.ts), and the usage query, statements and anomaly detection read a publisher's day as one
 * PartitionKey range. A small `UsageDays` table (day → publishers) lets the anomaly timer find whose rows to read.
 */
import { odata, type TableClient } from '@azure/data-tables';
import { z } from 'zod';
import { noFaults, type Faults } from '../../faults';
import type { StoredUsage } from '../model';
import type { InsertResult, UsageStore } from '../ports';
import { dayKey, hourKey } from '../rules/time';
import { GroupCommitter } from './group-commit';

/** Pause/crash point just before the insert that decides duplicates (tests line concurrent requests up here). */
export const BEFORE_INSERT_POINT = 'before-usage-insert';

/** Table keys may not contain / \ # ? or control characters; `|` separates key parts. */
export function keyPart(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export function usageKeys(row: Pick<StoredUsage, 'publisherId' | 'resourceKey' | 'dimension' | 'effectiveAt'>): {
  partitionKey: string;
  rowKey: string;
} {
  const at = new Date(row.effectiveAt);
  return {
    partitionKey: `${row.publisherId}|${dayKey(at)}${hourKey(at)}`,
    rowKey: `${keyPart(row.resourceKey)}|${keyPart(row.dimension)}`,
  };
}

const entitySchema = z.object({
  usageEventId: z.string(),
  messageTime: z.string(),
  resourceId: z.string().optional(),
  resourceUri: z.string().optional(),
  quantity: z.number(),
  dimension: z.string(),
  effectiveStartTime: z.string(),
  planId: z.string(),
  publisherId: z.string(),
  resourceKey: z.string(),
  offerId: z.string(),
  offerVersion: z.number().optional(),
  effectiveAt: z.string(),
  resourceKind: z.enum(['saas', 'managedApp']),
  azureSubscriptionId: z.string().optional(),
});

function toEntity(row: StoredUsage) {
  return { ...usageKeys(row), ...row };
}

function fromEntity(entity: unknown): StoredUsage {
  const parsed = entitySchema.parse(entity);
  const out: StoredUsage = {
    usageEventId: parsed.usageEventId,
    messageTime: parsed.messageTime,
    quantity: parsed.quantity,
    dimension: parsed.dimension,
    effectiveStartTime: parsed.effectiveStartTime,
    planId: parsed.planId,
    publisherId: parsed.publisherId,
    resourceKey: parsed.resourceKey,
    offerId: parsed.offerId,
    effectiveAt: parsed.effectiveAt,
    resourceKind: parsed.resourceKind,
  };
  if (parsed.resourceId !== undefined) out.resourceId = parsed.resourceId;
  if (parsed.resourceUri !== undefined) out.resourceUri = parsed.resourceUri;
  if (parsed.offerVersion !== undefined) out.offerVersion = parsed.offerVersion;
  if (parsed.azureSubscriptionId !== undefined) out.azureSubscriptionId = parsed.azureSubscriptionId;
  return out;
}

function escape(value: string): string {
  return value.replace(/'/g, "''");
}

export class TableUsageStore implements UsageStore {
  readonly #usage: () => Promise<TableClient>;
  readonly #days: () => Promise<TableClient>;
  readonly #faults: Faults;
  readonly #committer = new GroupCommitter({ keys: usageKeys, toEntity, fromEntity });
  /** (publisher, day) pairs whose marker this process has written; bounded, a miss only costs an idempotent upsert. */
  readonly #marked = new Set<string>();

  constructor(usage: () => Promise<TableClient>, days: () => Promise<TableClient>, faults: Faults = noFaults) {
    this.#usage = usage;
    this.#days = days;
    this.#faults = faults;
  }

  async insert(row: StoredUsage): Promise<InsertResult> {
    const table = await this.#usage();
    await this.#mark(row);
    await this.#faults.reach(BEFORE_INSERT_POINT);
    return this.#committer.submit(table, row);
  }

  /** A batch's rows of one partition are submitted together, so they go in one transaction. */
  async insertMany(rows: readonly StoredUsage[]): Promise<InsertResult[]> {
    if (rows.length === 0) return [];
    const table = await this.#usage();
    const days = new Map(rows.map((row) => [`${row.publisherId}|${dayKey(new Date(row.effectiveAt))}`, row]));
    await Promise.all([...days.values()].map((row) => this.#mark(row)));
    await this.#faults.reach(BEFORE_INSERT_POINT);
    return Promise.all(rows.map((row) => this.#committer.submit(table, row)));
  }

  async listDay(publisherId: string, day: Date, resourceKey?: string): Promise<StoredUsage[]> {
    const table = await this.#usage();
    const day0 = `${publisherId}|${dayKey(day)}`;
    let filter = `PartitionKey ge '${escape(`${day0}00`)}' and PartitionKey le '${escape(`${day0}23`)}'`;
    if (resourceKey !== undefined) {
      const prefix = `${keyPart(resourceKey)}|`;
      // `}` sorts right after `|`, so [prefix, prefix-with-`}`) is exactly the resource's rows.
      filter += ` and RowKey ge '${escape(prefix)}' and RowKey lt '${escape(`${keyPart(resourceKey)}}`)}'`;
    }
    const rows: StoredUsage[] = [];
    for await (const entity of table.listEntities({ queryOptions: { filter } })) rows.push(fromEntity(entity));
    return rows;
  }

  /**
   * A publisher's accepted usage whose effective UTC day lies in [fromDay, toDay] (yyyy-MM-dd; no fromDay: from the
   * first), streamed page by page in partition order: one PartitionKey range, so memory stays flat (analytics).
   */
  async *scan(publisherId: string, fromDay: string | undefined, toDay: string): AsyncIterable<StoredUsage> {
    const table = await this.#usage();
    const lower = `${publisherId}|${fromDay ? fromDay.replace(/-/g, '') : ''}`;
    const upper = `${publisherId}|${toDay.replace(/-/g, '')}99`;
    const filter = odata`PartitionKey ge ${lower} and PartitionKey le ${upper}`;
    for await (const entity of table.listEntities({ queryOptions: { filter } })) yield fromEntity(entity);
  }

  async publishersWithUsage(days: readonly Date[]): Promise<string[]> {
    const table = await this.#days();
    const publishers = new Set<string>();
    for (const day of days) {
      const filter = `PartitionKey eq 'd${dayKey(day)}'`;
      for await (const entity of table.listEntities<{ rowKey?: string }>({ queryOptions: { filter, select: ['RowKey'] } })) {
        if (entity.rowKey) publishers.add(entity.rowKey);
      }
    }
    return [...publishers].sort();
  }

  /**
   * Written before the usage row, so a stored event is never missing from the day index (a crash between the
   * two leaves only a harmless marker). Idempotent upsert; this process remembers what it wrote.
   */
  async #mark(row: StoredUsage): Promise<void> {
    const day = dayKey(new Date(row.effectiveAt));
    const key = `${row.publisherId}|${day}`;
    if (this.#marked.has(key)) return;
    const table = await this.#days();
    await table.upsertEntity({ partitionKey: `d${day}`, rowKey: row.publisherId }, 'Replace');
    if (this.#marked.size > 10_000) this.#marked.clear();
    this.#marked.add(key);
  }
}
