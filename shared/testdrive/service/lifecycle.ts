/**
 * Moving one instance along its lifecycle (spec 3.2), shared by the drive's orchestration, the pool manager, the
 * customer's reads and the cleanup: ask the provider where the instance's operation stands (beginning it if it is
 * not under way) and record the next state with a conditional update. Whoever loses a race re-reads; nothing is
 * decided from a stale read. A provision that fails is retried with backoff in the same resource group and given
 * up after MAX_PROVISION_ATTEMPTS; a bound instance that is given up ends its drive as failed.
 * Deleting: only the writer that moves the instance to Deprovisioning asks the provider to delete it, so each
 * instance is deleted once, however many timers and cleanups race (the stuck-delete re-drive asks again only after
 * the delete time-out, and the provider's delete of a group being deleted does nothing).
 */
import type { Clock } from '../../clock';
import type { Faults } from '../../faults';
import type { Drive, Instance, TestDriveConfig } from '../model';
import type { GroupRef, InstanceProvider, PoolRef, Stored, TestDriveStore } from '../ports';
import { readyKeyOf } from '../rules/ids';
import { expiresAt, MAX_PROVISION_ATTEMPTS, provisionBackoffMs } from '../rules/lifetime';
import { outputsAsStrings, parameterValues } from '../rules/template';

/** Crash points (CRASH_AT): an instance moved to Deprovisioning before its delete was asked for. */
export const FAULT_BEFORE_DELETE = 'testdrive.deprovision.before-delete';
/** Interleaving point: the drive is read, its end not committed yet (a read-then-write end would delete twice). */
export const FAULT_BEFORE_END = 'testdrive.end.before-commit';

export interface LifecycleDeps {
  store: TestDriveStore;
  provider: InstanceProvider;
  clock: Clock;
  faults: Faults;
  /** The base URI of an offer version's package (`baseuri` parameters, L3441). */
  baseUri: (pool: PoolRef, version: number) => string;
}

export class InstanceLifecycle {
  readonly #deps: LifecycleDeps;

  constructor(deps: LifecycleDeps) {
    this.#deps = deps;
  }

