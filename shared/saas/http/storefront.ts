/**
 * The storefront's request bodies (architecture.md, Storefront and admin routes): a purchase, a plan or quantity
 * change, auto-renew. Strict schemas: an unknown field is a 400, as on every problem+json surface.
 */
import type { HttpRequest } from '@azure/functions';
import { z } from 'zod';
import { guidSchema } from '../../guid';
import { readJson } from '../../http/request';
import type { Change } from '../model';
import type { PurchaseRequest } from '../service/storefront';

const guid = guidSchema();
const identitySchema = z.strictObject({
  emailId: z.email({ message: 'must be an email address' }),
  objectId: guid,
  tenantId: guid,
  puid: z.string().max(100).optional(),
  /** The seed's samples spell it `pid` [004:25402]; accepted as the same field. */
  pid: z.string().max(100).optional(),
});

const purchaseSchema = z.strictObject({
  publisherId: z.string().min(1).max(100),
  offerId: z.string().min(1).max(100),
  planId: z.string().min(1).max(50),
  quantity: z.union([z.number(), z.string(), z.null()]).optional(),
  termUnit: z.enum(['P1M', 'P1Y']),
  beneficiary: identitySchema.optional(),
  purchaser: identitySchema.optional(),
  autoRenew: z.boolean().optional(),
  csp: z.boolean().optional(),
  name: z.string().min(1).max(200).optional(),
  /** `preview`: the offer's preview version, for its preview audience (decision 0605). */
  slot: z.enum(['production', 'preview']).optional(),
});

const changePlanSchema = z.strictObject({ planId: z.string().min(1).max(50) });
const changeQuantitySchema = z.strictObject({ quantity: z.number().int({ message: 'must be a whole number' }).min(0) });
const autoRenewSchema = z.strictObject({ autoRenew: z.boolean() });

const identity = ({ pid, puid, ...i }: z.output<typeof identitySchema>) => ({ ...i, puid: puid ?? pid ?? '' });

export async function readPurchase(request: HttpRequest, maxBytes: number): Promise<PurchaseRequest> {
  const body = await readJson(request, purchaseSchema, maxBytes);
  return {
    publisherId: body.publisherId,
    offerId: body.offerId,
    planId: body.planId,
    quantity: body.quantity,
    termUnit: body.termUnit,
    ...(body.purchaser ? { purchaser: identity(body.purchaser) } : {}),
    ...(body.beneficiary ? { beneficiary: identity(body.beneficiary) } : {}),
    ...(body.autoRenew !== undefined ? { autoRenew: body.autoRenew } : {}),
    ...(body.csp !== undefined ? { csp: body.csp } : {}),
    ...(body.name ? { name: body.name } : {}),
    ...(body.slot ? { slot: body.slot } : {}),
  };
}

export async function readPlanChange(request: HttpRequest, maxBytes: number): Promise<Change> {
  return { planId: (await readJson(request, changePlanSchema, maxBytes)).planId };
}

export async function readQuantityChange(request: HttpRequest, maxBytes: number): Promise<Change> {
  return { quantity: (await readJson(request, changeQuantitySchema, maxBytes)).quantity };
}

export async function readAutoRenew(request: HttpRequest, maxBytes: number): Promise<boolean> {
  return (await readJson(request, autoRenewSchema, maxBytes)).autoRenew;
}
