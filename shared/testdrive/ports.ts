/**
 * What the test drive use cases need from outside: the live offer's test drive, the pool store (one partition per
 * offer: instances, slots, drives and customers' active drives, changed by conditional updates and transactions),
 * the instance provider, the lead capability and the hand-over to a drive's orchestration.
 */
import type { Drive, Instance, OfferTestDrive, TestDriveConfig, UserDetails } from './model';

export interface Stored<T> {
  value: T;
  etag: string;
}

export interface TestDriveOffers {
  /** The production version's test drive (its configuration validated, secrets opened). */
  live(publisherId: string, offerId: string): Promise<OfferTestDrive>;
  /** The test drive configuration of a frozen version (instances and drives keep the version they started on). */
  configAt(publisherId: string, offerId: string, version: number): Promise<TestDriveConfig | undefined>;
}

export interface PoolRef {
  publisherId: string;
  offerId: string;
}

/** Outcomes of a claim: the drive was committed with the instance (its row's ETag), another request won it, or this customer already has a drive. */
export type ClaimOutcome = { claimed: string } | 'lost' | { existing: string };

export interface TestDriveStore {
  /** Pools the pool manager and the cleanup visit (registered when the capability first sees the offer). */
  registerPool(pool: PoolRef): Promise<void>;
  pools(): Promise<PoolRef[]>;
  instances(pool: PoolRef): Promise<Stored<Instance>[]>;
  drives(pool: PoolRef): Promise<Stored<Drive>[]>;
  getInstance(pool: PoolRef, instanceId: string): Promise<Stored<Instance> | undefined>;
  getDrive(pool: PoolRef, driveId: string): Promise<Stored<Drive> | undefined>;
  /** The drive a customer holds on the offer (until it ends), if any. */
  activeDriveOf(pool: PoolRef, customerKey: string): Promise<string | undefined>;
  /**
   * The ready index (decision 0706): instance ids of the first `limit` rows whose key starts with `prefix`
   * (`<hot|warm>|<version>|<region>|`), oldest instance first; with no prefix every key of the pool.
   */
  readyIds(pool: PoolRef, prefix: string, limit: number): Promise<string[]>;
  readyKeys(pool: PoolRef): Promise<string[]>;
  /** The capacity slots held now (`<region>|<n>`). */
  capacitySlots(pool: PoolRef): Promise<string[]>;
  /** Removes a ready index row that names no ready instance (a repair; absent rows are fine). */
  dropReady(pool: PoolRef, key: string): Promise<void>;
  /** Inserts a new standby instance with its capacity and standby slots; false when a slot is taken. */
  createInstance(instance: Instance): Promise<boolean>;
  /**
   * One transaction: the instance updated to `claimed` if it still has `etag` (its standby slot released), the
   * drive inserted and the customer's active-drive row inserted; `readyKey`: its ready index row deleted too. A cold
   * claim (`etag` undefined) inserts the instance with its capacity slot instead.
   */
  claim(claimed: Instance, etag: string | undefined, drive: Drive, customerKey: string, readyKey?: string): Promise<ClaimOutcome>;
  /** Conditional replace (with the ready index row upserted when the instance becomes ready); the new ETag, or undefined when the row changed. */
  updateInstance(instance: Instance, etag: string): Promise<string | undefined>;
  /** One transaction: drive and instance, both conditional. */
  updateBoth(drive: Drive, driveEtag: string, instance: Instance, instanceEtag: string): Promise<boolean>;
  /** Conditional replace of a drive. */
  updateDrive(drive: Drive, etag: string): Promise<boolean>;
  /** One transaction: the drive ended, the customer's active-drive row removed, the instance (if any) updated. */
  endDrive(drive: Drive, driveEtag: string, customerKey: string, instance?: { value: Instance; etag: string }): Promise<boolean>;
  /** One transaction: an unbound standby instance updated (drained), its standby slot released and its ready index row (if any) deleted. */
  leaveStandby(instance: Instance, etag: string, slot: string, readyKey?: string): Promise<boolean>;
  /** One transaction: the instance Deleted (conditional) and its capacity slot released. */
  markDeleted(instance: Instance, etag: string): Promise<boolean>;
  /** Deletes ended drives' and deleted instances' rows (terminal: nothing writes them again); how many went. */
  purge(pool: PoolRef, rows: { kind: 'drive' | 'instance'; id: string }[]): Promise<number>;
  /** The cleanup's last report (operators read it on the admin route). */
  saveReport(report: object): Promise<void>;
  lastReport(): Promise<object | undefined>;
}

export type OpStatus = { state: 'running' } | { state: 'succeeded'; outputs?: Record<string, unknown> } | { state: 'failed'; error: string };

export interface DeployRequest {
  resourceGroup: string;
  region: string;
  subscriptionId?: string;
  template: Record<string, unknown>;
  parameters: Record<string, { value: string }>;
  /** Tags that make the resource group ours (orphans are recognised by them; untagged groups are never touched). */
  tags: Record<string, string>;
}

/**
 * An instance's resource group and the subscription it was deployed to (recorded with the instance, decision 0711),
 * so that a stop, start or delete after a restart reaches the right subscription. Absent on rows older than that.
 */
export interface GroupRef {
  resourceGroup: string;
  subscriptionId?: string;
}

/** A resource group the provider holds with our tags. */
export interface OwnedGroup extends GroupRef {
  instanceId: string;
  publisherId: string;
  offerId: string;
}

/**
 * Instances' infrastructure. Every call is idempotent for its resource group: it begins the operation if it is not
 * under way and reports where it stands (long-running operations are polled by calling again).
 */
export interface InstanceProvider {
  /** `retry`: begin a new deployment when the last one failed. */
  deploy(request: DeployRequest, options?: { retry?: boolean }): Promise<OpStatus>;
  /** Stops (deallocates) the group's compute: a warm instance costs only its storage (decision 0710). */
  stop(group: GroupRef): Promise<OpStatus>;
  start(group: GroupRef): Promise<OpStatus>;
  /** Deletes the resource group; `succeeded` once it is gone (also when it never existed). */
  delete(group: GroupRef): Promise<OpStatus>;
  /** Our groups in `subscriptions` (the ones pools and live offers name) and any the provider is configured with. */
  listOwned(subscriptions: string[]): Promise<OwnedGroup[]>;
}

/** The lead of an accepted drive, captured through the leads capability (one per drive: keyed by the drive id). */
export interface DriveLeads {
  capture(drive: Drive, details: { userDetails: UserDetails; description: string }): Promise<string>;
}

/** Starts a drive's orchestration (its durable timer ends the drive); best effort, the cleanup covers a miss. */
export interface SessionStarter {
  start(driveId: string): Promise<void>;
}
