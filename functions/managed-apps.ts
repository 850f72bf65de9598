/**
 * Deployed managed applications (decision 0314), on ARM's own path so code inside a managed application finds its
 * resourceUsageId as the seed's script does (seed 004 ~24671–24675):
 * `PUT|GET /subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Solutions/applications/{applicationName}`.
 * PUT: a customer deploys a managed application plan (201, or 200 for the same deployment again). GET: the
 * customer, the offer's publisher, or a managed identity of the application's own resources.
 */
import { app, type HttpRequest } from '@azure/functions';
import type { Authenticator, Principal } from '../shared/auth/principal';
import { services } from '../shared/composition';
import { NotFoundError } from '../shared/errors';
import { endpoint } from '../shared/http/endpoint';
import { lazyHandler, once } from '../shared/http/lazy';
import { created, ok } from '../shared/http/responses';
import { surfaces } from '../shared/http/surfaces';
import { applicationView, readDeployBody } from '../shared/metering/http/managed-apps';
import { applicationIdOf } from '../shared/metering/rules/managed-app';
import type { AppReader, ManagedApplications } from '../shared/metering/service/managed-apps';

export interface ManagedAppsDeps {
  managedApps: ManagedApplications | undefined;
  authenticator: () => Authenticator;
  maxJsonBodyBytes: number;
}

function applicationIdFrom(request: HttpRequest): string {
  const p = request.params;
  return applicationIdOf(p['subscriptionId'] ?? '', p['resourceGroupName'] ?? '', p['applicationName'] ?? '');
}

function readerOf(principal: Principal): AppReader {
  if (principal.kind === 'publisher') return { kind: 'publisher', publisherId: principal.publisherId };
  if (principal.kind === 'managedIdentity') return { kind: 'managedIdentity', identityResourceId: principal.resourceId };
  return { kind: 'customer', tenantId: principal.tenantId };
}

export function makeManagedAppHandlers(deps: ManagedAppsDeps) {
  const apps = () => {
    if (!deps.managedApps) throw new NotFoundError('Managed applications need the catalog.');
    return deps.managedApps;
  };
  return {
    put: endpoint(
      { surface: surfaces.storefront, allow: ['customer'] as const, authenticator: deps.authenticator },
      async (request, { principal }) => {
        const body = await readDeployBody(request, deps.maxJsonBodyBytes);
        const result = await apps().deploy({
          applicationId: applicationIdFrom(request),
          managedResourceGroupId: body.properties.managedResourceGroupId,
          plan: body.plan,
          customerTenantId: principal.tenantId,
        });
        const view = applicationView(result.app, body.location);
        return result.created ? created(view) : ok(view);
      },
    ),
    get: endpoint(
      { surface: surfaces.storefront, allow: ['customer', 'publisher', 'managedIdentity'] as const, authenticator: deps.authenticator },
      async (request, { principal }) => ok(applicationView(await apps().get(applicationIdFrom(request), readerOf(principal)))),
    ),
  };
}

const handlers = once(() => {
  const s = services();
  return makeManagedAppHandlers({
    managedApps: s.metering().managedApps,
    authenticator: () => s.authenticator,
    maxJsonBodyBytes: s.config.maxJsonBodyBytes,
  });
});

const route =
  'subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Solutions/applications/{applicationName}';

app.http('managed-app-deploy', { methods: ['PUT'], route, authLevel: 'anonymous', handler: lazyHandler(() => handlers().put) });
app.http('managed-app-get', { methods: ['GET'], route, authLevel: 'anonymous', handler: lazyHandler(() => handlers().get) });
