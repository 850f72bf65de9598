/**
 * Deployed managed applications (decision 0314): their ARM ids, as Azure writes them, and the resourceUsageId
 * metering keys them by (`properties.billingDetails.resourceUsageId`, seed 004 ~24668–24675).
 */
import { createHash } from 'node:crypto';
import { GUID_PATTERN } from '../../guid';

/** A resource group name as ARM allows it: 1–90 of letters, digits, `_`, `-`, `.`, `(`, `)`, not ending in `.`. */
const GROUP = String.raw`[-\w.()]{0,89}[-\w()]`;
/** A managed application's name: 3–64 of letters, digits, `-`, `_` and `.` (the portal's rule), starting with a letter or digit. */
const NAME = String.raw`[A-Za-z0-9][-\w.]{2,63}`;
const GUID = GUID_PATTERN.source.slice(1, -1);
const APPLICATION_ID = new RegExp(
  `^/subscriptions/(${GUID})/resourceGroups/(${GROUP})/providers/Microsoft\\.Solutions/applications/(${NAME})$`,
  'i',
);
const GROUP_ID = new RegExp(`^/subscriptions/(${GUID})/resourceGroups/(${GROUP})$`, 'i');

export interface ApplicationId {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
}

export function parseApplicationId(id: string): ApplicationId | undefined {
  const m = APPLICATION_ID.exec(id);
  if (!m) return undefined;
  return { subscriptionId: (m[1] as string).toLowerCase(), resourceGroup: m[2] as string, name: m[3] as string };
}

export function applicationIdOf(subscriptionId: string, resourceGroup: string, name: string): string {
  return `/subscriptions/${subscriptionId.toLowerCase()}/resourceGroups/${resourceGroup}/providers/Microsoft.Solutions/applications/${name}`;
}

/**
 * Why a managed resource group id cannot hold the application's resources, or undefined when it can: it must be a
 * resource group of the application's own Azure subscription, and not the group the application itself is in.
 */
export function managedGroupProblem(groupId: string, app: ApplicationId): string | undefined {
  const m = GROUP_ID.exec(groupId);
  if (!m) return 'must be a resource group id, /subscriptions/{subscriptionId}/resourceGroups/{name}';
  if ((m[1] as string).toLowerCase() !== app.subscriptionId) return "must be in the application's Azure subscription";
  if ((m[2] as string).toLowerCase() === app.resourceGroup.toLowerCase()) return "must not be the application's own resource group";
  return undefined;
}

/**
 * The resourceUsageId of an application: a GUID derived from its ARM id (case-insensitively), so a deployment
 * retried after a crash or sent twice gets the same one, and an insert-only row keyed by it decides who created it.
 */
export function resourceUsageIdOf(applicationId: string): string {
  const h = createHash('sha256').update(`resource-usage:${applicationId.toLowerCase()}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
