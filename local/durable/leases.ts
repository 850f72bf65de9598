/**
 * Partition leases: the instances of a task hub are spread over N partitions (host.json
 * `extensions.durableTask.storageProvider.partitionCount`, default 4, as in the Azure Storage provider), and one
 * host at a time owns a partition: it alone replays the partition's orchestrations and runs their activities.
 * A lease is a row in the Control table, taken and renewed only with a conditional (ETag) update, so two hosts that
 * race for the same partition cannot both win. Hosts announce themselves with a heartbeat row; each one aims at a
 * fair share of the partitions and releases extra ones gracefully, so a second host picks up work.
 * Lease times are real time, not the test clock: moving the test clock must not expire every lease.
 */
import { randomUUID } from 'node:crypto';
import type { TableClient } from '@azure/data-tables';
import { z } from 'zod';
import type { Faults } from './faults';
import { statusOf } from './tables';

const LEASE_PK = 'lease';
const HOST_PK = 'host';

const leaseRow = z.object({ rowKey: z.string(), etag: z.string(), Owner: z.string().default(''), Expires: z.number().default(0) });
const hostRow = z.object({ rowKey: z.string(), Expires: z.number().default(0) });

export interface LeaseHandlers {
  acquired(partition: number): void;
  /** The lease is gone (taken over or not renewed in time): stop all work of the partition at once. */
  lost(partition: number): void;
  /** Called before a partition is handed over voluntarily; resolve when in-flight work is finished. */
  draining(partition: number): Promise<void>;
}

export interface LeaseOptions {
  partitionCount: number;
  leaseMs: number;
  ownerId?: string;
  faults: Faults;
  log(line: string): void;
}

export function partitionKey(partition: number): string {
  return `p${String(partition).padStart(2, '0')}`;
}

export class PartitionLeases {
  readonly ownerId: string;
  #control: TableClient;
  #options: LeaseOptions;
  #handlers: LeaseHandlers;
  /** Owned partitions and the real time at which our lease on each runs out. */
  #owned = new Map<number, { expires: number; etag: string }>();
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #stopped = false;

  constructor(control: TableClient, options: LeaseOptions, handlers: LeaseHandlers) {
    this.#control = control;
    this.#options = options;
    this.#handlers = handlers;
    this.ownerId = options.ownerId ?? randomUUID();
  }

  /** True while this host holds the partition with a margin to spare (a quarter of the lease, at most a second). */
  owns(partition: number): boolean {
    const lease = this.#owned.get(partition);
    return lease !== undefined && lease.expires - Date.now() > Math.min(1000, this.#options.leaseMs / 4);
  }

  owned(): number[] {
    return [...this.#owned.keys()].sort((a, b) => a - b);
  }

  /** Runs a first round (so a fresh hub is owned before the host reports ready), then keeps renewing. */
  async start(): Promise<void> {
    this.#running = this.balance().catch((error: unknown) => this.#options.log(`[warning] durable leases: ${(error as Error).message}`));
    await this.#running;
    this.#running = undefined;
    this.#schedule(this.#interval());
  }

  #interval(): number {
    return Math.max(250, Math.floor(this.#options.leaseMs / 3));
  }

  /** Releases every lease so that a restarted host takes over at once instead of waiting for expiry. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running?.catch(() => undefined);
    for (const [partition, lease] of [...this.#owned]) {
      this.#owned.delete(partition);
      this.#handlers.lost(partition);
      await this.#control
        .updateEntity({ partitionKey: LEASE_PK, rowKey: partitionKey(partition), Owner: '', Expires: 0 }, 'Replace', { etag: lease.etag })
        .catch(() => undefined);
    }
    await this.#control.deleteEntity(HOST_PK, this.ownerId).catch(() => undefined);
  }

  #schedule(delay: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#running = this.balance()
        .catch((error: unknown) => this.#options.log(`[warning] durable leases: ${(error as Error).message}`))
        .finally(() => {
          this.#running = undefined;
          this.#schedule(this.#interval());
        });
    }, delay);
    this.#timer.unref?.();
  }

  /** One round: heartbeat, renew what we own, take free or expired partitions up to a fair share, hand over extras. */
  async balance(): Promise<void> {
    const { leaseMs, partitionCount } = this.#options;
    const now = Date.now();
    this.#expireOverdue(now);
    await this.#control.upsertEntity({ partitionKey: HOST_PK, rowKey: this.ownerId, Expires: now + leaseMs }, 'Replace');
    const hosts = new Set<string>([this.ownerId]);
    for await (const entity of this.#control.listEntities({ queryOptions: { filter: `PartitionKey eq '${HOST_PK}'` } })) {
      const row = hostRow.parse(entity);
      if (row.Expires > now) hosts.add(row.rowKey);
    }
    const rows = new Map<string, z.output<typeof leaseRow>>();
    for await (const entity of this.#control.listEntities({ queryOptions: { filter: `PartitionKey eq '${LEASE_PK}'` } })) {
      const row = leaseRow.parse(entity);
      rows.set(row.rowKey, row);
    }
    const fair = Math.ceil(partitionCount / hosts.size);

    for (let p = 0; p < partitionCount; p++) {
      if (this.#stopped) return;
      const row = rows.get(partitionKey(p));
      if (this.#owned.has(p)) {
        if (!row || row.Owner !== this.ownerId) this.#lose(p, 'taken over');
        else await this.#write(p, row.etag, true);
        continue;
      }
      if (this.#owned.size >= fair) continue;
      if (row && row.Owner !== '' && row.Owner !== this.ownerId && row.Expires > now) continue;
      await this.#options.faults.reach('lease-before-acquire');
      if (await this.#write(p, row?.etag, false)) this.#handlers.acquired(p);
    }

    while (this.#owned.size > fair && !this.#stopped) {
      const partition = Math.max(...this.#owned.keys());
      await this.#handlers.draining(partition);
      const lease = this.#owned.get(partition);
      this.#owned.delete(partition);
      this.#handlers.lost(partition);
      if (lease) {
        await this.#control
          .updateEntity({ partitionKey: LEASE_PK, rowKey: partitionKey(partition), Owner: '', Expires: 0 }, 'Replace', { etag: lease.etag })
          .catch(() => undefined);
      }
      this.#options.log(`durable: handed partition ${partition} over (fair share ${fair} of ${partitionCount} with ${hosts.size} hosts)`);
    }
  }

  /** Takes or renews a lease with a conditional write; false when another host got there first. */
  async #write(partition: number, etag: string | undefined, renewing: boolean): Promise<boolean> {
    const entity = { partitionKey: LEASE_PK, rowKey: partitionKey(partition), Owner: this.ownerId, Expires: Date.now() + this.#options.leaseMs };
    try {
      const response = etag
        ? await this.#control.updateEntity(entity, 'Replace', { etag })
        : await this.#control.createEntity(entity);
      this.#owned.set(partition, { expires: entity.Expires, etag: response.etag ?? '' });
      return true;
    } catch (error) {
      const status = statusOf(error);
      if (status === 412 || status === 409 || status === 404) {
        if (renewing) this.#lose(partition, 'renewal refused');
        return false;
      }
      throw error;
    }
  }

  #expireOverdue(now: number): void {
    for (const [partition, lease] of this.#owned) {
      if (lease.expires <= now) this.#lose(partition, 'not renewed in time');
    }
  }

  #lose(partition: number, why: string): void {
    if (!this.#owned.delete(partition)) return;
    this.#options.log(`[warning] durable: lost partition ${partition} (${why})`);
    this.#handlers.lost(partition);
  }
}
