/**
 * The bulk workflow's activity (decision 0804): processes one chunk of a batch, at most 99 users per transaction
 * with the pool row (If-Match). Each user's assignment is settled by `assignStep`/`unassignStep`: queued rows become
 * Active or, when the simulated approval fails ([000:190-198]), FailedAssign with their seat still reserved.
 * Idempotent: a run again after a crash finds its users already settled and skips them.
 */
import { mapLimit } from '../../concurrency';
import type { LicenseAssignment, LicenseBatch, LicensePool, Stored } from '../model';
import type { LicenseStore, LicenseWrite, SeatSources } from '../ports';
import { assignStep, chunks, ROWS_PER_TRANSACTION, unassignStep } from '../rules/bulk';
import { poolStatus, snapshotWrite } from './pool-status';

export interface ChunkRef {
  tenantId: string;
  batchId: string;
  chunk: number;
}

/** Reads of one group run at most this many at a time. */
const READ_CONCURRENCY = 16;

export class ProcessBulk {
  constructor(private readonly deps: { store: LicenseStore; sources: SeatSources; now: () => Date }) {}

  async chunk(ref: ChunkRef): Promise<{ settled: number }> {
    const { store } = this.deps;
    const batch = await store.getBatch(ref.tenantId, ref.batchId);
    const users = batch ? await store.batchUsers(ref.tenantId, ref.batchId, ref.chunk) : undefined;
    if (!batch || !users) return { settled: 0 };
    let settled = 0;
    for (const group of chunks(users, ROWS_PER_TRANSACTION)) settled += await this.#group(batch.value, group);
    return { settled };
  }

  async #group(batch: LicenseBatch, users: string[]): Promise<number> {
    const { store } = this.deps;
    for (let attempt = 0; attempt < 1000; attempt += 1) {
      const pool = await store.getPool(batch.tenantId, batch.skuId);
      if (!pool) return 0;
      const rows = await mapLimit(users, READ_CONCURRENCY, async (userId) => ({
        userId,
        row: await store.getAssignment(batch.tenantId, batch.skuId, userId),
        fails: await store.approvalFails(batch.tenantId, userId),
      }));
      const { writes, next, settled } = this.#plan(batch, pool, rows);
      const changed = next.assigned !== pool.value.assigned || next.reserved !== pool.value.reserved;
      const snapshot = changed ? [snapshotWrite(next, await poolStatus(next, this.deps.sources), this.deps.now())] : [];
      const all: LicenseWrite[] = [...(changed ? [{ kind: 'pool' as const, value: next, etag: pool.etag }] : []), ...writes, ...snapshot];
      if (all.length === 0 || (await store.commit(batch.tenantId, all)) === 'ok') return settled;
    }
    throw new Error(`batch ${batch.batchId}: the pool kept changing; the activity is retried`);
  }

  #plan(
    batch: LicenseBatch,
    pool: Stored<LicensePool>,
    rows: { userId: string; row: Stored<LicenseAssignment> | undefined; fails: boolean }[],
  ) {
    const next: LicensePool = { ...pool.value };
    const writes: LicenseWrite[] = [];
    const at = this.deps.now().toISOString();
    let settled = 0;
    const row = (userId: string, state: LicenseAssignment['state'], extra: Partial<LicenseAssignment> = {}): LicenseAssignment => ({
      tenantId: batch.tenantId,
      skuId: batch.skuId,
      userId,
      state,
      epoch: pool.value.epoch,
      batchId: batch.batchId,
      updatedAt: at,
      ...extra,
    });
    for (const { userId, row: current, fails } of rows) {
      const etag = current ? { etag: current.etag } : {};
      if (batch.kind === 'assign') {
        const step = assignStep(current?.value, pool.value.epoch, batch.batchId, !fails);
        if (step === 'skip') continue;
        settled += 1;
        if (step === 'release') next.reserved -= 1;
        else if (step === 'activate' || step === 'create-active') {
          next.reserved -= 1;
          next.assigned += 1;
          writes.push({ kind: 'assignment', value: row(userId, 'Active'), ...etag });
        } else {
          writes.push({ kind: 'assignment', value: row(userId, 'FailedAssign', { lastError: 'ApprovalFailed' }), ...etag });
        }
      } else {
        const step = unassignStep(current?.value, pool.value.epoch, batch.batchId, !fails);
        if (step === 'skip' || !current) continue;
        settled += 1;
        if (step === 'remove') {
          next.assigned -= 1;
          writes.push({ kind: 'delete-assignment', value: current.value, etag: current.etag });
        } else {
          writes.push({ kind: 'assignment', value: row(userId, 'FailedRemoval', { lastError: 'ApprovalFailed' }), etag: current.etag });
        }
      }
    }
    return { writes, next, settled };
  }
}
