/**
 * The operators' scheduled cleanup (spec 3.5; functions/testdrive-cleanup.ts): for every pool, ends the drives
 * whose expiry has come (their own timer may have been lost in a crash), fails drives and instances stuck past
 * their time-outs, finishes deletes, captures missing leads and reconciles the pool; then deletes orphaned
 * resource groups (ours by their tags, with no live instance) in every subscription a pool's instances or a live
 * offer's test drive names (decision 0711), so none is missed after a restart. Every step is a conditional update or an idempotent
 * provider call, so two cleanups and the drives' own timers can run at once: each instance is deleted once.
 * Its report is kept for operators (the admin route) and logged.
 */
import type { Clock } from '../../clock';
import { mapLimit } from '../../concurrency';
import type { InstanceProvider, PoolRef, TestDriveOffers, TestDriveStore } from '../ports';
import { isExpired, isPastHistory, isStuck, type Timeouts } from '../rules/lifetime';
import { reportOf, type CleanupReport, type CleanupTally } from '../rules/report';
import { customerKeyOf, type InstanceLifecycle } from './lifecycle';
import type { ReconcilePool } from './reconcile';
import type { RequestDrive } from './request-drive';

/** How many drives (and instances, and orphaned groups) one cleanup handles at once. */
export const DRIVES_AT_ONCE = 16;

export type { CleanupReport };

export interface CleanupDeps {
  store: TestDriveStore;
  provider: InstanceProvider;
  /** The live offers (their deployment subscriptions are scanned for orphans). */
  offers: TestDriveOffers;
  lifecycle: InstanceLifecycle;
  reconcile: ReconcilePool;
  requests: RequestDrive;
  clock: Clock;
  timeouts: Timeouts;
  /** Ended drives and deleted instances older than this are removed (decision 0709). */
  historyMs: number;
}

export class Cleanup {
  readonly #deps: CleanupDeps;

  constructor(deps: CleanupDeps) {
    this.#deps = deps;
  }

  async run(): Promise<CleanupReport> {
    const { store, clock } = this.#deps;
    const now = clock.now();
    const report: CleanupTally = {
      ranAt: now.toISOString(), pools: 0, expiredDrives: [], failedDrives: [], stuckInstances: [], orphanGroups: [],
      leadsCaptured: 0, created: 0, drained: 0, progressed: 0, purged: 0, errors: [],
    };
    const pools = await store.pools();
    report.pools = pools.length;
    const subscriptions = new Set<string>();
    for (const pool of pools) {
      try {
        await this.#pool(pool, now, report, subscriptions);
      } catch (error) {
        report.errors.push(`${pool.publisherId}.${pool.offerId}: ${String(error)}`);
      }
    }
    try {
      await this.#orphans(report, [...subscriptions]);
    } catch (error) {
      report.errors.push(`orphans: ${String(error)}`);
    }
    // The stored and answered report is bounded (counts, the first ids of each list): any size saves (0707).
    const bounded = reportOf(report);
    await store.saveReport(bounded);
    return bounded;
  }

  async #pool(pool: PoolRef, now: Date, report: CleanupTally, subscriptions: Set<string>): Promise<void> {
    const { store, lifecycle, timeouts } = this.#deps;
    const live = await this.#deps.offers.live(pool.publisherId, pool.offerId).catch(() => undefined);
    if (live?.state === 'enabled' && live.config.azureSubscriptionId) subscriptions.add(live.config.azureSubscriptionId);
    const drives = await store.drives(pool);
    const open = drives.filter((s) => s.value.state !== 'Ended');
    // Drives are independent (each end is its own conditional transaction): a few at a time.
    await mapLimit(open, DRIVES_AT_ONCE, async (drive) => {
      const d = drive.value;
      if (!d.leadId) {
        await this.#deps.requests.ensureLead(drive);
        if ((await store.getDrive(pool, d.driveId))?.value.leadId) report.leadsCaptured += 1;
      }
      const fresh = (await store.getDrive(pool, d.driveId)) ?? drive;
      if (d.state === 'Active' && isExpired(d.expiresAt, now)) {
        if (await lifecycle.endDrive(fresh, 'expired', customerKeyOf(d))) report.expiredDrives.push(d.driveId);
        return;
      }
      const instance = await store.getInstance(pool, d.instanceId);
      if (!instance || instance.value.state === 'Deleted' || instance.value.state === 'Deprovisioning') {
        if (await lifecycle.endDrive(fresh, 'failed', customerKeyOf(d), 'its instance is gone')) report.failedDrives.push(d.driveId);
      }
    });
    const instances = await store.instances(pool);
    for (const { value } of instances) if (value.subscriptionId) subscriptions.add(value.subscriptionId);
    // History past its time leaves the partition, so the pool's reads do not grow with every drive ever taken.
    const { historyMs } = this.#deps;
    const old = [
      ...drives.filter((s) => s.value.state === 'Ended' && isPastHistory(s.value.endedAt, now, historyMs)).map((s) => ({ kind: 'drive' as const, id: s.value.driveId })),
      ...instances.filter((s) => s.value.state === 'Deleted' && isPastHistory(s.value.deletedAt, now, historyMs)).map((s) => ({ kind: 'instance' as const, id: s.value.instanceId })),
    ];
    if (old.length > 0) report.purged += await store.purge(pool, old);
    const stuck = instances.filter((s) => isStuck(s.value.state, s.value.stateAt, now, timeouts) && s.value.state !== 'Deprovisioning');
    await mapLimit(stuck, DRIVES_AT_ONCE, async (instance) => {
      const i = instance.value;
      report.stuckInstances.push(i.instanceId);
      const drive = i.driveId ? await store.getDrive(pool, i.driveId) : undefined;
      if (drive && drive.value.state !== 'Ended') {
        if (await lifecycle.endDrive(drive, 'failed', customerKeyOf(drive.value), `stuck in ${i.state}`)) report.failedDrives.push(i.driveId);
      } else await lifecycle.deprovision(instance, `stuck in ${i.state}`);
    });
    const reconciled = await this.#deps.reconcile.reconcile(pool);
    report.created += reconciled.created;
    report.drained += reconciled.drained;
    report.progressed += reconciled.progressed;
  }

  /** Resource groups with our tags whose instance is unknown or deleted; untagged groups are never touched. */
  async #orphans(report: CleanupTally, subscriptions: string[]): Promise<void> {
    const { store, provider } = this.#deps;
    await mapLimit(await provider.listOwned(subscriptions), DRIVES_AT_ONCE, async (group) => {
      const instance = group.publisherId && group.offerId ? await store.getInstance(group, group.instanceId) : undefined;
      if (instance && instance.value.state !== 'Deleted') return;
      const status = await provider.delete(group);
      if (status.state !== 'failed') report.orphanGroups.push(group.resourceGroup);
    });
  }
}
