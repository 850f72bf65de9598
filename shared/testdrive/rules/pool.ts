/**
 * The pool manager's plan (spec 2.5): per region, standby slots 0..hot-1 and 0..warm-1 each held by one unbound
 * instance (Ready, or still provisioning for standby), filled hot first while a capacity slot is free; unbound
 * standby instances that are no longer wanted (another offer version, a region dropped, a slot above a lowered
 * target, the test drive disabled) are drained. Bound instances are never touched here.
 */
import type { Instance, Purpose, TestDriveConfig } from '../model';
import { capacitySlotOf, slotNumber, standbySlotOf } from './ids';
import { capacityPerRegion } from './config';

export interface PlannedInstance {
  region: string;
  purpose: Exclude<Purpose, 'cold'>;
  standbySlot: string;
  capacitySlot: string;
}

export interface PoolPlan {
  create: PlannedInstance[];
  /** Unbound standby instances to delete. */
  drain: string[];
}

const STANDBY_STATES = new Set(['Provisioning', 'Stopping', 'ReadyHot', 'ReadyWarm']);

function wanted(i: Instance, config: TestDriveConfig, version: number): boolean {
  if (i.version !== version || !config.regions.includes(i.region)) return false;
  const target = i.purpose === 'hot' ? config.instances.hot : i.purpose === 'warm' ? config.instances.warm : 0;
  return slotNumber(i.standbySlot) < target;
}

/** What to create and drain so the pool of `version` meets `config`; with no config (disabled, not live) drain all standby. */
export function planPool(instances: readonly Instance[], config: TestDriveConfig | undefined, version: number): PoolPlan {
  const live = instances.filter((i) => i.state !== 'Deleted');
  const standby = live.filter((i) => i.driveId === '' && i.standbySlot !== '' && STANDBY_STATES.has(i.state));
  const drain = standby.filter((i) => !config || !wanted(i, config, version)).map((i) => i.instanceId);
  const create: PlannedInstance[] = [];
  if (!config) return { create, drain };
  const heldStandby = new Set(standby.filter((i) => !drain.includes(i.instanceId)).map((i) => i.standbySlot));
  const heldCapacity = new Set(live.map((i) => i.capacitySlot));
  const capacity = capacityPerRegion(config);
  for (const region of config.regions) {
    const free: string[] = [];
    for (let n = 0; n < capacity; n += 1) {
      const slot = capacitySlotOf(region, n);
      if (!heldCapacity.has(slot)) free.push(slot);
    }
    for (const purpose of ['hot', 'warm'] as const) {
      for (let n = 0; n < config.instances[purpose]; n += 1) {
        const standbySlot = standbySlotOf(region, purpose, n);
        if (heldStandby.has(standbySlot)) continue;
        const capacitySlot = free.shift();
        if (capacitySlot === undefined) break;
        create.push({ region, purpose, standbySlot, capacitySlot });
      }
    }
  }
  return { create, drain };
}
