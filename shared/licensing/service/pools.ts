/**
 * A tenant's license pools with their live seat counts (B1.8 `GET /api/licensing/tenants/{tenantId}/pools`): the
 * tenant's license administrators see all of them, a publisher only the pools of its own offers.
 */
import { ForbiddenError } from '../../errors';
import type { LicenseCaller, LicensePool } from '../model';
import type { LicenseStore, SeatSources } from '../ports';
import { isLicenseAdmin } from '../rules/roles';
import { poolStatus, type PoolStatus } from './pool-status';

export class ListPools {
  constructor(private readonly deps: { store: LicenseStore; sources: SeatSources }) {}

  async list(caller: LicenseCaller, tenantId: string): Promise<{ pool: LicensePool; status: PoolStatus }[]> {
    const tenant = tenantId.toLowerCase();
    if (caller.kind === 'customer' && (caller.tenantId.toLowerCase() !== tenant || !isLicenseAdmin(caller.roles))) {
      throw new ForbiddenError("Only the tenant's license administrators can list its license pools.");
    }
    const pools = (await this.deps.store.listPools(tenant)).map((p) => p.value);
    const visible = caller.kind === 'publisher' ? pools.filter((p) => p.publisherId === caller.publisherId) : pools;
    const out: { pool: LicensePool; status: PoolStatus }[] = [];
    for (const pool of visible) out.push({ pool, status: await poolStatus(pool, this.deps.sources) });
    return out;
  }
}
