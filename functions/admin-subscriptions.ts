/**
 * Billing-system events an operator drives (architecture.md, Storefront and admin routes): suspend (payment
 * failure), reinstate (payment received) and renew (end of term now). Illegal source states → 409 (C.11-99).
 * Also the operator's view of the billing ledger (the spec's `GET /_sim/ledger`, A3) and payment-fault injection
 * (the spec's `POST /_sim/faults`, C.10-94); decision 0416 explains the routes.
 */
import { app, type HttpHandler } from '@azure/functions';
import type { Authenticator } from '../shared/auth/principal';
import { durableClientInput, services } from '../shared/composition';
import { endpoint } from '../shared/http/endpoint';
import { lazyHandler, once } from '../shared/http/lazy';
import { ok } from '../shared/http/responses';
import { surfaces } from '../shared/http/surfaces';
import { readPaymentFault } from '../shared/saas/http/admin';
import { ledgerView, operationView, paymentFaultView, subscriptionView } from '../shared/saas/http/views';
import type { BillingEvents } from '../shared/saas/service/billing';

export interface AdminSubscriptionDeps {
  saas: () => BillingEvents;
  authenticator: () => Authenticator;
  maxJsonBodyBytes: number;
}

type Action = 'suspend' | 'reinstate' | 'renew' | 'ledger' | 'faults';

export function makeAdminSubscriptionHandlers(deps: AdminSubscriptionDeps): Record<Action, HttpHandler> {
  const options = { surface: surfaces.admin, allow: ['operator'] as const, authenticator: deps.authenticator };
  const id = (request: { params: Record<string, string> }) => request.params['id'] ?? '';
  return {
    suspend: endpoint(options, async (request) => ok(operationView(await deps.saas().suspend(id(request))))),
    reinstate: endpoint(options, async (request) => ok(operationView(await deps.saas().reinstate(id(request))))),
    renew: endpoint(options, async (request) => {
      const op = await deps.saas().renew(id(request));
      // A trial conversion creates no operation (A2 row 26): the converted subscription is the answer.
      return ok(op ? operationView(op) : subscriptionView((await deps.saas().ledger(id(request))).subscription));
    }),
    ledger: endpoint(options, async (request) => ok(ledgerView(await deps.saas().ledger(id(request))))),
    faults: endpoint(options, async (request) => {
      const payment = await readPaymentFault(request, deps.maxJsonBodyBytes);
      return ok(paymentFaultView(await deps.saas().setPaymentFault(id(request), payment)));
    }),
  };
}

const handlers = once(() => {
  const s = services();
  return makeAdminSubscriptionHandlers({
    saas: () => s.saas().billing,
    authenticator: () => s.authenticator,
    maxJsonBodyBytes: s.config.maxJsonBodyBytes,
  });
});

// Unconstrained id: a non-GUID id gets the same problem+json 404 as an unknown one (the service checks the format).
const SUB = 'api/admin/subscriptions/{id}';

for (const action of ['suspend', 'reinstate', 'renew'] as const) {
  app.http(`admin-subscriptions-${action}`, {
    methods: ['POST'],
    route: `${SUB}/${action}`,
    authLevel: 'anonymous',
    extraInputs: [durableClientInput],
    handler: lazyHandler(() => handlers()[action]),
  });
}

app.http('admin-subscriptions-ledger', {
  methods: ['GET'],
  route: `${SUB}/ledger`,
  authLevel: 'anonymous',
  handler: lazyHandler(() => handlers().ledger),
});

app.http('admin-subscriptions-faults', {
  methods: ['PUT'],
  route: `${SUB}/faults`,
  authLevel: 'anonymous',
  handler: lazyHandler(() => handlers().faults),
});
