/**
 * Webhooks to the ISV: the publisher's view of delivery attempts and redelivery, and the dispatcher timer that
 * works the outbox and the SaaS timers (ACK windows, term ends, suspension grace) on the project clock.
 */
import { app, type HttpHandler, type InvocationContext, type Timer } from '@azure/functions';
import { z } from 'zod';
import type { Authenticator } from '../shared/auth/principal';
import { services } from '../shared/composition';
import { endpoint } from '../shared/http/endpoint';
import { ForbiddenError, NotFoundError } from '../shared/http/errors';
import { lazyHandler, once } from '../shared/http/lazy';
import { parseQuery } from '../shared/http/request';
import { accepted, ok } from '../shared/http/responses';
import { surfaces } from '../shared/http/surfaces';
import type { Saas } from '../shared/saas/composition';

export interface DeliveryDeps {
  saas: () => Saas;
  authenticator: () => Authenticator;
}

const query = z.object({ subscriptionId: z.uuid({ message: 'must be a GUID' }).optional() });

export function makeDeliveryHandlers(deps: DeliveryDeps): Record<'list' | 'redeliver', HttpHandler> {
  const options = { surface: surfaces.admin, allow: ['publisher'] as const, authenticator: deps.authenticator };
  const own = (principal: { publisherId: string }, p: string | undefined) => {
    if (principal.publisherId !== p) throw new ForbiddenError('A publisher sees only its own webhook deliveries.');
    return p;
  };
  return {
    list: endpoint(options, async (request, { principal }) => {
      const publisherId = own(principal, request.params['publisherId']);
      const { subscriptionId } = parseQuery(request, query);
      const { store } = deps.saas();
      const [rows, attempts] = await Promise.all([store.listOutbox(publisherId), store.listAttempts(publisherId)]);
      const deliveries = rows
        .filter((r) => !subscriptionId || r.subscriptionId === subscriptionId)
        .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
        .map((r) => ({
          id: r.operationId,
          subscriptionId: r.subscriptionId,
          action: r.payload.action,
          state: r.state,
          attempts: attempts.filter((a) => a.operationId === r.operationId),
          nextAttemptAt: r.state === 'pending' ? r.nextAttemptAt : null,
          firstDeliveredAt: r.firstDeliveredAt ?? null,
          payload: r.payload,
        }));
      return ok({ deliveries });
    }),
    redeliver: endpoint(options, async (request, { principal }) => {
      const publisherId = own(principal, request.params['publisherId']);
      const row = await deps.saas().dispatcher.redeliver(publisherId, request.params['deliveryId'] ?? '');
      if (!row) throw new NotFoundError('The delivery was not found.', 'DeliveryNotFound');
      return accepted({ id: row.operationId, state: row.state, nextAttemptAt: row.nextAttemptAt });
    }),
  };
}

const handlers = once(() => {
  const s = services();
  return makeDeliveryHandlers({ saas: () => s.saas(), authenticator: () => s.authenticator });
});

/** Every 2 seconds on the project clock (a clock jump fires it at once). */
export const SAAS_DUE_WORK_SCHEDULE = '*/2 * * * * *';

export async function saasDueWork(_timer: Timer, context: InvocationContext): Promise<void> {
  const { attempts, timers } = await services().saas().dispatcher.runDue();
  if (attempts + timers > 0) context.log(`saas due work: ${attempts} webhook attempts, ${timers} timers`);
}

app.timer('saas-due-work', { schedule: SAAS_DUE_WORK_SCHEDULE, handler: saasDueWork });

app.http('webhook-deliveries-list', {
  methods: ['GET'],
  route: 'api/publishers/{publisherId}/webhooks/deliveries',
  authLevel: 'anonymous',
  handler: lazyHandler(() => handlers().list),
});

app.http('webhook-deliveries-redeliver', {
  methods: ['POST'],
  route: 'api/publishers/{publisherId}/webhooks/deliveries/{deliveryId:guid}/redeliver',
  authLevel: 'anonymous',
  handler: lazyHandler(() => handlers().redeliver),
});
