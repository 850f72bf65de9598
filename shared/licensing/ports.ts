/** What license management needs from the outside: its store, the SaaS subscriptions and the catalog. */
import type {
  Consent,
  Deal,
  LicenseAssignment,
  LicenseBatch,
  LicenseGroup,
  LicensePool,
  PoolSnapshot,
  SeatSubscription,
  Stored,
} from './model';

/** One row of a pool-partition transaction: create when `etag` is absent, replace with If-Match, or delete with If-Match. */
export type LicenseWrite =
  | { kind: 'pool'; value: LicensePool; etag?: string }
  | { kind: 'assignment'; value: LicenseAssignment; etag?: string }
  | { kind: 'delete-assignment'; value: LicenseAssignment; etag: string }
  | { kind: 'batch'; value: LicenseBatch; etag?: string }
  | { kind: 'batch-users'; value: { batchId: string; chunk: number; userIds: string[] }; etag?: undefined }
  | { kind: 'group'; value: LicenseGroup; etag?: string }
  /** Upserted (no If-Match): written in the transaction of the pool change it records. */
  | { kind: 'snapshot'; value: PoolSnapshot; etag?: undefined }
  | { kind: 'deal'; value: Deal; etag?: string }
  | { kind: 'consent'; value: Consent; etag?: string };

export interface LicenseStore {
  getPool(tenantId: string, skuId: string): Promise<Stored<LicensePool> | undefined>;
  listPools(tenantId: string): Promise<Stored<LicensePool>[]>;
  getAssignment(tenantId: string, skuId: string, userId: string): Promise<Stored<LicenseAssignment> | undefined>;
  listAssignments(tenantId: string, skuId: string): Promise<Stored<LicenseAssignment>[]>;
  /** Every pool of the publisher's plans, across tenants (the report). */
  listPoolsOf(publisherId: string): Promise<LicensePool[]>;
  listSnapshotsOf(publisherId: string): Promise<PoolSnapshot[]>;
  getDeal(tenantId: string, dealId: string): Promise<Stored<Deal> | undefined>;
  getConsent(tenantId: string, publisherId: string): Promise<Stored<Consent> | undefined>;
  /** Index rows (deal id → tenant, invitation id → tenant and publisher), written before the rows they point to. */
  putIndex(name: 'deal' | 'invitation', id: string, value: { tenantId: string; publisherId?: string }): Promise<void>;
  getIndex(name: 'deal' | 'invitation', id: string): Promise<{ tenantId: string; publisherId?: string } | undefined>;
  getBatch(tenantId: string, batchId: string): Promise<Stored<LicenseBatch> | undefined>;
  batchUsers(tenantId: string, batchId: string, chunk: number): Promise<string[] | undefined>;
  /** The tenant of a batch (an index row written before the batch). */
  tenantOfBatch(batchId: string): Promise<string | undefined>;
  indexBatch(batchId: string, tenantId: string): Promise<void>;
  getGroup(tenantId: string, groupId: string): Promise<Stored<LicenseGroup> | undefined>;
  /** Whether the simulated approval of the user's assignments fails (an operator-set fault, [000:195]). */
  approvalFails(tenantId: string, userId: string): Promise<boolean>;
  setApprovalFault(tenantId: string, userId: string, fail: boolean): Promise<void>;
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
  ): Promise<
    { licenseManaged: boolean; perUser: boolean; allowInstallWithoutLicense: boolean; planName?: string; offerTitle?: string } | undefined
  >;
}

/** Starts (or restarts) the bulk orchestration of a committed batch. */
export interface BulkHandoff {
  start(ref: BulkRef): Promise<void>;
}

export interface BulkRef {
  tenantId: string;
  batchId: string;
  generation: number;
  chunks: number;
}
