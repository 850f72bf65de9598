/** The operator's and the publisher's admin requests on SaaS: payment-fault injection and the delivery log's filter. */
import type { HttpRequest } from '@azure/functions';
import { z } from 'zod';
import { guidSchema } from '../../guid';
import { parseQuery, readJson } from '../../http/request';

/** `fail`: every charge (renewal, trial conversion) fails until `none` or a reinstatement. */
const faultsSchema = z.strictObject({ payment: z.enum(['fail', 'none']) });

const deliveriesQuery = z.object({ subscriptionId: guidSchema().optional() });

export async function readPaymentFault(request: HttpRequest, maxBytes: number): Promise<'fail' | 'none'> {
  return (await readJson(request, faultsSchema, maxBytes)).payment;
}

export function deliveriesFilter(request: HttpRequest): { subscriptionId?: string | undefined } {
  return parseQuery(request, deliveriesQuery);
}
