/**
 * `POST /api/admin/offers/{publisherId}/{offerId}/freeze` (operators; architecture.md, Storefront and admin
 * routes): until the publish pipeline exists, the current draft becomes live version N and purchasable. Answers
 * 201 with the frozen version in the offers shape and its Location; 422 when the draft cannot be sold yet
 * (details name each field); an optional `If-Match` pins the draft that is meant.
 */
import { app } from '@azure/functions';
import { z } from 'zod';
import type { Authenticator } from '../shared/auth/principal';
import { callerOf } from '../shared/catalog/http/caller';
import type { OffersService } from '../shared/catalog/service/offers';
import { API_VERSION, envelope, etagOf } from '../shared/catalog/http/views';
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

const params = z.object({ publisherId: z.string().transform((v) => v.toLowerCase()), offerId: z.string() });

export function makeAdminOffersHandlers(deps: AdminOffersDeps) {
  const options = { surface: surfaces.admin, allow: ['operator'] as const, authenticator: deps.authenticator };
  return {
    freeze: endpoint(options, async (request, { principal }) => {
      const { publisherId, offerId } = parseParams(request, params);
      const result = await deps.offers.freeze(callerOf(principal), publisherId, offerId, request.headers.get('if-match'));
      const body = envelope(result.record, result.document, {
        baseUrl: baseUrlOf(request, deps.publicBaseUrl),
        apiVersion: API_VERSION,
        frozen: result.frozen,
      });
      return created(body, {
        etag: etagOf(result.record, result.frozen),
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
