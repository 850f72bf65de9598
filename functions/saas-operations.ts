/**
 * SaaS fulfillment API v2, operations (specs/saas-licensing.md A1.4, seed 004 ~25960–26137): list outstanding
 * operations, get one, and the publisher's Success/Failure answer (409 once completed or for inform-only ones).
 */
import { app, type HttpHandler } from '@azure/functions';
import type { Authenticator } from '../shared/auth/principal';
import { services } from '../shared/composition';
import { endpoint } from '../shared/http/endpoint';
import { lazyHandler, once } from '../shared/http/lazy';
import { ok } from '../shared/http/responses';
import { surfaces } from '../shared/http/surfaces';
import { parseOperationStatus, readBody } from '../shared/saas/http/fulfillment';
import { operationView } from '../shared/saas/http/views';
import type { FulfillmentApi } from '../shared/saas/service/fulfillment';

export interface SaasOperationDeps {
  saas: () => FulfillmentApi;
  authenticator: () => Authenticator;
  maxJsonBodyBytes: number;
}

export function makeSaasOperationHandlers(deps: SaasOperationDeps): Record<'list' | 'get' | 'patch', HttpHandler> {
  const options = { surface: surfaces.saas, allow: ['publisher'] as const, authenticator: deps.authenticator };
  const ids = (request: { params: Record<string, string> }) =>
    [request.params['subscriptionId'] ?? '', request.params['operationId'] ?? ''] as const;
  return {
    list: endpoint(options, async (request, { principal }) => {
      const [sid] = ids(request);
      return ok({ operations: (await deps.saas().listOperations(principal.publisherId, sid)).map(operationView) });
    }),
    get: endpoint(options, async (request, { principal }) => {
      const [sid, oid] = ids(request);
      return ok(operationView((await deps.saas().getOperation(principal.publisherId, sid, oid)).value));
    }),
    patch: endpoint(options, async (request, { principal }) => {
      const [sid, oid] = ids(request);
      const status = parseOperationStatus(await readBody(request, deps.maxJsonBodyBytes));
      await deps.saas().patchOperation(principal.publisherId, sid, oid, status);
      return { status: 200 };
    }),
  };
}

const handlers = once(() => {
  const s = services();
  return makeSaasOperationHandlers({
    saas: () => s.saas().fulfillment,
    authenticator: () => s.authenticator,
    maxJsonBodyBytes: s.config.maxJsonBodyBytes,
  });
});

const OPS = 'api/saas/subscriptions/{subscriptionId}/operations';

app.http('saas-operations-list', { methods: ['GET'], route: OPS, authLevel: 'anonymous', handler: lazyHandler(() => handlers().list) });

app.http('saas-operations-get', {
  methods: ['GET'],
  route: `${OPS}/{operationId}`,
  authLevel: 'anonymous',
  handler: lazyHandler(() => handlers().get),
});

app.http('saas-operations-patch', {
  methods: ['PATCH'],
  route: `${OPS}/{operationId}`,
  authLevel: 'anonymous',
  handler: lazyHandler(() => handlers().patch),
});
