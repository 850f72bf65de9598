/**
 * `POST /api/admin/offers/{publisherId}/{offerId}/freeze` (operators; architecture.md, Storefront and admin
 * routes): until the publish pipeline exists, the current draft becomes live version N and purchasable. Answers
 * 201 with the frozen version in the offers shape and its Location; 422 when the draft cannot be sold yet
 * (details name each field); an optional `If-Match` pins the draft that is meant.
 */
import { app } from '@azure/functions';
import type { Authenticator } from '../shared/auth/principal';
import { callerOf } from '../shared/catalog/http/caller';
import { offerParams } from '../shared/catalog/http/params';
import { API_VERSION, offerResponse } from '../shared/catalog/http/views';
import type { OffersService } from '../shared/catalog/service/offers';
import { services } from '../shared/composition';
import { endpoint } from '../shared/http/endpoint';
import { lazyHandler, once } from '../shared/http/lazy';
import { baseUrlOf, parseParams } from '../shared/http/request';
import { created } from '../shared/http/responses';
import { surfaces } from '../shared/http/surfaces';

export interface AdminOffersDeps {
  offers: OffersService;
  authenticator: () => Authenticator;
  publicBaseUrl?: string;
}

export function makeAdminOffersHandlers(deps: AdminOffersDeps) {
  const options = { surface: surfaces.admin, allow: ['operator'] as const, authenticator: deps.authenticator };
  return {
    freeze: endpoint(options, async (request, { principal }) => {
      const { publisherId, offerId } = parseParams(request, offerParams);
      const result = await deps.offers.freeze(callerOf(principal), publisherId, offerId, request.headers.get('if-match'));
      const { body, headers } = offerResponse(result, baseUrlOf(request, deps.publicBaseUrl), API_VERSION);
      return created(body, {
        ...headers,
        location: `/api/publishers/${publisherId}/offers/${offerId}/versions/${result.frozen.version}?api-version=${API_VERSION}`,
      });
    }),
  };
}

const handlers = once(() => {
  const s = services();
  return makeAdminOffersHandlers({
    offers: s.catalog.offers,
    authenticator: () => s.authenticator,
    ...(s.config.publicBaseUrl ? { publicBaseUrl: s.config.publicBaseUrl } : {}),
  });
});

app.http('admin-offers-freeze', {
  methods: ['POST'],
  route: 'api/admin/offers/{publisherId}/{offerId}/freeze',
  authLevel: 'anonymous',
  handler: lazyHandler(() => handlers().freeze),
});
