/**
 * The pools in Table storage (decision 0701): one partition per offer (`<publisherId>.<offerId>`) holding its
 * instances (`i|<id>`), the ready index (`r|<hot|warm>|<version>|<region>|<id>`, decision 0706), capacity slots (`c|<region>|<n>`), standby slots (`s|<region>|<tier>|<n>`), drives (`d|<id>`)
 * and customers' active drives (`u|<customer>`). Every change that must be atomic is one entity-group transaction
 * of conditional writes (If-Match on the instance, insert-only slots and customer rows): a claim never reads and
 * then writes, so two requests can never both take one instance, the capacity of a region is never exceeded and a
 * customer never gets two drives of an offer at once. Pools are listed in a second table.
 */
import type { TableClient, TableEntityResult, TransactionAction } from '@azure/data-tables';
import type { Drive, Instance } from '../model';
import type { ClaimOutcome, PoolRef, Stored, TestDriveStore } from '../ports';
import { readyKeyOf } from '../rules/ids';
import { fromJsonColumns, toJsonColumns } from '../../storage/json-columns';

type Row = TableEntityResult<Record<string, unknown>>;

const statusOf = (error: unknown) => (error as { statusCode?: number }).statusCode;
const lostRace = (error: unknown) => [404, 409, 412].includes(statusOf(error) ?? 0);

export const ROW = {
  instance: (id: string) => `i|${id}`,
  capacity: (slot: string) => `c|${slot}`,
  standby: (slot: string) => `s|${slot}`,
  drive: (id: string) => `d|${id}`,
  customer: (key: string) => `u|${key}`,
  ready: (key: string) => `r|${key}`,
} as const;

export const partitionOf = (pool: PoolRef) => `${pool.publisherId}.${pool.offerId}`;

function instanceEntity(i: Instance) {
  const pk = partitionOf(i);
  return { partitionKey: pk, rowKey: ROW.instance(i.instanceId), state: i.state, driveId: i.driveId, ...toJsonColumns(i) };
}

function driveEntity(d: Drive) {
  return { partitionKey: partitionOf(d), rowKey: ROW.drive(d.driveId), state: d.state, expiresAt: d.expiresAt ?? '', ...toJsonColumns(d) };
}

function parsed<T>(row: Row): Stored<T> {
  return { value: fromJsonColumns<T>(row), etag: row.etag };
}

export class TablePoolStore implements TestDriveStore {
  readonly #table: () => Promise<TableClient>;
  readonly #pools: () => Promise<TableClient>;
  readonly #known = new Set<string>();

  constructor(table: () => Promise<TableClient>, pools: () => Promise<TableClient>) {
    this.#table = table;
    this.#pools = pools;
  }

