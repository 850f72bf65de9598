/**
 * Which instance a drive takes (spec 2.4): a ready hot instance, else a ready warm one, else an unbound provision
 * still under way (adopted), else a fresh cold deploy in a region with a free capacity slot; the tier beats the
 * region, the preferred region comes first, then the configured order. The store claims each candidate by a
 * conditional update, so the list is only an order of attempts: a lost race moves on to the next one.
 */
import type { Instance, Tier } from '../model';
import { capacitySlotOf, readyPrefixOf } from './ids';

export interface Candidate {
  tier: Exclude<Tier, 'cold'>;
  instanceId: string;
}

/** Regions in the order a request tries them: the preferred one (when configured), then the configured order. */
export function regionOrder(regions: readonly string[], preferred: string | undefined): string[] {
  return [...regions.filter((r) => r === preferred), ...regions.filter((r) => r !== preferred)];
}

/** Rotates a list by `spread` so that concurrent requests start on different instances of the same rank. */
export function rotate<T>(items: readonly T[], spread: number): T[] {
  const k = Math.abs(Math.trunc(spread)) % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

/**
 * The ready index ranges a request reads, best first (decision 0706): hot before warm (the tier beats the region),
 * each in region order, all of the live `version`.
 */
export function readyRanges(options: { version: number; regions: readonly string[]; preferred?: string }): { tier: 'hot' | 'warm'; prefix: string }[] {
  const regions = regionOrder(options.regions, options.preferred);
  return (['hot', 'warm'] as const).flatMap((tier) => regions.map((region) => ({ tier, prefix: readyPrefixOf(tier, options.version, region) })));
}

/** Oldest ready (or created) first; instance ids are unique, so the keys never tie. */
function byAge(a: Instance, b: Instance): number {
  const key = (i: Instance) => `${i.readyAt ?? i.createdAt}|${i.instanceId}`;
  return key(a) < key(b) ? -1 : 1;
}

/**
 * Existing instances a drive may take, best first: per tier (hot, warm, adopted) and region, oldest first, rotated
 * by `spread` within each region so that concurrent requests do not all race for the same one. Only unbound
 * instances of the live `version` in a configured region qualify.
 */
export function candidates(
  instances: readonly Instance[],
  options: { version: number; regions: readonly string[]; preferred?: string; spread: number },
): Candidate[] {
  const out: Candidate[] = [];
  const tiers: [Candidate['tier'], (i: Instance) => boolean][] = [
    ['hot', (i) => i.state === 'ReadyHot'],
    ['warm', (i) => i.state === 'ReadyWarm'],
    ['cold-adopted', (i) => i.state === 'Provisioning' && i.retryAt === undefined],
  ];
  for (const [tier, matches] of tiers) {
    for (const region of regionOrder(options.regions, options.preferred)) {
      const pool = instances
        .filter((i) => i.driveId === '' && i.version === options.version && i.region === region && matches(i))
        .sort(byAge);
      for (const i of rotate(pool, options.spread)) out.push({ tier, instanceId: i.instanceId });
    }
  }
  return out;
}

/**
 * Free capacity slots for a fresh instance, in region order: slot n of a region is free when no live instance holds
 * it (n < hot + warm + cold per region, G2).
 */
export function freeCapacitySlots(
  instances: readonly Instance[],
  options: { regions: readonly string[]; preferred?: string; capacity: number },
): { region: string; slot: string }[] {
  return freeSlots(new Set(instances.filter((i) => i.state !== 'Deleted').map((i) => i.capacitySlot)), options);
}

/** Free capacity slots in region order, given the slots that are held (slot n of a region, n < capacity). */
export function freeSlots(
  held: ReadonlySet<string>,
  options: { regions: readonly string[]; preferred?: string; capacity: number },
): { region: string; slot: string }[] {
  const out: { region: string; slot: string }[] = [];
  for (const region of regionOrder(options.regions, options.preferred)) {
    for (let n = 0; n < options.capacity; n += 1) {
      const slot = capacitySlotOf(region, n);
      if (!held.has(slot)) out.push({ region, slot });
    }
  }
  return out;
}
