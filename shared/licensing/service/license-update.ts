/**
 * `POST /v1/customers/{customerId}/users/{userId}/licenseupdates` (seed 003; B1.7; decisions 0801, 0802): assigns and
 * removes one user's licenses, synchronously and atomically. The seat count lives on the pool row; the pool rows
 * and the assignment rows of the request are written in one transaction whose pool writes carry If-Match, so two
 * requests that read the same free seat cannot both commit: the loser re-reads and either finds another seat or
 * answers 60012. Never read-then-write.
 */
import { ConflictError } from '../../errors';
import type { Faults } from '../../faults';
import type { LicenseAssignment, LicenseCaller, LicensePool, LicenseWarning, Stored } from '../model';
import type { LicenseStore, LicenseWrite, SeatSources } from '../ports';
import {
  appOnlyToken,
  conditionalAccess,
  insufficientRole,
  invalidUpdate,
  licenseGroupMismatch,
  outOfLicenses,
  skuNotSubscribed,
} from '../rules/errors';
import { parseLicenseUpdate } from '../rules/license-update';
import { isLicenseAdmin } from '../rules/roles';
import { holdsSeat } from '../rules/seats';
import { isGuid } from '../rules/sku';
import { poolStatus, snapshotWrite } from './pool-status';

export interface LicenseUpdateResult {
  licensesToAssign: { skuId: string }[];
  licensesToRemove: string[];
  licenseWarnings: LicenseWarning[];
}

export interface UpdateLicensesDeps {
  store: LicenseStore;
  sources: SeatSources;
  faults: Faults;
  now: () => Date;
  /** Tenants whose conditional-access policy blocks token issuance (the simulation of [003:142-155]). */
  blockedTenants: readonly string[];
  /** How many times a request re-reads after losing a race before answering 409 (each loss means another request won). */
  maxAttempts?: number;
}

/** Named fault point between the reads and the commit (interleaving tests pause here). */
export const BEFORE_COMMIT = 'licensing.update.before-commit';

export class UpdateLicenses {
  constructor(private readonly deps: UpdateLicensesDeps) {}

  /** Only a user of the customer's own tenant with a license-administering role may call (DEC-L19). */
  authorize(caller: LicenseCaller, customerId: string): void {
    if (caller.kind !== 'customer') throw appOnlyToken();
    if (this.deps.blockedTenants.includes(caller.tenantId.toLowerCase())) throw conditionalAccess();
    if (caller.tenantId.toLowerCase() !== customerId.toLowerCase()) {
      throw insufficientRole('The caller is not a user of the customer tenant.');
    }
    if (!isLicenseAdmin(caller.roles)) {
      throw insufficientRole('The caller needs the License Administrator, User Administrator or Directory Writers role.');
    }
  }

  async apply(caller: LicenseCaller, customerId: string, userId: string, body: unknown): Promise<LicenseUpdateResult> {
    this.authorize(caller, customerId);
    const pathProblems = [
      ...(isGuid(customerId) ? [] : ['customer-id must be a GUID.']),
      ...(isGuid(userId) ? [] : ['user-id must be a GUID.']),
    ];
    if (pathProblems.length > 0) throw invalidUpdate(pathProblems);
    const parsed = parseLicenseUpdate(body);
    if (!parsed.ok) throw invalidUpdate(parsed.problems);
    const tenantId = customerId.toLowerCase();
    const user = userId.toLowerCase();
    const { assign, remove } = parsed.request;
    const attempts = this.deps.maxAttempts ?? 1000;
    for (let attempt = 0; attempt < attempts; attempt += 1) {
      const pools = new Map<string, Stored<LicensePool>>();
      for (const sku of [...assign, ...remove]) {
        const pool = await this.deps.store.getPool(tenantId, sku);
        if (!pool) throw skuNotSubscribed(customerId, sku);
        pools.set(sku, pool);
      }
      const offers = new Set([...pools.values()].map((p) => `${p.value.publisherId}/${p.value.offerId}`));
      if (offers.size > 1) throw licenseGroupMismatch();
      const writes: LicenseWrite[] = [];
      const warnings: LicenseWarning[] = [];
      const updated = new Map([...pools].map(([sku, p]) => [sku, { ...p.value }]));
      for (const sku of assign) {
        const pool = updated.get(sku) as LicensePool;
        const current = await this.deps.store.getAssignment(tenantId, sku, user);
        const live = current && current.value.epoch === pool.epoch ? current.value : undefined;
        if (live?.state === 'Active' || live?.state === 'PendingAssign') continue; // DEC-L13: already held or queued
        if (live && holdsSeat(live.state)) {
          // A removal in flight or failed: the user keeps the seat they hold.
          writes.push({
            kind: 'assignment',
            value: this.assignment(tenantId, sku, user, pool.epoch),
            etag: (current as Stored<LicenseAssignment>).etag,
          });
          continue;
        }
        if (live?.state === 'FailedAssign') {
          pool.reserved -= 1; // the reserved seat becomes the held one
        } else {
          const status = await poolStatus(pool, this.deps.sources);
          if (status.available < 1) throw outOfLicenses(customerId, sku);
        }
        pool.assigned += 1;
        writes.push({
          kind: 'assignment',
          value: this.assignment(tenantId, sku, user, pool.epoch),
          ...(current ? { etag: current.etag } : {}),
        });
      }
      for (const sku of remove) {
        const pool = updated.get(sku) as LicensePool;
        const current = await this.deps.store.getAssignment(tenantId, sku, user);
        if (!current || current.value.epoch !== pool.epoch) {
          warnings.push({ code: 'LicenseNotAssigned', message: `The user does not hold a license of SKU ${sku}.`, servicePlans: [] });
          continue;
        }
        if (holdsSeat(current.value.state)) pool.assigned -= 1;
        else pool.reserved -= 1;
        writes.push({ kind: 'delete-assignment', value: current.value, etag: current.etag });
      }
      for (const [sku, pool] of updated) {
        const before = pools.get(sku) as Stored<LicensePool>;
        if (pool.assigned !== before.value.assigned || pool.reserved !== before.value.reserved) {
          writes.unshift({ kind: 'pool', value: pool, etag: before.etag });
          writes.push(snapshotWrite(pool, await poolStatus(pool, this.deps.sources), this.deps.now()));
        }
      }
      await this.deps.faults.reach(BEFORE_COMMIT);
      if (writes.length === 0 || (await this.deps.store.commit(tenantId, writes)) === 'ok') {
        return { licensesToAssign: assign.map((skuId) => ({ skuId })), licensesToRemove: remove, licenseWarnings: warnings };
      }
    }
    throw new ConflictError('The licenses changed too often while this request ran; retry it.', 'LicenseUpdateConflict');
  }

  private assignment(tenantId: string, skuId: string, userId: string, epoch: number): LicenseAssignment {
    return { tenantId, skuId, userId, state: 'Active', epoch, updatedAt: this.deps.now().toISOString() };
  }
}
