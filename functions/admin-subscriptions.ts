/**
 * Billing-system events an operator drives (architecture.md, Storefront and admin routes): suspend (payment
 * failure), reinstate (payment received) and renew (end of term now). Illegal source states → 409 (C.11-99).
 */
import { app, type HttpHandler } from '@azure/functions';
import type { Authenticator } from '../shared/auth/principal';
import { services } from '../shared/composition';
import { endpoint } from '../shared/http/endpoint';
import { lazyHandler, once } from '../shared/http/lazy';
import { ok } from '../shared/http/responses';
import { surfaces } from '../shared/http/surfaces';
import { operationView } from '../shared/saas/rules';
import type { SaasService } from '../shared/saas/service';

export interface AdminSubscriptionDeps {
  saas: () => SaasService;
  authenticator: () => Authenticator;
}

export function makeAdminSubscriptionHandlers(deps: AdminSubscriptionDeps): Record<'suspend' | 'reinstate' | 'renew', HttpHandler> {
  const options = { surface: surfaces.admin, allow: ['operator'] as const, authenticator: deps.authenticator };
  const id = (request: { params: Record<string, string> }) => request.params['id'] ?? '';
  return {
    suspend: endpoint(options, async (request) => ok(operationView(await deps.saas().suspend(id(request))))),
    reinstate: endpoint(options, async (request) => ok(operationView(await deps.saas().reinstate(id(request))))),
    renew: endpoint(options, async (request) => {
      const op = await deps.saas().renew(id(request));
      return ok(op ? operationView(op) : {});
    }),
  };
}

const handlers = once(() => {
  const s = services();
  return makeAdminSubscriptionHandlers({ saas: () => s.saas().service, authenticator: () => s.authenticator });
});

for (const action of ['suspend', 'reinstate', 'renew'] as const) {
  app.http(`admin-subscriptions-${action}`, {
    methods: ['POST'],
    route: `api/admin/subscriptions/{id:guid}/${action}`,
    authLevel: 'anonymous',
    handler: lazyHandler(() => handlers()[action]),
  });
}
