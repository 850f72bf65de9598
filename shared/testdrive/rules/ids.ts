/**
 * Names of a test drive's things: drive ids carry their offer (`<publisherId>.<offerId>.<ulid>`, ids have no dots),
 * resource groups are `CloudTry_<offerId>_<instanceId>` ([L3762]), capacity and standby slots are keyed per region.
 */

/** A drive id from its offer and a unique suffix. */
export function driveIdOf(publisherId: string, offerId: string, unique: string): string {
  return `${publisherId}.${offerId}.${unique}`;
}

/** The offer of a drive id, or undefined for anything that is not one. */
export function parseDriveId(driveId: string): { publisherId: string; offerId: string } | undefined {
  const parts = driveId.split('.');
  if (parts.length !== 3 || !parts.every((p) => /^[a-z0-9_-]{1,50}$/i.test(p))) return undefined;
  return { publisherId: parts[0] as string, offerId: parts[1] as string };
}

/** Test drive resource groups: the seed's `CloudTry_` prefix, the offer and the instance (unique, never reused). */
export const RESOURCE_GROUP_PREFIX = 'CloudTry_';

export function resourceGroupOf(offerId: string, instanceId: string): string {
  return `${RESOURCE_GROUP_PREFIX}${offerId}_${instanceId}`;
}

/** The capacity slot `n` of a region: a live instance holds one until it is Deleted (live ≤ capacity, I2). */
export function capacitySlotOf(region: string, n: number): string {
  return `${region}|${n}`;
}

/** The standby slot `n` of a region and purpose: an unbound standby instance holds one (standby ≤ target). */
export function standbySlotOf(region: string, purpose: 'hot' | 'warm', n: number): string {
  return `${region}|${purpose}|${n}`;
}

/** The slot number at the end of a slot key; -1 when there is none. */
export function slotNumber(slot: string): number {
  const n = Number(slot.slice(slot.lastIndexOf('|') + 1));
  return slot.includes('|') && Number.isInteger(n) && n >= 0 ? n : -1;
}

/** The drive's orchestration (one per drive: its durable timer ends it). */
export function sessionInstanceId(driveId: string): string {
  return `testdrive-${driveId}`;
}

/** The ready index's key prefix of one tier, offer version and region (decision 0706). */
export function readyPrefixOf(tier: 'hot' | 'warm', version: number, region: string): string {
  return `${tier}|${version}|${region}|`;
}

/**
 * The ready index key of an instance a request may take at once (decision 0706): an unbound ReadyHot or ReadyWarm
 * instance, `<hot|warm>|<version>|<region>|<instanceId>`; undefined for every other instance.
 */
export function readyKeyOf(i: { state: string; driveId: string; version: number; region: string; instanceId: string }): string | undefined {
  if (i.driveId !== '') return undefined;
  const tier = i.state === 'ReadyHot' ? 'hot' : i.state === 'ReadyWarm' ? 'warm' : undefined;
  return tier ? `${readyPrefixOf(tier, i.version, i.region)}${i.instanceId}` : undefined;
}
