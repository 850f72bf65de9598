/**
 * The customer side (architecture.md, Storefront and admin routes; the spec's `/_sim` A3 routes): purchase, a fresh
 * purchase token, customer-initiated plan/quantity changes and cancellation, and auto-renew. Customer tokens only;
 * a customer reaches only subscriptions its tenant bought or benefits from (others are 404). problem+json errors.
 */
import { app, type HttpHandler } from '@azure/functions';
import type { Authenticator } from '../shared/auth/principal';
import { durableClientInput, services } from '../shared/composition';
import { endpoint } from '../shared/http/endpoint';
import { lazyHandler, once } from '../shared/http/lazy';
import { created, ok } from '../shared/http/responses';
import { surfaces } from '../shared/http/surfaces';
import { readAutoRenew, readPlanChange, readPurchase, readQuantityChange } from '../shared/saas/http/storefront';
import { operationView, purchasedView, subscriptionView } from '../shared/saas/http/views';
import type { Storefront } from '../shared/saas/service/storefront';

export interface StorefrontDeps {
  saas: () => Storefront;
  authenticator: () => Authenticator;
  maxJsonBodyBytes: number;
}

const sid = (request: { params: Record<string, string> }) => request.params['id'] ?? '';

export function makeStorefrontHandlers(
  deps: StorefrontDeps,
): Record<'purchase' | 'token' | 'changePlan' | 'changeQuantity' | 'cancel' | 'autoRenew', HttpHandler> {
  const options = { surface: surfaces.storefront, allow: ['customer'] as const, authenticator: deps.authenticator };
  const max = deps.maxJsonBodyBytes;
  return {
    purchase: endpoint(options, async (request, { principal }) => {
      const result = await deps.saas().purchaseAs(principal, await readPurchase(request, max));
      return created(purchasedView(result), { location: `/api/storefront/subscriptions/${result.subscription.id}` });
    }),
    token: endpoint(options, async (request, { principal }) =>
      ok(purchasedView(await deps.saas().token(principal.tenantId, sid(request)))),
    ),
    changePlan: endpoint(options, async (request, { principal }) => {
      const change = await readPlanChange(request, max);
      return ok(operationView(await deps.saas().change(principal.tenantId, sid(request), change)));
    }),
    changeQuantity: endpoint(options, async (request, { principal }) => {
      const change = await readQuantityChange(request, max);
      return ok(operationView(await deps.saas().change(principal.tenantId, sid(request), change)));
    }),
    cancel: endpoint(options, async (request, { principal }) =>
      ok(operationView(await deps.saas().cancel(principal.tenantId, sid(request)))),
    ),
    autoRenew: endpoint(options, async (request, { principal }) => {
      const autoRenew = await readAutoRenew(request, max);
      return ok(subscriptionView(await deps.saas().setAutoRenew(principal.tenantId, sid(request), autoRenew)));
    }),
  };
}

const handlers = once(() => {
  const s = services();
  return makeStorefrontHandlers({
    saas: () => s.saas().storefront,
    authenticator: () => s.authenticator,
    maxJsonBodyBytes: s.config.maxJsonBodyBytes,
  });
});

// Unconstrained id: a non-GUID id gets the same problem+json 404 as an unknown one (the service checks the format).
const SUB = 'api/storefront/subscriptions/{id}';

app.http('storefront-purchase', {
  methods: ['POST'],
  route: 'api/storefront/purchases',
  authLevel: 'anonymous',
  handler: lazyHandler(() => handlers().purchase),
});

app.http('storefront-token', {
  methods: ['POST'],
  route: `${SUB}/token`,
  authLevel: 'anonymous',
  handler: lazyHandler(() => handlers().token),
});

app.http('storefront-change-plan', {
  methods: ['POST'],
  route: `${SUB}/changePlan`,
  authLevel: 'anonymous',
  extraInputs: [durableClientInput],
  handler: lazyHandler(() => handlers().changePlan),
});

app.http('storefront-change-quantity', {
  methods: ['POST'],
  route: `${SUB}/changeQuantity`,
  authLevel: 'anonymous',
  extraInputs: [durableClientInput],
  handler: lazyHandler(() => handlers().changeQuantity),
});

app.http('storefront-cancel', {
  methods: ['POST'],
  route: `${SUB}/cancel`,
  authLevel: 'anonymous',
  extraInputs: [durableClientInput],
  handler: lazyHandler(() => handlers().cancel),
});

app.http('storefront-auto-renew', {
  methods: ['PATCH'],
  route: SUB,
  authLevel: 'anonymous',
  handler: lazyHandler(() => handlers().autoRenew),
});
