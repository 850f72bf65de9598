/**
 * Table adapter. Table `SaasSubscriptions`: PartitionKey = publisher id, so a subscription, its operations and its
 * outbox rows share a partition and change together in one transaction (If-Match on updates, insert-only creates).
 * RowKeys: `s|<subscriptionId>` (contiguous, so listing is a range query in id order), `op|<operationId>`,
 * `o|<operationId>` (outbox), `a|<operationId>|<attempt>` (delivery attempts, insert-only), `l|<subscriptionId>|<seq>`
 * (billing ledger, insert-only, written in the transaction of the change it records; the sequence number comes from
 * the subscription row, which the same transaction updates with If-Match, so two writers never take one number).
 * Table `SaasIndex`: `sub|<id>` → owner publisher, `tok|<sha256>` → purchase token, `ten|<tenant>` /
 * `<inverted created>|<id>` → owner publisher, one row per purchaser and beneficiary tenant (a customer's list,
 * newest first; decision 1003). A `dueAt` column on
 * subscription, operation and outbox rows lets the timer find due work with one filtered query.
 */
import type { TableClient, TransactionAction, TableEntityResult } from '@azure/data-tables';
import type { LedgerEntry, OperationRecord, OutboxRecord, Stored, SubscriptionRecord } from '../model';
import type { DeliveryAttempt, DueItem, PurchaseToken, SubscriptionStore, Write } from '../ports';
import { subscriptionDueAt } from '../rules/lifecycle';
import { tenantListKey, tenantPartition } from '../rules/tenant-list';

const statusOf = (error: unknown) => (error as { statusCode?: number }).statusCode;

type Row = {
  partitionKey: string;
  rowKey: string;
  data: string;
  kind: string;
  subscriptionId?: string;
  status?: string;
  dueAt?: string;
  offerId?: string;
  tenantId?: string;
  activated?: boolean;
};

const rowKey: Record<Write['kind'], (id: string) => string> = {
  subscription: (id) => `s|${id}`,
  operation: (id) => `op|${id}`,
  outbox: (id) => `o|${id}`,
  ledger: (id) => `l|${id}`,
};

const ledgerId = (entry: Pick<LedgerEntry, 'subscriptionId' | 'seq'>) => `${entry.subscriptionId}|${String(entry.seq).padStart(6, '0')}`;

/** When the timer must next look at the row ('' = never). */
export function dueAt(write: Write): string {
  if (write.kind === 'subscription') return subscriptionDueAt(write.value);
  if (write.kind === 'ledger') return '';
  if (write.kind === 'operation') return write.value.status === 'InProgress' && write.value.ackDeadline ? write.value.ackDeadline : '';
  return write.value.state === 'pending' ? write.value.nextAttemptAt : '';
}

function idOf(write: Write): string {
  if (write.kind === 'outbox') return write.value.operationId;
  if (write.kind === 'ledger') return ledgerId(write.value);
  return write.value.id;
}

function toRow(publisherId: string, write: Write): Row {
  return {
    partitionKey: publisherId,
    rowKey: rowKey[write.kind](idOf(write)),
    kind: write.kind,
    data: JSON.stringify(write.value),
    ...(write.kind !== 'subscription' ? { subscriptionId: write.value.subscriptionId } : {}),
    ...(write.kind === 'operation' ? { status: write.value.status } : {}),
    // Columns for the one-trial-per-tenant query (offerUsedBy): the offer, the beneficiary tenant, ever activated.
    ...(write.kind === 'subscription'
      ? {
          offerId: write.value.offerId,
          tenantId: write.value.beneficiary.tenantId.toLowerCase(),
          activated: write.value.activatedOn !== undefined,
        }
      : {}),
    dueAt: dueAt(write),
  };
}

function parse<T>(entity: TableEntityResult<Record<string, unknown>>): Stored<T> {
  return { value: JSON.parse(String(entity['data'])) as T, etag: entity.etag };
}

