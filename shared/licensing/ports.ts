/** What license management needs from the outside: its store, the SaaS subscriptions and the catalog. */
import type { LicenseAssignment, LicensePool, SeatSubscription, Stored } from './model';

/** One row of a pool-partition transaction: create when `etag` is absent, replace with If-Match, or delete with If-Match. */
export type LicenseWrite =
  | { kind: 'pool'; value: LicensePool; etag?: string }
  | { kind: 'assignment'; value: LicenseAssignment; etag?: string }
  | { kind: 'delete-assignment'; value: LicenseAssignment; etag: string };

export interface LicenseStore {
  getPool(tenantId: string, skuId: string): Promise<Stored<LicensePool> | undefined>;
  listPools(tenantId: string): Promise<Stored<LicensePool>[]>;
  getAssignment(tenantId: string, skuId: string, userId: string): Promise<Stored<LicenseAssignment> | undefined>;
  listAssignments(tenantId: string, skuId: string): Promise<Stored<LicenseAssignment>[]>;
  /** Every write of one tenant in one transaction: every If-Match holds and every create is new, or nothing is written. */
  commit(tenantId: string, writes: LicenseWrite[]): Promise<'ok' | 'conflict'>;
}

/** The SaaS subscription a pool draws seats from (the SaaS capability's record, seen through the root). */
export interface LinkedSubscription extends SeatSubscription {
  publisherId: string;
  offerId: string;
  planId: string;
  beneficiaryTenantId: string;
}

export interface SeatSources {
  subscription(id: string): Promise<LinkedSubscription | undefined>;
}

/** The catalog's live plan as license management sees it. */
export interface LicensePlans {
  /** Whether the live plan exists and is license-managed or a per-user SaaS plan. */
  plan(
    publisherId: string,
    offerId: string,
    planId: string,
  ): Promise<{ licenseManaged: boolean; perUser: boolean; allowInstallWithoutLicense: boolean } | undefined>;
}
