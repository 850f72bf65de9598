/**
 * `GET /api/storefront/subscriptions` (decision 1003): the subscriptions the caller's tenant bought or benefits
 * from, newest first, 50 a page, each as the fulfillment API shows it (`saasSubscriptionStatus` is its state),
 * `{ subscriptions, @nextLink }` (`continuationToken` from `@nextLink`). Customer tokens.
 */
import { app, type HttpHandler } from '@azure/functions';
import type { Authenticator } from '../shared/auth/principal';
import { services } from '../shared/composition';
import { decodePageToken, encodePageToken } from '../shared/console/page-token';
import { ValidationError } from '../shared/errors';
import { endpoint } from '../shared/http/endpoint';
import { lazyHandler, once } from '../shared/http/lazy';
import { baseUrlOf, queryObject } from '../shared/http/request';
import { ok } from '../shared/http/responses';
import { surfaces } from '../shared/http/surfaces';
import { subscriptionView } from '../shared/saas/http/views';
import { isTenantListKey } from '../shared/saas/rules/tenant-list';
import type { CustomerSubscriptionList } from '../shared/saas/service/customer-list';

export function makeStorefrontSubscriptionsHandler(deps: {
  list: () => CustomerSubscriptionList;
  authenticator: () => Authenticator;
  publicBaseUrl?: string;
}): HttpHandler {
  return endpoint({ surface: surfaces.storefront, allow: ['customer'] as const, authenticator: deps.authenticator }, async (request, { principal }) => {
    const token = queryObject(request, ['continuationToken'])['continuationToken'];
    const parts = token === undefined ? undefined : decodePageToken(token, 1, isTenantListKey);
    if (token !== undefined && !parts) {
      throw new ValidationError('The continuation token is not valid: pass the one from @nextLink.', [], 'InvalidContinuationToken', 'continuationToken');
    }
    const page = await deps.list().list(principal.tenantId, parts?.[0]);
    const next = page.next
      ? `${baseUrlOf(request, deps.publicBaseUrl)}/api/storefront/subscriptions?continuationToken=${encodePageToken([page.next])}`
      : undefined;
    return ok({ subscriptions: page.items.map(subscriptionView), ...(next ? { '@nextLink': next } : {}) }, { 'cache-control': 'no-store' });
  });
}

const handler = once(() => {
  const s = services();
  return makeStorefrontSubscriptionsHandler({
    list: () => s.saas().customerList,
    authenticator: () => s.authenticator,
    ...(s.config.publicBaseUrl ? { publicBaseUrl: s.config.publicBaseUrl } : {}),
  });
});

app.http('storefront-subscriptions', {
  methods: ['GET'],
  route: 'api/storefront/subscriptions',
  authLevel: 'anonymous',
  handler: lazyHandler(() => handler()),
});
