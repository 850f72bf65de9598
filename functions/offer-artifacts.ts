/**
 * Package artifacts of an offer (specs/publish.md 2.11.1, a local extension of the CPP API):
 * `POST .../artifacts?kind=&fileName=[&planId=]` with the raw bytes, `GET .../artifacts`, `GET .../artifacts/{id}`,
 * `GET .../artifacts/{id}/content` (the bytes, with the publisher's token) and `DELETE .../artifacts/{id}`
 * (409 while the draft or a frozen version refers to it).
 */
import { app } from '@azure/functions';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { Readable } from 'node:stream';
import { z } from 'zod';
import type { Authenticator } from '../shared/auth/principal';
import { ARTIFACT_KIND_NAMES, type ArtifactKind } from '../shared/catalog/model/artifact-kinds';
import { callerOf } from '../shared/catalog/http/caller';
import { planIdSchema } from '../shared/catalog/model/ids';
import type { ArtifactsService } from '../shared/catalog/service/artifacts';
import { artifactView } from '../shared/catalog/http/views';
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

const offerParams = z.object({ publisherId: z.string().transform((v) => v.toLowerCase()), offerId: z.string() });
const artifactParams = offerParams.extend({ artifactId: z.string() });
const uploadQuery = z.object({
  kind: z.enum(ARTIFACT_KIND_NAMES as [ArtifactKind, ...ArtifactKind[]], { error: `must be one of ${ARTIFACT_KIND_NAMES.join(', ')}` }),
  fileName: z
    .string({ error: 'is required' })
    .min(1, 'is required')
    .max(255, 'must be at most 255 characters')
    .refine((v) => !/[\\/\0]/.test(v), 'must be a file name without a path'),
  planId: planIdSchema.optional(),
});

function declaredLength(header: string | null): number | undefined {
  if (header === null || !/^\d+$/.test(header.trim())) return undefined;
  return Number(header);
}

export function makeArtifactsHandlers(deps: ArtifactsDeps) {
  const options = { surface: surfaces.offers, allow: ['publisher', 'operator'] as const, authenticator: deps.authenticator };
  const version = (v: string | undefined) => v ?? '2017-10-31';
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
      const body = artifactView(result.artifact, baseUrlOf(request, deps.publicBaseUrl), version(apiVersion));
      if (!result.created) return ok(body);
      return created(body, {
        location: `/api/publishers/${publisherId}/offers/${offerId}/artifacts/${result.artifact.id}?api-version=${version(apiVersion)}`,
      });
    }),

    list: endpoint(options, async (request, { principal, apiVersion }) => {
      const { publisherId, offerId } = parseParams(request, offerParams);
      const artifacts = await deps.artifacts.list(callerOf(principal), publisherId, offerId);
      return ok(artifacts.map((a) => artifactView(a, baseUrlOf(request, deps.publicBaseUrl), version(apiVersion))));
    }),

    get: endpoint(options, async (request, { principal, apiVersion }) => {
      const { publisherId, offerId, artifactId } = parseParams(request, artifactParams);
      const artifact = await deps.artifacts.get(callerOf(principal), publisherId, offerId, artifactId);
      return ok(artifactView(artifact, baseUrlOf(request, deps.publicBaseUrl), version(apiVersion)));
    }),

    content: endpoint(options, async (request, { principal }) => {
      const { publisherId, offerId, artifactId } = parseParams(request, artifactParams);
      const { artifact, body, size } = await deps.artifacts.download(callerOf(principal), publisherId, offerId, artifactId);
      return {
        status: 200,
        body: Readable.from(body as AsyncIterable<Buffer>),
        headers: {
          'content-type': artifact.contentType,
          'content-length': String(size),
          'content-disposition': `attachment; filename="${artifact.fileName.replace(/["\\\r\n]/g, '_')}"`,
          etag: `"${artifact.sha256}"`,
        },
      };
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
