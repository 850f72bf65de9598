/**
 * Webhooks to the ISV: the publisher's view of delivery attempts and redelivery (a new delivery orchestration),
 * and the `saas-due-work` timer on the project clock: the SaaS timers found through the due index (ACK windows,
 * term ends, suspension grace) and the sweeper that starts delivery orchestrations a crash left unstarted
 * (decisions 0410, 0411).
 */
import { app, type HttpHandler, type InvocationContext, type Timer } from '@azure/functions';
import * as df from 'durable-functions';
import { z } from 'zod';
import type { Authenticator } from '../shared/auth/principal';
import { durableClientInput, services } from '../shared/composition';
import { dueWorkSchedule } from '../shared/config';
import { endpoint } from '../shared/http/endpoint';
import { ForbiddenError, NotFoundError } from '../shared/errors';
import { lazyHandler, once } from '../shared/http/lazy';
import { parseQuery } from '../shared/http/request';
import { accepted, ok } from '../shared/http/responses';
import { surfaces } from '../shared/http/surfaces';
import type { Saas } from '../shared/saas/composition';
import type { DeliveryClient } from '../shared/saas/delivery-starter';

export interface DeliveryDeps {
  saas: () => Saas;
  authenticator: () => Authenticator;
  /** The durable client bound to this invocation (the redelivery starts an orchestration with it). */
  client: (context: InvocationContext) => DeliveryClient;
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
    redeliver: endpoint(options, async (request, { principal, invocation }) => {
      const publisherId = own(principal, request.params['publisherId']);
      const { delivery, starter } = deps.saas();
      starter.attach(deps.client(invocation));
      const row = await delivery.redeliver(publisherId, request.params['deliveryId'] ?? '');
      if (!row) throw new NotFoundError('The delivery was not found.', 'DeliveryNotFound');
      // Stored first: if this start fails or the host dies now, the sweeper starts the same instance id.
      await starter.handoff(row);
      return accepted({ id: row.operationId, state: row.state, nextAttemptAt: row.nextAttemptAt });
    }),
  };
}

const handlers = once(() => {
  const s = services();
  return makeDeliveryHandlers({ saas: () => s.saas(), authenticator: () => s.authenticator, client: (c) => df.getClient(c) });
});

/**
 * `SAAS_DUE_WORK_SCHEDULE` (default every 2 s on the project clock; a clock jump fires it at once). Each run wakes
 * the app, so infra/ sets every 5 minutes in Azure: renewals and grace ends are then up to 5 minutes late, and a
 * webhook whose hand-over a crash lost waits as long for the sweeper.
 */
export const SAAS_DUE_WORK_SCHEDULE = dueWorkSchedule();

export async function saasDueWork(_timer: Timer, context: InvocationContext): Promise<void> {
  const { saas, clock } = services();
  const { service, starter, store } = saas();
  starter.attach(df.getClient(context));
  const started = await starter.sweep(store, clock);
  const timers = await service.runDueTimers();
  if (started + timers > 0) context.log(`saas due work: ${started} deliveries started by the sweeper, ${timers} timers`);
}

app.timer('saas-due-work', { schedule: SAAS_DUE_WORK_SCHEDULE, extraInputs: [durableClientInput], handler: saasDueWork });

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
  extraInputs: [durableClientInput],
  handler: lazyHandler(() => handlers().redeliver),
});
