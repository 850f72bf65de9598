/**
 * A batch's progress and its retry (B1.4; decision 0804): `GET /api/licensing/batches/{batchId}` lists one item per
 * user with the state of their assignment row (Pending while queued or failed, `retryable` for failed ones);
 * `POST …/retry` queues the failed ones again (their seats are still reserved) and starts a new generation of the
 * workflow, which also finishes a batch whose workflow never started.
 */
import { ForbiddenError, NotFoundError } from '../../errors';
import type { LicenseAssignment, LicenseBatch, LicenseCaller } from '../model';
import type { BulkHandoff, LicenseStore, LicenseWrite } from '../ports';
import { batchItem, chunks, type BatchItem } from '../rules/bulk';
import { administers } from '../rules/roles';

export interface BatchView {
  batch: LicenseBatch;
  items: BatchItem[];
}

export class BatchStatus {
  constructor(private readonly deps: { store: LicenseStore; handoff: BulkHandoff; now: () => Date }) {}

  async get(caller: LicenseCaller, batchId: string): Promise<BatchView> {
    const batch = await this.#batch(caller, batchId);
    const rows = new Map((await this.deps.store.listAssignments(batch.tenantId, batch.skuId)).map((r) => [r.value.userId, r.value]));
    const pool = await this.deps.store.getPool(batch.tenantId, batch.skuId);
    const epoch = pool?.value.epoch ?? 0;
    const items: BatchItem[] = [];
    for (let chunk = 0; chunk < batch.chunks; chunk += 1) {
      for (const userId of (await this.deps.store.batchUsers(batch.tenantId, batchId, chunk)) ?? []) {
        items.push(batchItem(userId, rows.get(userId), epoch, batch.kind));
      }
    }
    return { batch, items };
  }

  async retry(caller: LicenseCaller, batchId: string): Promise<BatchView> {
    const batch = await this.#batch(caller, batchId);
    const failed = batch.kind === 'assign' ? 'FailedAssign' : 'FailedRemoval';
    const pending = batch.kind === 'assign' ? 'PendingAssign' : 'PendingRemoval';
    const rows = (await this.deps.store.listAssignments(batch.tenantId, batch.skuId)).filter(
      (r) => r.value.batchId === batchId && r.value.state === failed,
    );
    for (const group of chunks(rows, 100)) {
      const writes: LicenseWrite[] = group.map((r) => {
        const { lastError: _dropped, ...rest } = r.value;
        const value: LicenseAssignment = { ...rest, state: pending, updatedAt: this.deps.now().toISOString() };
        return { kind: 'assignment', value, etag: r.etag };
      });
      // A row changed meanwhile (removed, assigned by another request) is left as it is: processing decides.
      if ((await this.deps.store.commit(batch.tenantId, writes)) !== 'ok')
        for (const w of writes) await this.deps.store.commit(batch.tenantId, [w]);
    }
    const stored = await this.deps.store.getBatch(batch.tenantId, batchId);
    let next = batch;
    if (stored) {
      next = { ...stored.value, generation: stored.value.generation + 1 };
      if ((await this.deps.store.commit(batch.tenantId, [{ kind: 'batch', value: next, etag: stored.etag }])) !== 'ok') {
        next = (await this.deps.store.getBatch(batch.tenantId, batchId))?.value ?? next;
      }
    }
    await this.deps.handoff.start({ tenantId: next.tenantId, batchId, generation: next.generation, chunks: next.chunks });
    return this.get(caller, batchId);
  }

  async #batch(caller: LicenseCaller, batchId: string): Promise<LicenseBatch> {
    const tenant = await this.deps.store.tenantOfBatch(batchId);
    const batch = tenant ? await this.deps.store.getBatch(tenant, batchId) : undefined;
    if (!batch) throw new NotFoundError(`Batch ${batchId} was not found.`, 'BatchNotFound');
    if (!administers(caller, batch.value.tenantId))
      throw new ForbiddenError("Only the tenant's license administrators can see its batches.");
    const skipped: string[] = [...batch.value.skipped];
    for (let chunk = batch.value.chunks; chunk < batch.value.chunks + (batch.value.skippedChunks ?? 0); chunk += 1) {
      skipped.push(...((await this.deps.store.batchUsers(batch.value.tenantId, batchId, chunk)) ?? []));
    }
    return { ...batch.value, skipped };
  }
}
