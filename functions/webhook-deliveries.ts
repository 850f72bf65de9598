/**
 * Webhooks to the ISV, the publisher's side: the delivery log (each webhook with its attempts) and redelivery (a
 * new delivery orchestration, decision 0411). A publisher sees only its own deliveries.
 */
import { app, type HttpHandler } from '@azure/functions';
import type { Authenticator } from '../shared/auth/principal';
import { durableClientInput, services } from '../shared/composition';
import { endpoint } from '../shared/http/endpoint';
import { lazyHandler, once } from '../shared/http/lazy';
import { accepted, ok } from '../shared/http/responses';
import { surfaces } from '../shared/http/surfaces';
import { deliveriesFilter } from '../shared/saas/http/admin';
import { deliveryView, redeliveryView } from '../shared/saas/http/views';
import type { WebhookDelivery } from '../shared/saas/service/webhook-delivery';

export interface DeliveryDeps {
  saas: () => WebhookDelivery;
  authenticator: () => Authenticator;
}

export function makeDeliveryHandlers(deps: DeliveryDeps): Record<'list' | 'redeliver', HttpHandler> {
  const options = { surface: surfaces.admin, allow: ['publisher'] as const, authenticator: deps.authenticator };
  return {
    list: endpoint(options, async (request, { principal }) => {
      const logs = await deps.saas().deliveries(principal.publisherId, request.params['publisherId'], () => deliveriesFilter(request));
      return ok({ deliveries: logs.map(deliveryView) });
    }),
    redeliver: endpoint(options, async (request, { principal }) => {
      // The durable client is bound (durableClientInput) and handed to the starter by functions/hooks.ts.
      const row = await deps.saas().redeliverAs(principal.publisherId, request.params['publisherId'], request.params['deliveryId'] ?? '');
      return accepted(redeliveryView(row));
    }),
  };
}

const handlers = once(() => {
  const s = services();
  return makeDeliveryHandlers({ saas: () => s.saas().delivery, authenticator: () => s.authenticator });
});

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
