/** Request parsing shared by the SaaS trigger files: bodies are `unknown` until these schemas say otherwise. */
import type { HttpRequest } from '@azure/functions';
import { z } from 'zod';
import { readJson } from '../http/request';
import { bad } from './errors';
import { parseQuantity } from './rules';
import type { Change } from './service';

export const API_VERSION = '2018-08-31';

const looseBody = z.looseObject({ planId: z.unknown().optional(), quantity: z.unknown().optional(), status: z.unknown().optional() });

export async function readBody(request: HttpRequest, maxBytes: number) {
  return readJson(request, looseBody, maxBytes);
}

/** PATCH subscription body (A1.3.6/7): plan or quantity, never both [004:25815]; `{}` → PlanIdRequired [DEC-A14]. */
export function parseChange(body: { planId?: unknown; quantity?: unknown }): Change {
  const hasPlan = body.planId !== undefined && body.planId !== null;
  const hasQuantity = body.quantity !== undefined;
  if (hasPlan && hasQuantity) throw bad('PlanAndQuantityInSingleRequest', 'Change either planId or quantity, not both.', 'planId');
  if (hasQuantity) {
    const q = parseQuantity(body.quantity);
    if (q.kind === 'absent') throw bad('QuantityRequired', 'quantity is required.', 'quantity');
    if (q.kind === 'invalid') throw bad('InvalidQuantity', 'quantity must be a whole number of seats.', 'quantity');
    return { quantity: q.value };
  }
  if (typeof body.planId !== 'string' || body.planId === '') throw bad('PlanIdRequired', 'planId is required.', 'planId');
  return { planId: body.planId };
}

export function parseOperationStatus(body: { status?: unknown }): 'Success' | 'Failure' {
  if (body.status === 'Success' || body.status === 'Failure') return body.status;
  throw bad('InvalidOperationStatus', 'status must be "Success" or "Failure".', 'status');
}

export function operationLocation(base: string, subscriptionId: string, operationId: string): Record<string, string> {
  return {
    'Operation-Location': `${base}/api/saas/subscriptions/${subscriptionId}/operations/${operationId}?api-version=${API_VERSION}`,
    'Operation-Id': operationId,
  };
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const continuation = {
  encode: (lastId: string) => Buffer.from(`v1:${lastId}`, 'utf8').toString('base64url'),
  decode(token: string): string {
    const text = Buffer.from(token, 'base64url').toString('utf8');
    const id = text.startsWith('v1:') ? text.slice(3) : '';
    if (!GUID.test(id)) throw bad('InvalidContinuationToken', 'The continuation token is not valid.', 'continuationToken');
    return id;
  },
};
