/**
 * Who may report usage of a resource (specs/metering.md 2.8, 2.9, T55, T88, T94; decision 0313): the publisher of
 * its offer, through its Entra app; or, for a managed application only, a managed identity that belongs to the
 * application itself or to a resource in its managed resource group ("within the boundaries of your deployment",
 * seed 004 ~24624). Anything else is ResourceNotAuthorized (403 on the single endpoint).
 */
import type { MeteredResource, UsageCaller } from '../model';

/** An ARM id as ARM compares it: case-insensitive, without trailing slashes. */
export const armKey = (id: string) => id.toLowerCase().replace(/\/+$/, '');

/**
 * Whether the ARM id `inner` is `scope` or lies under it, compared as ARM compares ids (case-insensitively) and
 * on whole segments: `/…/resourceGroups/mrg-1x` is not under `/…/resourceGroups/mrg-1`. Trailing slashes are
 * ignored; an empty scope contains nothing.
 */
export function armWithin(inner: string, scope: string): boolean {
  const a = armKey(inner);
  const b = armKey(scope);
  if (b === '') return false;
  return a === b || a.startsWith(`${b}/`);
}

export function mayReport(caller: UsageCaller, resource: MeteredResource): boolean {
  if (caller.kind === 'publisher') return resource.publisherId === caller.publisherId;
  if (resource.kind !== 'managedApp') return false;
  const scopes = [resource.resourceUri, resource.managedResourceGroupId].filter((s): s is string => s !== undefined);
  return scopes.some((scope) => armWithin(caller.identityResourceId, scope));
}

/** The caller of the older signature `submit(publisherId, …)`: a publisher by id. */
export function callerOf(caller: UsageCaller | string): UsageCaller {
  return typeof caller === 'string' ? { kind: 'publisher', publisherId: caller } : caller;
}
