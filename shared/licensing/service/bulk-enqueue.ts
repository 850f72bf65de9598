/**
 * Bulk and group assignment and unassignment (B1.4; DEC-L9–DEC-L12; decision 0804): one request reserves the seats
 * of every user who needs one, atomically with the batch (pool row If-Match, the batch header and its user chunks in
 * one transaction), or is refused whole with 60012 when they do not fit: the caller then sends a subset. Each user
 * is then `PendingAssign` (displayed Pending) until the durable workflow processes them. Removals mark held seats
 * `PendingRemoval`. The answer is 202 with one item per user.
 */
import { randomUUID } from 'node:crypto';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../errors';
import type { Faults } from '../../faults';
import type { LicenseAssignment, LicenseBatch, LicenseCaller, LicensePool, Stored } from '../model';
import type { BulkHandoff, LicenseStore, LicenseWrite, SeatSources } from '../ports';
import { BATCH_CHUNK, chunks, MAX_BATCH_USERS, planAssign, planUnassign } from '../rules/bulk';
import { notEnoughSeats, skuNotSubscribed } from '../rules/errors';
import { administers } from '../rules/roles';
import { isGuid, parseServiceId, skuIdOf } from '../rules/sku';
import { poolStatus } from './pool-status';

/** Crash point: the batch is committed, its rows and its orchestration not written/started yet. */
export const BULK_BEFORE_HANDOFF = 'licensing.bulk.before-handoff';

export interface BulkRequest {
  userIds?: string[];
  groupId?: string;
  subset?: string[];
}

export interface EnqueueBulkDeps {
  store: LicenseStore;
  sources: SeatSources;
  faults: Faults;
  handoff: BulkHandoff;
  now: () => Date;
  newId?: () => string;
}

export class EnqueueBulk {
  constructor(private readonly deps: EnqueueBulkDeps) {}

  async assign(caller: LicenseCaller, tenantId: string, serviceId: string, request: BulkRequest): Promise<LicenseBatch> {
    const { tenant, skuId } = this.#target(caller, tenantId, serviceId);
    const users = await this.#users(tenant, request);
    const batchId = (this.deps.newId ?? randomUUID)();
    await this.deps.store.indexBatch(batchId, tenant);
    for (let attempt = 0; attempt < 100; attempt += 1) {
      const pool = await this.#pool(tenant, skuId);
      const rows = await this.#rows(tenant, skuId);
      const plan = planAssign(users, rows.map, pool.value.epoch);
      const status = await poolStatus(pool.value, this.deps.sources);
      if (plan.queue.length > status.available) throw notEnoughSeats(plan.queue.length, status.available);
      const batch = this.#batch(batchId, tenant, pool.value, 'assign', [...plan.queue, ...plan.requeue], plan.skipped, request.groupId);
      const reserved: LicensePool = { ...pool.value, reserved: pool.value.reserved + plan.queue.length };
      const writes: LicenseWrite[] = [
        { kind: 'pool', value: reserved, etag: pool.etag },
        ...this.#header(batch, [...plan.queue, ...plan.requeue]),
      ];
      if ((await this.deps.store.commit(tenant, writes)) !== 'ok') continue;
      const queued = plan.queue.map((userId) => ({ row: this.#row(tenant, skuId, userId, 'PendingAssign', pool.value.epoch, batchId) }));
      const requeued = plan.requeue.map((userId) => {
        const current = rows.stored.get(userId) as Stored<LicenseAssignment>;
        return {
          row: { ...current.value, state: 'PendingAssign' as const, batchId, updatedAt: this.deps.now().toISOString() },
          etag: current.etag,
        };
      });
      await this.#writeRows(tenant, [...queued, ...requeued]);
      await this.#handoff(batch);
      return batch;
    }
    throw new ConflictError('The license pool changed too often while this request ran; retry it.', 'LicensePoolConflict');
  }

  async unassign(caller: LicenseCaller, tenantId: string, serviceId: string, request: BulkRequest): Promise<LicenseBatch> {
    const { tenant, skuId } = this.#target(caller, tenantId, serviceId);
    const users = await this.#users(tenant, request);
    const batchId = (this.deps.newId ?? randomUUID)();
    await this.deps.store.indexBatch(batchId, tenant);
    const pool = await this.#pool(tenant, skuId);
    const rows = await this.#rows(tenant, skuId);
    const plan = planUnassign(users, rows.map, pool.value.epoch);
    const batch = this.#batch(batchId, tenant, pool.value, 'unassign', plan.remove, plan.skipped, request.groupId);
    if ((await this.deps.store.commit(tenant, this.#header(batch, plan.remove))) !== 'ok') {
      throw new ConflictError('The batch could not be stored; retry the request.', 'LicenseBatchConflict');
    }
    await this.#writeRows(
      tenant,
      plan.remove.map((userId) => {
        const current = rows.stored.get(userId) as Stored<LicenseAssignment>;
        return {
          row: { ...current.value, state: 'PendingRemoval' as const, batchId, updatedAt: this.deps.now().toISOString() },
          etag: current.etag,
        };
      }),
    );
    await this.#handoff(batch);
    return batch;
  }

  #target(caller: LicenseCaller, tenantId: string, serviceId: string) {
    if (!administers(caller, tenantId)) throw new ForbiddenError("Only the tenant's license administrators can assign its licenses.");
    if (!parseServiceId(serviceId)) throw new NotFoundError(`Service ID ${serviceId} is not a plan of a live offer.`, 'ServiceNotFound');
    return { tenant: tenantId.toLowerCase(), skuId: skuIdOf(serviceId) };
  }

  async #pool(tenant: string, skuId: string): Promise<Stored<LicensePool>> {
    const pool = await this.deps.store.getPool(tenant, skuId);
    if (!pool) throw skuNotSubscribed(tenant, skuId);
    return pool;
  }

  async #rows(tenant: string, skuId: string) {
    const stored = new Map((await this.deps.store.listAssignments(tenant, skuId)).map((r) => [r.value.userId, r]));
    return { stored, map: new Map([...stored].map(([user, r]) => [user, r.value])) };
  }

  async #users(tenant: string, request: BulkRequest): Promise<string[]> {
    let users: string[];
    if (request.groupId !== undefined) {
      const group = await this.deps.store.getGroup(tenant, request.groupId);
      if (!group) throw new NotFoundError(`Group ${request.groupId} was not found in the tenant.`, 'GroupNotFound');
      const members = new Set(group.value.members);
      const outside = (request.subset ?? []).map((u) => u.toLowerCase()).filter((u) => !members.has(u));
      if (outside.length > 0) {
        throw new ValidationError(
          `The subset names users who are not members of group ${request.groupId}: ${outside.join(', ')}.`,
          [],
          'SubsetNotInGroup',
        );
      }
      users = request.subset ?? group.value.members;
    } else {
      if (request.subset !== undefined) throw new ValidationError('A subset needs a groupId.', [], 'InvalidBulkRequest');
      users = request.userIds ?? [];
    }
    users = [...new Set(users.map((u) => u.toLowerCase()))];
    if (users.length === 0) throw new ValidationError('Name at least one user (userIds) or a group (groupId).', [], 'InvalidBulkRequest');
    if (users.length > MAX_BATCH_USERS)
      throw new ValidationError(`A request names at most ${MAX_BATCH_USERS} users.`, [], 'InvalidBulkRequest');
    const bad = users.filter((u) => !isGuid(u));
    if (bad.length > 0) throw new ValidationError(`User ids must be GUIDs: ${bad.slice(0, 5).join(', ')}.`, [], 'InvalidBulkRequest');
    return users;
  }

