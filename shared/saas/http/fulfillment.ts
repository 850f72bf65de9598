/**
 * The fulfillment API's edge (specs/saas-licensing.md A1.3, A1.4): request bodies (`unknown` until these schemas say
 * otherwise), the Operation-Location headers, and the list's continuation token and next link.
 */
import type { HttpRequest } from '@azure/functions';
import { z } from 'zod';
import { readJson } from '../../http/request';
import type { Change } from '../model';
import { bad } from '../rules/errors';
import { isGuid } from '../rules/lifecycle';
import { parseQuantity } from '../rules/plans';

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

export const continuation = {
  encode: (lastId: string) => Buffer.from(`v1:${lastId}`, 'utf8').toString('base64url'),
  decode(token: string): string {
    const text = Buffer.from(token, 'base64url').toString('utf8');
    const id = text.startsWith('v1:') ? text.slice(3) : '';
    if (!isGuid(id)) throw bad('InvalidContinuationToken', 'The continuation token is not valid.', 'continuationToken');
    return id;
  },
};

/** The list's `@nextLink`: the same list from after the page's last id, or undefined on the last page. */
export function nextLink(base: string, next: string | undefined): string | undefined {
  return next ? `${base}/api/saas/subscriptions?continuationToken=${continuation.encode(next)}&api-version=${API_VERSION}` : undefined;
}
