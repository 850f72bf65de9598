/**
 * `GET /api/storefront/offers/{publisherId}/{offerId}` (decision 1002): the live offer as a customer sees it on the
 * storefront, with the plans the caller's tenant may buy. Customer tokens; an offer that is not live is 404.
 */
import { app, type HttpHandler } from '@azure/functions';
import type { Authenticator } from '../shared/auth/principal';
import { offerParams } from '../shared/catalog/http/params';
import { storefrontOfferView } from '../shared/catalog/http/storefront-view';
import type { OfferCatalog } from '../shared/catalog/ports';
import { services } from '../shared/composition';
import { NotFoundError } from '../shared/errors';
import { endpoint } from '../shared/http/endpoint';
import { lazyHandler, once } from '../shared/http/lazy';
import { parseParams } from '../shared/http/request';
import { ok } from '../shared/http/responses';
import { surfaces } from '../shared/http/surfaces';

export function makeStorefrontOfferHandler(deps: { catalog: OfferCatalog; authenticator: () => Authenticator }): HttpHandler {
  return endpoint({ surface: surfaces.storefront, allow: ['customer'] as const, authenticator: deps.authenticator }, async (request, { principal }) => {
    const { publisherId, offerId } = parseParams(request, offerParams);
    const offer = await deps.catalog.getLiveOffer(publisherId, offerId);
    if (!offer) throw new NotFoundError(`The offer ${publisherId}/${offerId} is not live.`);
    return ok(storefrontOfferView(offer, principal.tenantId), { 'cache-control': 'no-store' });
  });
}

const handler = once(() => {
  const s = services();
  return makeStorefrontOfferHandler({ catalog: s.catalog.reader, authenticator: () => s.authenticator });
});

app.http('storefront-offer', {
  methods: ['GET'],
  route: 'api/storefront/offers/{publisherId}/{offerId}',
  authLevel: 'anonymous',
  handler: lazyHandler(() => handler()),
});
