/**
 * The order of a tenant's subscription list (decision 1003): the `SaasIndex` rows `ten|<tenant>` are keyed
 * `<inverted creation time>|<subscription id>`, so a partition range query lists a customer's subscriptions newest
 * first, and the last key of a page is where the next page starts.
 */
const MAX_TIME = 8_640_000_000_000_000; // the largest time a Date can hold, in ms
const KEY = /^\d{16}\|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The index key of a subscription created at `created` (ISO 8601): newer subscriptions sort first. */
export function tenantListKey(created: string, subscriptionId: string): string {
  const ms = Date.parse(created);
  if (Number.isNaN(ms)) throw new RangeError(`not a time: ${created}`);
  return `${String(MAX_TIME - ms).padStart(16, '0')}|${subscriptionId.toLowerCase()}`;
}

/** Whether `key` has the shape `tenantListKey` produces (a continuation must be one). */
export const isTenantListKey = (key: string): boolean => KEY.test(key);

/** The partition of a tenant's rows (tenant names and GUIDs compare case-insensitively). */
export const tenantPartition = (tenantId: string): string => `ten|${tenantId.toLowerCase()}`;