  #batch(
    batchId: string,
    tenantId: string,
    pool: LicensePool,
    kind: LicenseBatch['kind'],
    users: string[],
    skipped: string[],
    groupId?: string,
  ): LicenseBatch {
    return {
      batchId,
      tenantId,
      skuId: pool.skuId,
      serviceId: pool.serviceId,
      kind,
      total: users.length,
      chunks: Math.ceil(users.length / BATCH_CHUNK),
      generation: 0,
      createdAt: this.deps.now().toISOString(),
      ...(groupId !== undefined ? { groupId } : {}),
      skipped,
    };
  }

  #header(batch: LicenseBatch, users: string[]): LicenseWrite[] {
    // The skipped users go to chunk rows after the users' own (a header with 20,000 ids would not fit in one row).
    const skipped = chunks(batch.skipped, BATCH_CHUNK);
    return [
      { kind: 'batch', value: { ...batch, skipped: [], skippedChunks: skipped.length } },
      ...[...chunks(users, BATCH_CHUNK), ...skipped].map((userIds, chunk) => ({
        kind: 'batch-users' as const,
        value: { batchId: batch.batchId, chunk, userIds },
      })),
    ];
  }

  #row(
    tenantId: string,
    skuId: string,
    userId: string,
    state: LicenseAssignment['state'],
    epoch: number,
    batchId: string,
  ): LicenseAssignment {
    return { tenantId, skuId, userId, state, epoch, batchId, updatedAt: this.deps.now().toISOString() };
  }

  /** Best effort: the workflow writes any row missing here (assignStep `create-*`), and ignores rows someone changed. */
  async #writeRows(tenant: string, rows: { row: LicenseAssignment; etag?: string }[]): Promise<void> {
    for (const group of chunks(rows, 100)) {
      const writes: LicenseWrite[] = group.map((r) => ({ kind: 'assignment', value: r.row, ...(r.etag ? { etag: r.etag } : {}) }));
      if ((await this.deps.store.commit(tenant, writes)) === 'ok') continue;
      for (const write of writes) await this.deps.store.commit(tenant, [write]);
    }
  }

  async #handoff(batch: LicenseBatch): Promise<void> {
    await this.deps.faults.reach(BULK_BEFORE_HANDOFF);
    await this.deps.handoff.start({ tenantId: batch.tenantId, batchId: batch.batchId, generation: batch.generation, chunks: batch.chunks });
  }
}
