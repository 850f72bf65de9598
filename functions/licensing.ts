/**
 * License management's HTTP routes (specs/saas-licensing.md B1.5, B1.7, B1.8; issue 15):
 * - `POST /v1/customers/{customerId}/users/{userId}/licenseupdates`: assign/remove one user's licenses (seed 003),
 *   Partner Center error bodies and `MS-RequestId`/`MS-CorrelationId` echoed, `MS-CV`/`MS-ServerId` added;
 * - `PUT /api/licensing/tenants/{tenantId}/subscriptions/{subscriptionId}`: link a per-seat SaaS subscription to the
 *   tenant's pool, optional body `{customerName, countryCode}` for the report (decision 0800);
 * - `GET /api/licensing/tenants/{tenantId}/pools`: the tenant's pools with provisioned/assigned/available seats;
 * - `GET /api/licensing/check?tenantId=&userId=&serviceId=`: the run-time license check (decision 0803);
 * - `GET /api/licensing/reports/licenses?from=&to=&offerId=&planId=&tenantId=`: the publisher's report (decision 0805).
 */
import { randomUUID } from 'node:crypto';
import { app, type HttpHandler, type HttpResponseInit } from '@azure/functions';
import type { Authenticator } from '../shared/auth/principal';
import { services } from '../shared/composition';
import { endpoint } from '../shared/http/endpoint';
import { lazyHandler, once } from '../shared/http/lazy';
import { parseParams, parseQuery } from '../shared/http/request';
import { created, ok } from '../shared/http/responses';
import { surfaces } from '../shared/http/surfaces';
import type { Licensing } from '../shared/licensing/composition';
import {
  callerOf,
  checkQuery,
  linkBody,
  linkParams,
  readLicenseUpdate,
  readOptionalJson,
  reportQuery,
  tenantParams,
  updateParams,
} from '../shared/licensing/http/requests';
import { checkView, licenseUpdateView, poolView } from '../shared/licensing/http/views';

export interface LicensingDeps {
  licensing: () => Licensing;
  authenticator: () => Authenticator;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Partner Center's response headers on every answer of the licenseupdates route [003:90-120]. */
function withPartnerHeaders(handler: HttpHandler): HttpHandler {
  return async (request, context) => {
    const response: HttpResponseInit = await handler(request, context);
    const echo = (name: string) => {
      const value = request.headers.get(name);
      return value && GUID.test(value) ? value : randomUUID();
    };
    return {
      ...response,
      headers: {
        ...(response.headers as Record<string, string> | undefined),
        'MS-RequestId': echo('ms-requestid'),
        'MS-CorrelationId': echo('ms-correlationid'),
        'MS-CV': `${randomUUID().replace(/-/g, '').slice(0, 22)}.0`,
        'MS-ServerId': 'marketplace-backend',
      },
    };
  };
}

export function makeLicensingHandlers(deps: LicensingDeps) {
  const all = ['customer', 'publisher', 'operator'] as const;
  const licenses = { surface: surfaces.licenses, allow: all, authenticator: deps.authenticator };
  const local = { surface: surfaces.public, allow: all, authenticator: deps.authenticator };
  return {
    licenseUpdates: withPartnerHeaders(
      endpoint(licenses, async (request, { principal }) => {
        const { customerId, userId } = parseParams(request, updateParams);
        const caller = callerOf(principal);
        deps.licensing().update.authorize(caller, customerId);
        const body = await readLicenseUpdate(request);
        return created(licenseUpdateView(await deps.licensing().update.apply(caller, customerId, userId, body)));
      }),
    ),
    link: endpoint(local, async (request, { principal }) => {
      const { tenantId, subscriptionId } = parseParams(request, linkParams);
      const body = await readOptionalJson(request, linkBody, 4096);
      const result = await deps.licensing().link.link(callerOf(principal), tenantId, subscriptionId, body);
      const view = poolView(result.pool, result.status);
      return result.created ? created(view) : ok(view);
    }),
    pools: endpoint(local, async (request, { principal }) => {
      const { tenantId } = parseParams(request, tenantParams);
      const pools = await deps.licensing().pools.list(callerOf(principal), tenantId);
      return ok({ pools: pools.map((p) => poolView(p.pool, p.status)) });
    }),
    report: endpoint(local, async (request, { principal }) => {
      return ok(await deps.licensing().report.licenses(callerOf(principal), parseQuery(request, reportQuery)));
    }),
    check: endpoint(local, async (request, { principal }) => {
      const query = parseQuery(request, checkQuery);
      return ok(checkView(await deps.licensing().check.check(callerOf(principal), query.tenantId, query.userId, query.serviceId)));
    }),
  };
}

const handlers = once(() => {
  const s = services();
  return makeLicensingHandlers({ licensing: () => s.licensing(), authenticator: () => s.authenticator });
});

app.http('licensing-license-updates', {
  methods: ['POST'],
  route: 'v1/customers/{customerId}/users/{userId}/licenseupdates',
  authLevel: 'anonymous',
  handler: lazyHandler(() => handlers().licenseUpdates),
});

app.http('licensing-link-subscription', {
  methods: ['PUT'],
  route: 'api/licensing/tenants/{tenantId}/subscriptions/{subscriptionId}',
  authLevel: 'anonymous',
  handler: lazyHandler(() => handlers().link),
});

app.http('licensing-pools', {
  methods: ['GET'],
  route: 'api/licensing/tenants/{tenantId}/pools',
  authLevel: 'anonymous',
  handler: lazyHandler(() => handlers().pools),
});

app.http('licensing-check', {
  methods: ['GET'],
  route: 'api/licensing/check',
  authLevel: 'anonymous',
  handler: lazyHandler(() => handlers().check),
});

app.http('licensing-report', {
  methods: ['GET'],
  route: 'api/licensing/reports/licenses',
  authLevel: 'anonymous',
  handler: lazyHandler(() => handlers().report),
});