  #now(): string {
    return this.#deps.clock.now().toISOString();
  }

  /** One step of an instance that is waiting on the provider; returns the instance as it now stands. */
  async progress(stored: Stored<Instance>, config: TestDriveConfig | undefined): Promise<Stored<Instance>> {
    const { provider } = this.#deps;
    const i = stored.value;
    switch (i.state) {
      case 'Provisioning': {
        if (i.retryAt && Date.parse(i.retryAt) > this.#deps.clock.now().getTime()) return stored;
        if (!config) return this.deprovision(stored);
        const status = await provider.deploy(this.#deployRequest(i, config), { retry: i.retryAt !== undefined });
        if (status.state === 'running') return i.retryAt ? this.#write(stored, { ...i, retryAt: undefined }) : stored;
        if (status.state === 'failed') return this.#failedProvision(stored, status.error);
        const outputs = outputsAsStrings(status.outputs ?? {});
        const base = { ...i, outputs, retryAt: undefined, lastError: undefined, stateAt: this.#now() };
        if (i.driveId) return this.#activate(stored, { ...base, state: 'InUse' });
        if (i.purpose === 'warm') return this.#write(stored, { ...base, state: 'Stopping' });
        return this.#write(stored, { ...base, state: 'ReadyHot', readyAt: this.#now() });
      }
      case 'Stopping': {
        const status = await provider.stop(groupOf(i, config));
        if (status.state === 'running') return stored;
        if (status.state === 'failed') return this.deprovision(stored, status.error);
        if (i.driveId) return this.#write(stored, { ...i, state: 'Starting', stateAt: this.#now() });
        return this.#write(stored, { ...i, state: 'ReadyWarm', readyAt: this.#now(), stateAt: this.#now() });
      }
      case 'Starting': {
        const status = await provider.start(groupOf(i, config));
        if (status.state === 'running') return stored;
        if (status.state === 'failed') return this.#giveUp(stored, status.error);
        return this.#activate(stored, { ...i, state: 'InUse', stateAt: this.#now() });
      }
      case 'Deprovisioning':
        return this.#finishDelete(stored);
      default:
        return stored;
    }
  }

  #deployRequest(i: Instance, config: TestDriveConfig) {
    return {
      region: i.region,
      ...groupOf(i, config),
      template: config.template,
      parameters: parameterValues(config.parameters, {
        baseUri: this.#deps.baseUri(i, i.version),
        username: i.username,
        password: i.password,
        sessionId: i.sessionId,
      }),
      tags: { testDriveInstanceId: i.instanceId, testDrivePublisherId: i.publisherId, testDriveOfferId: i.offerId },
    };
  }

  async #write(stored: Stored<Instance>, next: Instance): Promise<Stored<Instance>> {
    const etag = await this.#deps.store.updateInstance(next, stored.etag);
    if (etag) return { value: next, etag };
    return (await this.#deps.store.getInstance(next, next.instanceId)) ?? stored;
  }

  async #failedProvision(stored: Stored<Instance>, error: string): Promise<Stored<Instance>> {
    const i = stored.value;
    const attempts = i.attempts + 1;
    if (attempts >= MAX_PROVISION_ATTEMPTS) return this.#giveUp({ ...stored, value: { ...i, attempts } }, error);
    const retryAt = new Date(this.#deps.clock.now().getTime() + provisionBackoffMs(attempts)).toISOString();
    return this.#write(stored, { ...i, attempts, retryAt, lastError: error });
  }

  /** An instance that cannot be made ready: its drive (if bound) ends as failed, the instance is deleted. */
  async #giveUp(stored: Stored<Instance>, error: string): Promise<Stored<Instance>> {
    const i = stored.value;
    if (!i.driveId) return this.deprovision(stored, error);
    const drive = await this.#deps.store.getDrive(i, i.driveId);
    if (!drive || drive.value.state === 'Ended') return this.deprovision(stored, error);
    return (await this.endDrive(drive, 'failed', customerKeyOf(drive.value), error)) ?? stored;
  }

  /** The bound instance is ready: the instance InUse and the drive Active (expiry from now, G5), in one transaction. */
  async #activate(stored: Stored<Instance>, next: Instance): Promise<Stored<Instance>> {
    const { store, clock } = this.#deps;
    const drive = await store.getDrive(next, next.driveId);
    if (!drive || drive.value.state === 'Ended') return this.deprovision(stored);
    const now = clock.now();
    const active: Drive = { ...drive.value, state: 'Active', activeAt: now.toISOString(), expiresAt: expiresAt(now, drive.value.durationHours).toISOString() };
    if (await store.updateBoth(active, drive.etag, next, stored.etag)) {
      return (await store.getInstance(next, next.instanceId)) ?? { value: next, etag: stored.etag };
    }
    return (await store.getInstance(next, next.instanceId)) ?? stored;
  }

  /**
   * Ends a drive (expiry, the customer, a failure) and moves its instance to Deprovisioning in one transaction,
   * then asks for the delete. Undefined when the drive had already ended (someone else did it: nothing to do).
   */
  async endDrive(drive: Stored<Drive>, reason: 'expired' | 'user' | 'failed', customerKey: string, error?: string): Promise<Stored<Instance> | undefined> {
    const { store } = this.#deps;
    let current: Stored<Drive> | undefined = drive;
    for (let round = 0; round < 5 && current && current.value.state !== 'Ended'; round += 1) {
      const d: Drive = current.value;
      const instance = await store.getInstance(d, d.instanceId);
      const ended: Drive = { ...d, state: 'Ended', endedAt: this.#now(), endReason: reason };
      const leaving =
        instance && instance.value.state !== 'Deprovisioning' && instance.value.state !== 'Deleted'
          ? { value: { ...instance.value, state: 'Deprovisioning' as const, stateAt: this.#now(), ...(error ? { lastError: error } : {}) }, etag: instance.etag }
          : undefined;
      await this.#deps.faults.reach(FAULT_BEFORE_END);
      if (await store.endDrive(ended, current.etag, customerKey, leaving)) {
        if (!leaving) return instance;
        await this.#deps.faults.reach(FAULT_BEFORE_DELETE);
        return this.#finishDelete({ value: leaving.value, etag: (await store.getInstance(d, d.instanceId))?.etag ?? '' });
      }
      current = await store.getDrive(d, d.driveId);
    }
    return undefined;
  }

  /** Moves an unbound or failed instance to Deprovisioning (conditionally) and asks for its delete. */
  async deprovision(stored: Stored<Instance>, error?: string): Promise<Stored<Instance>> {
    const { store } = this.#deps;
    const i = stored.value;
    if (i.state === 'Deprovisioning' || i.state === 'Deleted') return stored;
    const next: Instance = { ...i, state: 'Deprovisioning', stateAt: this.#now(), standbySlot: '', ...(error ? { lastError: error } : {}) };
    const ready = readyKeyOf(i);
    const won =
      i.standbySlot || ready ? await store.leaveStandby(next, stored.etag, i.standbySlot, ready) : (await store.updateInstance(next, stored.etag)) !== undefined;
    const fresh = await store.getInstance(i, i.instanceId);
    if (!won || !fresh) return fresh ?? stored;
    await this.#deps.faults.reach(FAULT_BEFORE_DELETE);
    return this.#finishDelete(fresh);
  }

  /** Asks the provider to delete (idempotent) and, once the group is gone, records Deleted and frees the slot. */
  async #finishDelete(stored: Stored<Instance>): Promise<Stored<Instance>> {
    const status = await this.#deps.provider.delete(groupOf(stored.value));
    if (status.state !== 'succeeded') return stored;
    const deleted: Instance = { ...stored.value, state: 'Deleted', stateAt: this.#now(), deletedAt: this.#now(), standbySlot: '' };
    if (await this.#deps.store.markDeleted(deleted, stored.etag)) return (await this.#deps.store.getInstance(deleted, deleted.instanceId)) ?? stored;
    return (await this.#deps.store.getInstance(deleted, deleted.instanceId)) ?? stored;
  }
}

/**
 * Where the instance's group lives: the subscription recorded with it (decision 0711), else (a row from before it
 * was recorded) its version's deployment subscription when the caller has the configuration.
 */
export function groupOf(i: Instance, config?: TestDriveConfig): GroupRef {
  const subscriptionId = i.subscriptionId ?? config?.azureSubscriptionId;
  return { resourceGroup: i.resourceGroup, ...(subscriptionId ? { subscriptionId } : {}) };
}

/** The customer's active-drive row key: the signed-in tenant and object id. */
export function customerKeyOf(drive: Pick<Drive, 'customer'>): string {
  return `${drive.customer.tenantId}|${drive.customer.objectId}`;
}
