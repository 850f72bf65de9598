/**
 * Package artifacts of an offer (specs/publish.md 2.11.1, a local extension of the CPP API):
 * `POST .../artifacts?kind=&fileName=[&planId=]` with the raw bytes, `GET .../artifacts`, `GET .../artifacts/{id}`,
 * `GET .../artifacts/{id}/content` (the bytes, with the publisher's token) and `DELETE .../artifacts/{id}`
 * (409 while the draft or a frozen version refers to it).
 */
import { app } from '@azure/functions';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { Authenticator } from '../shared/auth/principal';
import { callerOf } from '../shared/catalog/http/caller';
import { artifactParams, declaredLength, offerParams, uploadQuery } from '../shared/catalog/http/params';
import { artifactContent, artifactView, linkVersion } from '../shared/catalog/http/views';
import type { ArtifactsService } from '../shared/catalog/service/artifacts';
import { services } from '../shared/composition';
import { endpoint } from '../shared/http/endpoint';
import { lazyHandler, once } from '../shared/http/lazy';
import { baseUrlOf, parseParams, parseQuery } from '../shared/http/request';
import { created, noContent, ok } from '../shared/http/responses';
import { surfaces } from '../shared/http/surfaces';

export interface ArtifactsDeps {
  artifacts: ArtifactsService;
  authenticator: () => Authenticator;
  publicBaseUrl?: string;
}

export function makeArtifactsHandlers(deps: ArtifactsDeps) {
  const options = { surface: surfaces.offers, allow: ['publisher', 'operator'] as const, authenticator: deps.authenticator };
  return {
    upload: endpoint(options, async (request, { principal, apiVersion }) => {
      const { publisherId, offerId } = parseParams(request, offerParams);
      const result = await deps.artifacts.upload(callerOf(principal), publisherId, offerId, {
        options: () => parseQuery(request, uploadQuery),
        contentType: request.headers.get('content-type'),
        contentLength: declaredLength(request.headers.get('content-length')),
        chunked: /chunked/i.test(request.headers.get('transfer-encoding') ?? ''),
        body: request.body as WebReadableStream<Uint8Array> | null,
      });
      const body = artifactView(result.artifact, baseUrlOf(request, deps.publicBaseUrl), linkVersion(apiVersion));
      if (!result.created) return ok(body);
      return created(body, {
        location: `/api/publishers/${publisherId}/offers/${offerId}/artifacts/${result.artifact.id}?api-version=${linkVersion(apiVersion)}`,
      });
    }),

    list: endpoint(options, async (request, { principal, apiVersion }) => {
      const { publisherId, offerId } = parseParams(request, offerParams);
      const artifacts = await deps.artifacts.list(callerOf(principal), publisherId, offerId);
      return ok(artifacts.map((a) => artifactView(a, baseUrlOf(request, deps.publicBaseUrl), linkVersion(apiVersion))));
    }),

    get: endpoint(options, async (request, { principal, apiVersion }) => {
      const { publisherId, offerId, artifactId } = parseParams(request, artifactParams);
      const artifact = await deps.artifacts.get(callerOf(principal), publisherId, offerId, artifactId);
      return ok(artifactView(artifact, baseUrlOf(request, deps.publicBaseUrl), linkVersion(apiVersion)));
    }),

    content: endpoint(options, async (request, { principal }) => {
      const { publisherId, offerId, artifactId } = parseParams(request, artifactParams);
      const { artifact, body, size } = await deps.artifacts.download(callerOf(principal), publisherId, offerId, artifactId);
      return artifactContent(artifact, body, size);
    }),

    delete: endpoint(options, async (request, { principal }) => {
      const { publisherId, offerId, artifactId } = parseParams(request, artifactParams);
      await deps.artifacts.delete(callerOf(principal), publisherId, offerId, artifactId);
      return noContent();
    }),
  };
}

const handlers = once(() => {
  const s = services();
  return makeArtifactsHandlers({
    artifacts: s.catalog.artifacts,
    authenticator: () => s.authenticator,
    ...(s.config.publicBaseUrl ? { publicBaseUrl: s.config.publicBaseUrl } : {}),
  });
});

app.http('offer-artifacts-upload', {
  methods: ['POST'],
  route: 'api/publishers/{publisherId}/offers/{offerId}/artifacts',
  authLevel: 'anonymous',
  handler: lazyHandler(() => handlers().upload),
});

app.http('offer-artifacts-list', {
  methods: ['GET'],
  route: 'api/publishers/{publisherId}/offers/{offerId}/artifacts',
  authLevel: 'anonymous',
  handler: lazyHandler(() => handlers().list),
});

app.http('offer-artifacts-get', {
  methods: ['GET'],
  route: 'api/publishers/{publisherId}/offers/{offerId}/artifacts/{artifactId}',
  authLevel: 'anonymous',
  handler: lazyHandler(() => handlers().get),
});

app.http('offer-artifacts-content', {
  methods: ['GET'],
  route: 'api/publishers/{publisherId}/offers/{offerId}/artifacts/{artifactId}/content',
  authLevel: 'anonymous',
  handler: lazyHandler(() => handlers().content),
});

app.http('offer-artifacts-delete', {
  methods: ['DELETE'],
  route: 'api/publishers/{publisherId}/offers/{offerId}/artifacts/{artifactId}',
  authLevel: 'anonymous',
  handler: lazyHandler(() => handlers().delete),
});
