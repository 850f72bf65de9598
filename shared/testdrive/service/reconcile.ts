/**
 * The pool manager (decision 0700): a reconciler, run after every drive taken and by the cleanup timer, that
 * brings one offer's pool to what its live version asks. It moves every instance waiting on the provider on
 * (provisions, stops, starts, deletes), drains unbound standby instances that are no longer wanted (another
 * version, a dropped region, a lowered target, the test drive disabled) and creates instances for empty standby
 * slots (hot first) while the region has a free capacity slot. Creating is an insert of the instance with its
 * slots in one transaction, so two reconcilers running at once never create more than the targets.
 */
import type { Clock } from '../../clock';
import { mapLimit } from '../../concurrency';
import type { Instance, TestDriveConfig } from '../model';
import type { PoolRef, Stored, TestDriveOffers, TestDriveStore } from '../ports';
import { readyKeyOf, resourceGroupOf } from '../rules/ids';
import { planPool } from '../rules/pool';
import type { InstanceLifecycle } from './lifecycle';

export interface ReconcileReport {
  created: number;
  drained: number;
  progressed: number;
}

export interface ReconcileDeps {
  store: TestDriveStore;
  offers: TestDriveOffers;
  lifecycle: InstanceLifecycle;
  clock: Clock;
  newId: () => string;
  credentials: () => { username: string; password: string; sessionId: string };
}

/** How many waiting instances one reconcile moves on at once. */
export const PROGRESS_AT_ONCE = 16;

const WAITING = new Set(['Provisioning', 'Stopping', 'Starting', 'Deprovisioning']);

export class ReconcilePool {
  readonly #deps: ReconcileDeps;

  constructor(deps: ReconcileDeps) {
    this.#deps = deps;
  }

  async reconcile(pool: PoolRef): Promise<ReconcileReport> {
    const { store, offers, lifecycle } = this.#deps;
    const report: ReconcileReport = { created: 0, drained: 0, progressed: 0 };
    await store.registerPool(pool);
    const offer = await offers.live(pool.publisherId, pool.offerId);
    const live = offer.state === 'enabled' ? offer : undefined;
    const configs = new Map<number, TestDriveConfig | undefined>();
    const configAt = async (version: number) => {
      if (live && version === live.version) return live.config;
      if (!configs.has(version)) configs.set(version, await offers.configAt(pool.publisherId, pool.offerId, version));
      return configs.get(version);
    };
    // Instances are independent (each step a conditional write): a few at a time, not one long loop.
    const waiting = (await store.instances(pool)).filter((s) => WAITING.has(s.value.state));
    await mapLimit(waiting, PROGRESS_AT_ONCE, async (stored) => {
      const after = await lifecycle.progress(stored, await configAt(stored.value.version));
      if (after.value.state !== stored.value.state) report.progressed += 1;
    });
    // The ready index is read before the instances: a row is dropped only when its instance left ready before the read.
    const keys = new Set(await store.readyKeys(pool));
    const instances = await store.instances(pool);
    await this.#repairReadyIndex(pool, keys, instances);
    const plan = planPool(
      instances.map((s) => s.value),
      live?.config,
      live?.version ?? 0,
    );
    const byId = new Map(instances.map((s) => [s.value.instanceId, s]));
    for (const id of plan.drain) {
      const after = await lifecycle.deprovision(byId.get(id) as Stored<Instance>);
      if (after.value.state === 'Deprovisioning' || after.value.state === 'Deleted') report.drained += 1;
    }
    if (!live) return report;
    // Drained instances deleted at once free their capacity slots for this round's refills.
    const create = plan.drain.length > 0 ? planPool((await store.instances(pool)).map((s) => s.value), live.config, live.version).create : plan.create;
    const now = this.#deps.clock.now().toISOString();
    for (const planned of create) {
      const instanceId = this.#deps.newId();
      const instance: Instance = {
        instanceId,
        ...pool,
        version: live.version,
        region: planned.region,
        purpose: planned.purpose,
        state: 'Provisioning',
        driveId: '',
        capacitySlot: planned.capacitySlot,
        standbySlot: planned.standbySlot,
        resourceGroup: resourceGroupOf(pool.offerId, instanceId),
        ...(live.config.azureSubscriptionId ? { subscriptionId: live.config.azureSubscriptionId } : {}),
        createdAt: now,
        stateAt: now,
        attempts: 0,
        ...this.#deps.credentials(),
      };
      if (!(await store.createInstance(instance))) continue;
      report.created += 1;
      const created = await store.getInstance(pool, instanceId);
      if (created) await lifecycle.progress(created, live.config);
    }
    return report;
  }

  /**
   * Keeps the ready index equal to the ready unbound instances (decision 0706): instances that became ready before
   * the index existed get their row (a conditional re-write of the instance upserts it), rows of nothing ready go.
   */
  async #repairReadyIndex(pool: PoolRef, keys: Set<string>, instances: Stored<Instance>[]): Promise<void> {
    const { store } = this.#deps;
    const wanted = new Set<string>();
    for (const stored of instances) {
      const key = readyKeyOf(stored.value);
      if (!key) continue;
      wanted.add(key);
      if (!keys.has(key)) await store.updateInstance(stored.value, stored.etag);
    }
    for (const key of keys) if (!wanted.has(key)) await store.dropReady(pool, key);
  }
}