const esc = (v: string) => v.replace(/'/g, "''");

export class TableSubscriptionStore implements SubscriptionStore {
  readonly #table: () => Promise<TableClient>;
  readonly #index: () => Promise<TableClient>;

  constructor(table: () => Promise<TableClient>, index: () => Promise<TableClient>) {
    this.#table = table;
    this.#index = index;
  }

  async #get<T>(publisherId: string, key: string): Promise<Stored<T> | undefined> {
    const table = await this.#table();
    try {
      return parse<T>(await table.getEntity<Record<string, unknown>>(publisherId, key));
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  getSubscription(publisherId: string, id: string) {
    return this.#get<SubscriptionRecord>(publisherId, rowKey.subscription(id));
  }

  async ownerOf(id: string): Promise<string | undefined> {
    const index = await this.#index();
    try {
      const entity = await index.getEntity<{ publisherId: string }>(`sub|${id}`, '');
      return entity.publisherId;
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  async createSubscription(sub: SubscriptionRecord): Promise<Stored<SubscriptionRecord>> {
    // The index row first: a subscription row never exists without its owner entry (a crash leaves at most an orphan index row).
    const index = await this.#index();
    await index.createEntity({ partitionKey: `sub|${sub.id}`, rowKey: '', publisherId: sub.publisherId });
    // The tenants' list rows too (upserts: a retried create writes the same rows); an orphan is skipped when listed.
    const tenants = new Set([sub.purchaser.tenantId.toLowerCase(), sub.beneficiary.tenantId.toLowerCase()]);
    const key = tenantListKey(sub.created, sub.id);
    await Promise.all(
      [...tenants].map((t) => index.upsertEntity({ partitionKey: tenantPartition(t), rowKey: key, publisherId: sub.publisherId }, 'Replace')),
    );
    const table = await this.#table();
    const result = await table.createEntity(toRow(sub.publisherId, { kind: 'subscription', value: sub }));
    return { value: sub, etag: result.etag ?? '' };
  }

  async listSubscriptions(publisherId: string, pageSize: number, continuation?: string) {
    const table = await this.#table();
    const lower = continuation ? `s|${continuation}` : 's|';
    const filter = `PartitionKey eq '${esc(publisherId)}' and RowKey ${continuation ? 'gt' : 'ge'} '${esc(lower)}' and RowKey lt 's}'`;
    const items: SubscriptionRecord[] = [];
    // One more than a page tells whether a next page exists; the continuation is the last id returned.
    for await (const page of table
      .listEntities<Record<string, unknown>>({ queryOptions: { filter } })
      .byPage({ maxPageSize: pageSize + 1 })) {
      for (const entity of page) {
        items.push(JSON.parse(String(entity['data'])) as SubscriptionRecord);
        if (items.length > pageSize) break;
      }
      if (items.length > pageSize) break;
    }
    if (items.length > pageSize) {
      items.length = pageSize;
      return { items, next: (items[pageSize - 1] as SubscriptionRecord).id };
    }
    return { items };
  }

  async listTenantSubscriptions(tenantId: string, pageSize: number, after?: string) {
    const index = await this.#index();
    const filter = `PartitionKey eq '${esc(tenantPartition(tenantId))}'${after ? ` and RowKey gt '${esc(after)}'` : ''}`;
    const keys: { rowKey: string; publisherId: string }[] = [];
    // One more than a page tells whether a next page exists; the continuation is the last key returned.
    for await (const page of index
      .listEntities<{ publisherId: string }>({ queryOptions: { filter, select: ['RowKey', 'publisherId'] } })
      .byPage({ maxPageSize: pageSize + 1 })) {
      for (const e of page) if (keys.length <= pageSize) keys.push({ rowKey: e.rowKey ?? '', publisherId: e.publisherId });
      if (keys.length > pageSize) break;
    }
    const more = keys.length > pageSize;
    if (more) keys.length = pageSize;
    const rows = await Promise.all(keys.map((k) => this.getSubscription(k.publisherId, k.rowKey.slice(k.rowKey.indexOf('|') + 1))));
    // A key without its subscription row is the orphan of a purchase that crashed before writing it: not listed.
    const items = rows.filter((r): r is Stored<SubscriptionRecord> => r !== undefined).map((r) => r.value);
    return more ? { items, next: (keys[pageSize - 1] as { rowKey: string }).rowKey } : { items };
  }

  async commit(publisherId: string, writes: Write[]): Promise<'ok' | 'conflict'> {
    const table = await this.#table();
    const actions: TransactionAction[] = writes.map((w) =>
      w.etag ? ['update', toRow(publisherId, w), 'Replace', { etag: w.etag }] : ['create', toRow(publisherId, w)],
    );
    try {
      if (actions.length === 1) {
        const [w] = writes as [Write];
        if (w.etag) await table.updateEntity(toRow(publisherId, w), 'Replace', { etag: w.etag });
        else await table.createEntity(toRow(publisherId, w));
      } else {
        await table.submitTransaction(actions);
      }
      return 'ok';
    } catch (error) {
      if ([404, 409, 412].includes(statusOf(error) ?? 0)) return 'conflict';
      throw error;
    }
  }

  getOperation(publisherId: string, id: string) {
    return this.#get<OperationRecord>(publisherId, rowKey.operation(id));
  }

  async #query<T>(filter: string): Promise<T[]> {
    const table = await this.#table();
    const out: T[] = [];
    for await (const entity of table.listEntities<Record<string, unknown>>({ queryOptions: { filter } })) {
      out.push(JSON.parse(String(entity['data'])) as T);
    }
    return out;
  }

  listOperations(publisherId: string, subscriptionId: string) {
    return this.#query<OperationRecord>(
      `PartitionKey eq '${esc(publisherId)}' and RowKey ge 'op|' and RowKey lt 'op}' and subscriptionId eq '${esc(subscriptionId)}'`,
    );
  }

  getOutbox(publisherId: string, operationId: string) {
    return this.#get<OutboxRecord>(publisherId, rowKey.outbox(operationId));
  }

  listOutbox(publisherId: string) {
    return this.#query<OutboxRecord>(`PartitionKey eq '${esc(publisherId)}' and RowKey ge 'o|' and RowKey lt 'o}'`);
  }

  async recordAttempt(publisherId: string, attempt: DeliveryAttempt): Promise<void> {
    const table = await this.#table();
    try {
      await table.createEntity({
        partitionKey: publisherId,
        rowKey: `a|${attempt.operationId}|${String(attempt.attempt).padStart(6, '0')}`,
        kind: 'attempt',
        data: JSON.stringify(attempt),
      });
    } catch (error) {
      if (statusOf(error) !== 409) throw error; // the same attempt recorded twice (a retried dispatcher) is one attempt
    }
  }

  listAttempts(publisherId: string, operationId?: string) {
    const prefix = operationId ? `a|${operationId}|` : 'a|';
    return this.#query<DeliveryAttempt>(
      `PartitionKey eq '${esc(publisherId)}' and RowKey ge '${esc(prefix)}' and RowKey lt '${esc(prefix)}~'`,
    );
  }

  listLedger(publisherId: string, subscriptionId: string) {
    const prefix = `l|${subscriptionId}|`;
    return this.#query<LedgerEntry>(`PartitionKey eq '${esc(publisherId)}' and RowKey ge '${esc(prefix)}' and RowKey lt '${esc(prefix)}~'`);
  }

  async offerUsedBy(publisherId: string, offerId: string, tenantId: string): Promise<boolean> {
    const table = await this.#table();
    const filter =
      `PartitionKey eq '${esc(publisherId)}' and RowKey ge 's|' and RowKey lt 's}' and offerId eq '${esc(offerId)}' ` +
      `and tenantId eq '${esc(tenantId.toLowerCase())}' and activated eq true`;
    for await (const page of table.listEntities({ queryOptions: { filter, select: ['RowKey'] } }).byPage({ maxPageSize: 1 })) {
      if (page.length > 0) return true;
    }
    return false;
  }

  async putToken(hash: string, token: PurchaseToken): Promise<void> {
    const index = await this.#index();
    await index.createEntity({ partitionKey: `tok|${hash}`, rowKey: '', ...token });
  }

  async getToken(hash: string): Promise<PurchaseToken | undefined> {
    const index = await this.#index();
    try {
      const e = await index.getEntity<PurchaseToken>(`tok|${hash}`, '');
      return { subscriptionId: e.subscriptionId, publisherId: e.publisherId, expiresAt: e.expiresAt };
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  async listDue(now: Date): Promise<DueItem[]> {
    const table = await this.#table();
    const out: DueItem[] = [];
    const filter = `dueAt gt '' and dueAt le '${now.toISOString()}'`;
    for await (const e of table.listEntities<Row>({ queryOptions: { filter, select: ['PartitionKey', 'RowKey', 'kind'] } })) {
      const id = e.rowKey?.slice(e.rowKey.indexOf('|') + 1) ?? '';
      if (e.kind === 'subscription' || e.kind === 'operation' || e.kind === 'outbox')
        out.push({ kind: e.kind, publisherId: e.partitionKey ?? '', id });
    }
    return out;
  }
}
