/**
 * The storefront's catalog for customers (decisions 1002, 1003):
 * - `GET /api/storefront/offers`: the live offers of every publisher that the caller's tenant can buy a plan of,
 *   50 a page, `{ offers, @nextLink }` (`continuationToken` from `@nextLink`);
 * - `GET /api/storefront/offers/{publisherId}/{offerId}`: one live offer with the plans the caller's tenant may buy.
 * Customer tokens; an offer that is not live is 404. Each offer as `storefrontOfferView` shows it: never the
 * technical configuration, audiences or lead destination.
 */
import { app, type HttpHandler } from '@azure/functions';
import type { Authenticator } from '../shared/auth/principal';
import { offerParams } from '../shared/catalog/http/params';
import { storefrontOfferView } from '../shared/catalog/http/storefront-view';
import type { OfferCatalog } from '../shared/catalog/ports';
import type { StorefrontListing } from '../shared/catalog/service/storefront-listing';
import { services } from '../shared/composition';
import { decodePageToken, encodePageToken } from '../shared/console/page-token';
import { NotFoundError, ValidationError } from '../shared/errors';
import { endpoint } from '../shared/http/endpoint';
import { lazyHandler, once } from '../shared/http/lazy';
import { baseUrlOf, parseParams, queryObject } from '../shared/http/request';
import { ok } from '../shared/http/responses';
import { surfaces } from '../shared/http/surfaces';

const NAME = /^[A-Za-z0-9._-]{1,100}$/;

export function makeStorefrontOfferHandler(deps: { catalog: OfferCatalog; authenticator: () => Authenticator }): HttpHandler {
  return endpoint({ surface: surfaces.storefront, allow: ['customer'] as const, authenticator: deps.authenticator }, async (request, { principal }) => {
    const { publisherId, offerId } = parseParams(request, offerParams);
    const offer = await deps.catalog.getLiveOffer(publisherId, offerId);
    if (!offer) throw new NotFoundError(`The offer ${publisherId}/${offerId} is not live.`);
    return ok(storefrontOfferView(offer, principal.tenantId), { 'cache-control': 'no-store' });
  });
}

export function makeStorefrontOffersHandler(deps: {
  listing: StorefrontListing;
  authenticator: () => Authenticator;
  publicBaseUrl?: string;
}): HttpHandler {
  return endpoint({ surface: surfaces.storefront, allow: ['customer'] as const, authenticator: deps.authenticator }, async (request, { principal }) => {
    const token = queryObject(request, ['continuationToken'])['continuationToken'];
    const parts = token === undefined ? undefined : decodePageToken(token, 2, (p) => NAME.test(p));
    if (token !== undefined && !parts) {
      throw new ValidationError('The continuation token is not valid: pass the one from @nextLink.', [], 'InvalidContinuationToken', 'continuationToken');
    }
    const after = parts ? { publisherId: parts[0] as string, offerId: parts[1] as string } : undefined;
    const page = await deps.listing.list(principal.tenantId, after);
    const next = page.next
      ? `${baseUrlOf(request, deps.publicBaseUrl)}/api/storefront/offers?continuationToken=${encodePageToken([page.next.publisherId, page.next.offerId])}`
      : undefined;
    return ok(
      { offers: page.items.map((o) => storefrontOfferView(o, principal.tenantId)), ...(next ? { '@nextLink': next } : {}) },
      { 'cache-control': 'no-store' },
    );
  });
}

const handler = once(() => {
  const s = services();
  return makeStorefrontOfferHandler({ catalog: s.catalog.reader, authenticator: () => s.authenticator });
});

const listHandler = once(() => {
  const s = services();
  return makeStorefrontOffersHandler({
    listing: s.catalog.storefront,
    authenticator: () => s.authenticator,
    ...(s.config.publicBaseUrl ? { publicBaseUrl: s.config.publicBaseUrl } : {}),
  });
});

app.http('storefront-offers', {
  methods: ['GET'],
  route: 'api/storefront/offers',
  authLevel: 'anonymous',
  handler: lazyHandler(() => listHandler()),
});

app.http('storefront-offer', {
  methods: ['GET'],
  route: 'api/storefront/offers/{publisherId}/{offerId}',
  authLevel: 'anonymous',
  handler: lazyHandler(() => handler()),
});
