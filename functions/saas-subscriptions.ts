/**
 * SaaS fulfillment API v2, subscription endpoints (specs/saas-licensing.md A1.3, seed 004 ~25362–25937):
 * resolve, activate, list, get, listAvailablePlans, PATCH (plan or quantity) and DELETE. api-version 2018-08-31,
 * 403 for a bad token or another publisher's subscription, the flat `{code, message, target, details}` error body.
 * The id is an unconstrained `{subscriptionId}` so that a non-GUID id reaches the service and gets the SaaS 404
 * `EntityNotFound` body like any unknown id [DEC-A4] (a `:guid` constraint gave the host's bare 404); `POST
 * subscriptions/resolve` still wins, because a literal segment beats a parameter and no id route takes POST alone.
 */
import { app, type HttpHandler } from '@azure/functions';
import type { Authenticator } from '../shared/auth/principal';
import { durableClientInput, services } from '../shared/composition';
import { endpoint } from '../shared/http/endpoint';
import { lazyHandler, once } from '../shared/http/lazy';
import { baseUrlOf, queryObject } from '../shared/http/request';
import { accepted, ok } from '../shared/http/responses';
import { surfaces } from '../shared/http/surfaces';
import { continuation, nextLink, operationLocation, parseChange, readBody } from '../shared/saas/http/fulfillment';
import { planView, resolveView, subscriptionView } from '../shared/saas/http/views';
import type { FulfillmentApi } from '../shared/saas/service/fulfillment';

export interface SaasSubscriptionDeps {
  saas: () => FulfillmentApi;
  authenticator: () => Authenticator;
  maxJsonBodyBytes: number;
  publicBaseUrl?: string;
}

const id = (request: { params: Record<string, string> }) => request.params['subscriptionId'] ?? '';

export function makeSaasSubscriptionHandlers(
  deps: SaasSubscriptionDeps,
): Record<'resolve' | 'activate' | 'list' | 'get' | 'plans' | 'patch' | 'remove', HttpHandler> {
  const options = { surface: surfaces.saas, allow: ['publisher'] as const, authenticator: deps.authenticator };
  return {
    resolve: endpoint(options, async (request, { principal }) => {
      const sub = await deps.saas().resolve(principal.publisherId, request.headers.get('x-ms-marketplace-token'));
      return ok(resolveView(sub));
    }),
    activate: endpoint(options, async (request, { principal }) => {
      const body = await readBody(request, deps.maxJsonBodyBytes);
      await deps.saas().activate(principal.publisherId, id(request), body);
      return { status: 200 };
    }),
    list: endpoint(options, async (request, { principal }) => {
      const token = queryObject(request, ['continuationToken'])['continuationToken'];
      const after = token !== undefined ? continuation.decode(token) : undefined;
      const page = await deps.saas().list(principal.publisherId, after);
      const next = nextLink(baseUrlOf(request, deps.publicBaseUrl), page.next);
      return ok({ subscriptions: page.items.map(subscriptionView), ...(next ? { '@nextLink': next } : {}) });
    }),
    get: endpoint(options, async (request, { principal }) =>
      ok(subscriptionView(await deps.saas().get(principal.publisherId, id(request)))),
    ),
    plans: endpoint(options, async (request, { principal }) => {
      const planId = queryObject(request, ['planId'])['planId'];
      return ok({ plans: (await deps.saas().availablePlans(principal.publisherId, id(request), planId)).map(planView) });
    }),
    patch: endpoint(options, async (request, { principal }) => {
      const change = parseChange(await readBody(request, deps.maxJsonBodyBytes));
      const op = await deps.saas().change(principal.publisherId, id(request), change);
      return accepted(undefined, operationLocation(baseUrlOf(request, deps.publicBaseUrl), op.subscriptionId, op.id));
    }),
    remove: endpoint(options, async (request, { principal }) => {
      const op = await deps.saas().cancel(principal.publisherId, id(request));
      return accepted(undefined, operationLocation(baseUrlOf(request, deps.publicBaseUrl), op.subscriptionId, op.id));
    }),
  };
}

const handlers = once(() => {
  const s = services();
  return makeSaasSubscriptionHandlers({
    saas: () => s.saas().fulfillment,
    authenticator: () => s.authenticator,
    maxJsonBodyBytes: s.config.maxJsonBodyBytes,
    ...(s.config.publicBaseUrl ? { publicBaseUrl: s.config.publicBaseUrl } : {}),
  });
});

const SUB = 'api/saas/subscriptions/{subscriptionId}';

app.http('saas-subscriptions-resolve', {
  methods: ['POST'],
  route: 'api/saas/subscriptions/resolve',
  authLevel: 'anonymous',
  handler: lazyHandler(() => handlers().resolve),
});

app.http('saas-subscriptions-list', {
  methods: ['GET'],
  route: 'api/saas/subscriptions',
  authLevel: 'anonymous',
  handler: lazyHandler(() => handlers().list),
});

app.http('saas-subscriptions-get', { methods: ['GET'], route: SUB, authLevel: 'anonymous', handler: lazyHandler(() => handlers().get) });

app.http('saas-subscriptions-patch', {
  methods: ['PATCH'],
  route: SUB,
  authLevel: 'anonymous',
  extraInputs: [durableClientInput],
  handler: lazyHandler(() => handlers().patch),
});

app.http('saas-subscriptions-delete', {
  methods: ['DELETE'],
  route: SUB,
  authLevel: 'anonymous',
  extraInputs: [durableClientInput],
  handler: lazyHandler(() => handlers().remove),
});

app.http('saas-subscriptions-activate', {
  methods: ['POST'],
  route: `${SUB}/activate`,
  authLevel: 'anonymous',
  handler: lazyHandler(() => handlers().activate),
});

app.http('saas-subscriptions-plans', {
  methods: ['GET'],
  route: `${SUB}/listAvailablePlans`,
  authLevel: 'anonymous',
  handler: lazyHandler(() => handlers().plans),
});
