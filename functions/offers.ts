/**
 * Offers in the Cloud Partner Portal shape (specs/publish.md 2.2–2.4; seed 004 [L22845]–[L23412]):
 * `GET /api/publishers/{publisherId}/offers`, `GET|PUT|DELETE .../offers/{offerId}`, `GET .../versions/{version}`,
 * `GET .../slot/{slotId}` and `DELETE .../plans/{planId}` (a never-frozen plan, spec 2.11.3). Publisher tokens
 * read and change their own namespace; operators read any.
 */
import { app, type HttpRequest } from '@azure/functions';
import { z } from 'zod';
import type { Authenticator } from '../shared/auth/principal';
import { callerOf } from '../shared/catalog/http/caller';
import { offerParams, planParams, publisherParams, slotParams, versionParams } from '../shared/catalog/http/params';
import { linkVersion, offerResponse, summary } from '../shared/catalog/http/views';
import type { OffersService } from '../shared/catalog/service/offers';
import { services } from '../shared/composition';
import { endpoint } from '../shared/http/endpoint';
import { lazyHandler, once } from '../shared/http/lazy';
import { baseUrlOf, parseParams, readJson } from '../shared/http/request';
import { created, noContent, ok } from '../shared/http/responses';
import { surfaces } from '../shared/http/surfaces';

export interface OffersDeps {
  offers: OffersService;
  authenticator: () => Authenticator;
  maxJsonBodyBytes: number;
  publicBaseUrl?: string;
}

export function makeOffersHandlers(deps: OffersDeps) {
  const read = { surface: surfaces.offers, allow: ['publisher', 'operator'] as const, authenticator: deps.authenticator };
  const render = (request: HttpRequest, apiVersion: string | undefined, result: Awaited<ReturnType<OffersService['getVersion']>>) =>
    offerResponse(result, baseUrlOf(request, deps.publicBaseUrl), linkVersion(apiVersion));

  return {
    list: endpoint(read, async (request, { principal }) => {
      const { publisherId } = parseParams(request, publisherParams);
      const offers = await deps.offers.list(callerOf(principal), publisherId);
      return ok(offers.map(summary));
    }),

    get: endpoint(read, async (request, { principal, apiVersion }) => {
      const { publisherId, offerId } = parseParams(request, offerParams);
      const { body, headers } = render(request, apiVersion, await deps.offers.getDraft(callerOf(principal), publisherId, offerId));
      return ok(body, headers);
    }),

    getVersion: endpoint(read, async (request, { principal, apiVersion }) => {
      const { publisherId, offerId, version } = parseParams(request, versionParams);
      const { body, headers } = render(
        request,
        apiVersion,
        await deps.offers.getVersion(callerOf(principal), publisherId, offerId, version),
      );
      return ok(body, headers);
    }),

    getSlot: endpoint(read, async (request, { principal, apiVersion }) => {
      const { publisherId, offerId, slotId } = parseParams(request, slotParams);
      const { body, headers } = render(request, apiVersion, await deps.offers.getSlot(callerOf(principal), publisherId, offerId, slotId));
      return ok(body, headers);
    }),

    put: endpoint(read, async (request, { principal, apiVersion }) => {
      const { publisherId, offerId } = parseParams(request, offerParams);
      const result = await deps.offers.put(callerOf(principal), publisherId, offerId, {
        ifMatch: request.headers.get('if-match'),
        ifNoneMatch: request.headers.get('if-none-match'),
        readBody: () => readJson(request, z.unknown(), deps.maxJsonBodyBytes),
      });
      const { body, headers } = render(request, apiVersion, result);
      if (!result.created) return ok(body, headers);
      return created(body, {
        ...headers,
        location: `/api/publishers/${publisherId}/offers/${offerId}?api-version=${linkVersion(apiVersion)}`,
      });
    }),

    delete: endpoint(read, async (request, { principal }) => {
      const { publisherId, offerId } = parseParams(request, offerParams);
      await deps.offers.delete(callerOf(principal), publisherId, offerId, request.headers.get('if-match'));
      return noContent();
    }),

    deletePlan: endpoint(read, async (request, { principal }) => {
      const { publisherId, offerId, planId } = parseParams(request, planParams);
      const record = await deps.offers.deletePlan(callerOf(principal), publisherId, offerId, planId, request.headers.get('if-match'));
      return noContent({ etag: record.draftETag });
    }),
  };
}

const handlers = once(() => {
  const s = services();
  return makeOffersHandlers({
    offers: s.catalog.offers,
    authenticator: () => s.authenticator,
    maxJsonBodyBytes: s.config.maxJsonBodyBytes,
    ...(s.config.publicBaseUrl ? { publicBaseUrl: s.config.publicBaseUrl } : {}),
  });
});

app.http('offers-list', {
  methods: ['GET'],
  route: 'api/publishers/{publisherId}/offers',
  authLevel: 'anonymous',
  handler: lazyHandler(() => handlers().list),
});

app.http('offers-get', {
  methods: ['GET'],
  route: 'api/publishers/{publisherId}/offers/{offerId}',
  authLevel: 'anonymous',
  handler: lazyHandler(() => handlers().get),
});

app.http('offers-put', {
  methods: ['PUT'],
  route: 'api/publishers/{publisherId}/offers/{offerId}',
  authLevel: 'anonymous',
  handler: lazyHandler(() => handlers().put),
});

app.http('offers-delete', {
  methods: ['DELETE'],
  route: 'api/publishers/{publisherId}/offers/{offerId}',
  authLevel: 'anonymous',
  handler: lazyHandler(() => handlers().delete),
});

app.http('offers-version-get', {
  methods: ['GET'],
  route: 'api/publishers/{publisherId}/offers/{offerId}/versions/{version}',
  authLevel: 'anonymous',
  handler: lazyHandler(() => handlers().getVersion),
});

app.http('offers-slot-get', {
  methods: ['GET'],
  route: 'api/publishers/{publisherId}/offers/{offerId}/slot/{slotId}',
  authLevel: 'anonymous',
  handler: lazyHandler(() => handlers().getSlot),
});

app.http('offers-plan-delete', {
  methods: ['DELETE'],
  route: 'api/publishers/{publisherId}/offers/{offerId}/plans/{planId}',
  authLevel: 'anonymous',
  handler: lazyHandler(() => handlers().deletePlan),
});
