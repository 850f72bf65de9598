/**
 * Plan identities in license management (B1.1, DEC-L1): the Service ID `publisher.offer.plan` the app checks
 * (the catalog's format, shared/catalog/model/ids.ts) and the SKU GUID the Partner Center-shaped API uses, derived
 * from the Service ID so that it is stable without being stored (decision 0800).
 */
import { createHash } from 'node:crypto';

const ID = /^[a-z0-9_-]{1,50}$/;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isGuid(value: string): boolean {
  return GUID.test(value);
}

export function serviceIdOf(publisherId: string, offerId: string, planId: string): string {
  return `${publisherId}.${offerId}.${planId}`;
}

/** The parts of a Service ID, or undefined when it is not three catalog ids joined by dots. */
export function parseServiceId(serviceId: string): { publisherId: string; offerId: string; planId: string } | undefined {
  const parts = serviceId.split('.');
  if (parts.length !== 3 || !parts.every((p) => ID.test(p))) return undefined;
  const [publisherId, offerId, planId] = parts as [string, string, string];
  return { publisherId, offerId, planId };
}

/** A name-based GUID (version 5 layout over SHA-256) of the Service ID: the same plan always has the same SKU id. */
export function skuIdOf(serviceId: string): string {
  const hex = createHash('sha256').update(`license-sku:${serviceId}`).digest('hex');
  const variant = ((parseInt(hex.charAt(16), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
