/** The publisher routes' path and query (decision 0500): `state` one of the delivery states, a page `limit` (1–100), `continuation`. */
import { z } from 'zod';
import { DELIVERY_STATES } from '../model';

const id = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,99}$/i, 'is not a valid id');

export const offerLeadsParams = z.object({ publisherId: id, offerId: id });
export const leadParams = z.object({ publisherId: id, offerId: id, leadId: z.string().regex(/^[0-9A-Za-z]{1,40}$/, 'must be a lead id') });

export const listQuery = z.object({
  state: z.enum(DELIVERY_STATES).optional(),
  limit: z.coerce.number().int().min(1).max(100).optional(),
  continuation: z.string().regex(/^[A-Za-z0-9_-]{1,1000}$/, 'is not a continuation token').optional(),
});
