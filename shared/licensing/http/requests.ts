/**
 * Request parsing of the license routes. The `licenseupdates` body is read as raw JSON and checked by the rule
 * (case-insensitive names); malformed JSON is the surface's 960002, not a generic 400.
 */
import type { HttpRequest } from '@azure/functions';
import { z } from 'zod';
import type { Principal } from '../../auth/principal';
import { PayloadTooLargeError, ValidationError } from '../../errors';
import { MalformedJsonError } from '../../http/errors';
import { violationsFrom } from '../../http/request';
import type { LicenseCaller } from '../model';
import { invalidUpdate } from '../rules/errors';

export const MAX_LICENSE_UPDATE_BYTES = 64 * 1024;

export async function readLicenseUpdate(request: HttpRequest): Promise<unknown> {
  const bytes = Buffer.from(await request.arrayBuffer());
  if (bytes.length > MAX_LICENSE_UPDATE_BYTES) throw new PayloadTooLargeError(MAX_LICENSE_UPDATE_BYTES);
  try {
    return JSON.parse(bytes.toString('utf8')) as unknown;
  } catch {
    throw invalidUpdate(['The body is not valid JSON.']);
  }
}

export function callerOf(principal: Exclude<Principal, { kind: 'managedIdentity' }>): LicenseCaller {
  if (principal.kind === 'publisher') return { kind: 'publisher', publisherId: principal.publisherId };
  if (principal.kind === 'operator') return { kind: 'operator' };
  return { kind: 'customer', tenantId: principal.tenantId, userId: principal.userId, roles: principal.roles ?? [] };
}

export const updateParams = z.object({ customerId: z.string().min(1), userId: z.string().min(1) });
export const tenantParams = z.object({ tenantId: z.string().min(1).max(100) });
export const linkParams = z.object({ tenantId: z.string().min(1).max(100), subscriptionId: z.string().min(1).max(100) });
export const checkQuery = z.object({
  tenantId: z.string().min(1, 'tenantId is required').max(100),
  userId: z.string().min(1, 'userId is required').max(100),
  serviceId: z.string().min(1, 'serviceId is required').max(200),
});

const guidList = z.array(z.string().min(1).max(100)).max(20_000);
export const bulkBody = z
  .object({ userIds: guidList.optional(), groupId: z.string().min(1).max(100).optional(), subset: guidList.optional() })
  .strict();
export const unassignBody = z.object({ userIds: guidList }).strict();
export const poolParams = z.object({ tenantId: z.string().min(1).max(100), serviceId: z.string().min(1).max(200) });
export const batchParams = z.object({ batchId: z.string().min(1).max(100) });
export const groupParams = z.object({
  tenantId: z.string().min(1).max(100),
  groupId: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be 1-64 letters, digits, ".", "-" or "_"'),
});
export const groupBody = z.object({ members: z.array(z.string().min(1).max(100)).max(1000) }).strict();
export const faultParams = z.object({ tenantId: z.string().min(1).max(100), userId: z.string().min(1).max(100) });
export const faultBody = z.object({ fail: z.boolean() }).strict();
export const linkBody = z
  .object({
    customerName: z.string().trim().min(1).max(200).optional(),
    countryCode: z
      .string()
      .regex(/^[A-Za-z]{2}$/, 'must be an ISO 3166-1 alpha-2 code')
      .optional(),
  })
  .strict();
export const reportQuery = z.object({
  publisherId: z.string().min(1).max(100).optional(),
  from: z.string().max(7).optional(),
  to: z.string().max(7).optional(),
  offerId: z.string().min(1).max(100).optional(),
  planId: z.string().min(1).max(100).optional(),
  tenantId: z.string().min(1).max(100).optional(),
});

/** An optional JSON body: none (or only white space) is `{}`; otherwise it must be valid JSON matching the schema. */
export async function readOptionalJson<S extends z.ZodType>(
  request: HttpRequest,
  schema: S,
  maxBytes: number,
): Promise<z.output<S> | Record<string, never>> {
  const bytes = Buffer.from(await request.arrayBuffer());
  if (bytes.length > maxBytes) throw new PayloadTooLargeError(maxBytes);
  const text = bytes.toString('utf8');
  if (text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new MalformedJsonError(`The request body is not valid JSON: ${(error as Error).message}`);
  }
  const result = schema.safeParse(value);
  if (!result.success) throw new ValidationError('The request body is not valid.', violationsFrom(result.error));
  return result.data;
}

export const dealBody = z
  .object({
    offerId: z.string().min(1).max(100),
    customerTenantId: z.string().min(1).max(100),
    customerName: z.string().trim().min(1).max(200),
  })
  .strict();
export const dealParams = z.object({ dealId: z.string().min(1).max(100) });
export const lineParams = z.object({ dealId: z.string().min(1).max(100), planId: z.string().min(1).max(50) });
export const lineBody = z.object({ quantity: z.unknown() }).strict();
export const invitationParams = z.object({ invitationId: z.string().min(1).max(100) });