  async registerPool(pool: PoolRef): Promise<void> {
    const key = partitionOf(pool);
    if (this.#known.has(key)) return;
    await (await this.#pools()).upsertEntity({ partitionKey: 'pool', rowKey: key, ...pool }, 'Replace');
    this.#known.add(key);
  }

  async pools(): Promise<PoolRef[]> {
    const out: PoolRef[] = [];
    const rows = (await this.#pools()).listEntities<Record<string, unknown>>({ queryOptions: { filter: `PartitionKey eq 'pool'` } });
    for await (const row of rows) out.push({ publisherId: String(row['publisherId']), offerId: String(row['offerId']) });
    return out;
  }

  async #rows(pool: PoolRef, prefix: string, limit = Infinity): Promise<Row[]> {
    const pk = partitionOf(pool).replace(/'/g, "''");
    const filter = `PartitionKey eq '${pk}' and RowKey ge '${prefix}' and RowKey lt '${prefix.slice(0, -1)}}'`;
    const out: Row[] = [];
    const pages = (await this.#table()).listEntities<Record<string, unknown>>({ queryOptions: { filter } }).byPage({ maxPageSize: Math.min(1000, limit) });
    for await (const page of pages) {
      out.push(...page);
      if (out.length >= limit) break;
    }
    return out.slice(0, limit);
  }

  async readyIds(pool: PoolRef, prefix: string, limit: number): Promise<string[]> {
    return (await this.#rows(pool, ROW.ready(prefix), limit)).map((r) => String(r['instanceId']));
  }

  async readyKeys(pool: PoolRef): Promise<string[]> {
    return (await this.#rows(pool, ROW.ready(''))).map((r) => String(r.rowKey).slice(ROW.ready('').length));
  }

  async capacitySlots(pool: PoolRef): Promise<string[]> {
    return (await this.#rows(pool, ROW.capacity(''))).map((r) => String(r.rowKey).slice(ROW.capacity('').length));
  }

  async dropReady(pool: PoolRef, key: string): Promise<void> {
    try {
      await (await this.#table()).deleteEntity(partitionOf(pool), ROW.ready(key));
    } catch (error) {
      if (statusOf(error) !== 404) throw error;
    }
  }

  #readyRow(i: Instance, key: string) {
    return { partitionKey: partitionOf(i), rowKey: ROW.ready(key), instanceId: i.instanceId };
  }

  async instances(pool: PoolRef): Promise<Stored<Instance>[]> {
    return (await this.#rows(pool, 'i|')).map((r) => parsed<Instance>(r));
  }

  async drives(pool: PoolRef): Promise<Stored<Drive>[]> {
    return (await this.#rows(pool, 'd|')).map((r) => parsed<Drive>(r));
  }

  async #get(pool: PoolRef, rowKey: string): Promise<Row | undefined> {
    try {
      return (await (await this.#table()).getEntity<Record<string, unknown>>(partitionOf(pool), rowKey));
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  async getInstance(pool: PoolRef, instanceId: string): Promise<Stored<Instance> | undefined> {
    const row = await this.#get(pool, ROW.instance(instanceId));
    return row ? parsed<Instance>(row) : undefined;
  }

  async getDrive(pool: PoolRef, driveId: string): Promise<Stored<Drive> | undefined> {
    const row = await this.#get(pool, ROW.drive(driveId));
    return row ? parsed<Drive>(row) : undefined;
  }

  async activeDriveOf(pool: PoolRef, customerKey: string): Promise<string | undefined> {
    const row = await this.#get(pool, ROW.customer(customerKey));
    return row ? String(row['driveId']) : undefined;
  }

  async #submit(actions: TransactionAction[]): Promise<boolean> {
    try {
      await (await this.#table()).submitTransaction(actions);
      return true;
    } catch (error) {
      if (lostRace(error)) return false;
      throw error;
    }
  }

  #slotRow(i: Instance, rowKey: string) {
    return { partitionKey: partitionOf(i), rowKey, instanceId: i.instanceId };
  }

  async createInstance(instance: Instance): Promise<boolean> {
    const actions: TransactionAction[] = [
      ['create', instanceEntity(instance)],
      ['create', this.#slotRow(instance, ROW.capacity(instance.capacitySlot))],
    ];
    if (instance.standbySlot) actions.push(['create', this.#slotRow(instance, ROW.standby(instance.standbySlot))]);
    const ready = readyKeyOf(instance);
    if (ready) actions.push(['upsert', this.#readyRow(instance, ready), 'Replace']);
    return this.#submit(actions);
  }

  async claim(claimed: Instance, etag: string | undefined, drive: Drive, customerKey: string, readyKey?: string): Promise<ClaimOutcome> {
    const actions: TransactionAction[] = [
      ['create', { partitionKey: partitionOf(drive), rowKey: ROW.customer(customerKey), driveId: drive.driveId }],
      ['create', driveEntity(drive)],
    ];
    if (etag === undefined) {
      actions.push(['create', instanceEntity(claimed)], ['create', this.#slotRow(claimed, ROW.capacity(claimed.capacitySlot))]);
    } else {
      actions.push(['update', instanceEntity({ ...claimed, standbySlot: '' }), 'Replace', { etag }]);
      // The standby slot is released in the same transaction: the pool manager refills it at once.
      if (claimed.standbySlot) actions.push(['delete', { partitionKey: partitionOf(claimed), rowKey: ROW.standby(claimed.standbySlot) }]);
      // Leaving the ready index in the same transaction: a claimed instance is never offered again.
      if (readyKey) actions.push(['delete', { partitionKey: partitionOf(claimed), rowKey: ROW.ready(readyKey) }]);
    }
    try {
      const response = await (await this.#table()).submitTransaction(actions);
      return { claimed: response.subResponses[1]?.etag ?? '' };
    } catch (error) {
      if (!lostRace(error)) throw error;
      // A failed transaction names its failed operation first (`<index>:…`): only the customer row (0) needs a read.
      const failed = /^(\d+):/.exec((error as Error).message ?? '')?.[1];
      if (failed !== undefined && failed !== '0') return 'lost';
    }
    const existing = await this.activeDriveOf(drive, customerKey);
    return existing ? { existing } : 'lost';
  }

  async updateInstance(instance: Instance, etag: string): Promise<string | undefined> {
    const ready = readyKeyOf(instance);
    if (ready) {
      // Becoming ready and entering the ready index are one transaction.
      try {
        const response = await (await this.#table()).submitTransaction([
          ['update', instanceEntity(instance), 'Replace', { etag }],
          ['upsert', this.#readyRow(instance, ready), 'Replace'],
        ]);
        return response.subResponses[0]?.etag ?? (await this.getInstance(instance, instance.instanceId))?.etag;
      } catch (error) {
        if (lostRace(error)) return undefined;
        throw error;
      }
    }
    try {
      const result = await (await this.#table()).updateEntity(instanceEntity(instance), 'Replace', { etag });
      return result.etag;
    } catch (error) {
      if (lostRace(error)) return undefined;
      throw error;
    }
  }

  async updateDrive(drive: Drive, etag: string): Promise<boolean> {
    return this.#submit([['update', driveEntity(drive), 'Replace', { etag }]]);
  }

  async updateBoth(drive: Drive, driveEtag: string, instance: Instance, instanceEtag: string): Promise<boolean> {
    return this.#submit([
      ['update', driveEntity(drive), 'Replace', { etag: driveEtag }],
      ['update', instanceEntity(instance), 'Replace', { etag: instanceEtag }],
    ]);
  }

  async endDrive(drive: Drive, driveEtag: string, customerKey: string, instance?: { value: Instance; etag: string }): Promise<boolean> {
    const actions: TransactionAction[] = [
      ['update', driveEntity(drive), 'Replace', { etag: driveEtag }],
      ['delete', { partitionKey: partitionOf(drive), rowKey: ROW.customer(customerKey) }],
    ];
    if (instance) actions.push(['update', instanceEntity(instance.value), 'Replace', { etag: instance.etag }]);
    return this.#submit(actions);
  }

  /** Used for a standby instance leaving standby (drained): the instance and the release of its standby slot. */
  async leaveStandby(instance: Instance, etag: string, slot: string, readyKey?: string): Promise<boolean> {
    const actions: TransactionAction[] = [['update', instanceEntity(instance), 'Replace', { etag }]];
    if (slot) actions.push(['delete', { partitionKey: partitionOf(instance), rowKey: ROW.standby(slot) }]);
    if (readyKey) actions.push(['delete', { partitionKey: partitionOf(instance), rowKey: ROW.ready(readyKey) }]);
    return this.#submit(actions);
  }

  async markDeleted(instance: Instance, etag: string): Promise<boolean> {
    const actions: TransactionAction[] = [
      ['update', instanceEntity(instance), 'Replace', { etag }],
      ['delete', { partitionKey: partitionOf(instance), rowKey: ROW.capacity(instance.capacitySlot) }],
    ];
    return this.#submit(actions);
  }

  async purge(pool: PoolRef, rows: { kind: 'drive' | 'instance'; id: string }[]): Promise<number> {
    const action = (r: (typeof rows)[number]): TransactionAction => [
      'delete',
      { partitionKey: partitionOf(pool), rowKey: r.kind === 'drive' ? ROW.drive(r.id) : ROW.instance(r.id) },
    ];
    let purged = 0;
    // A transaction holds at most 100 operations; a batch that fails (a row already gone) is done row by row.
    for (let start = 0; start < rows.length; start += 100) {
      const batch = rows.slice(start, start + 100);
      if (await this.#submit(batch.map(action))) purged += batch.length;
      else for (const row of batch) if (await this.#submit([action(row)])) purged += 1;
    }
    return purged;
  }

  async saveReport(report: object): Promise<void> {
    await (await this.#pools()).upsertEntity({ partitionKey: 'report', rowKey: 'last', ...toJsonColumns(report) }, 'Replace');
  }

  async lastReport(): Promise<object | undefined> {
    try {
      const row = await (await this.#pools()).getEntity<Record<string, unknown>>('report', 'last');
      return fromJsonColumns<object>(row);
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }
}
