/**
 * What clients see: the Cloud Partner Portal envelope (specs/publish.md 1.3, [L23271]–[L23396]), the list summary
 * (2.2, [L22873]–[L22899]) and the artifact object (2.11.1). Secrets read as a placeholder, artifact references as
 * download URLs, and D365 CE license-managed plans show their Service ID.
 */
import type { HttpResponseInit } from '@azure/functions';
import { Readable } from 'node:stream';
import { serviceIdOf } from '../model/ids';
import type { ArtifactRecord, JsonObject, OfferDocument, OfferRecord, VersionRecord } from '../model/offer';
import { offerTypes } from '../model/offer-types';
import { artifactDownloadPath, resolveRefs } from '../rules/artifact-refs';
import { maskSecrets } from '../rules/secrets';

export const API_VERSION = '2017-10-31';

/** The api-version a response's links carry: the request's, else the current one. */
export const linkVersion = (apiVersion: string | undefined): string => apiVersion ?? API_VERSION;

/**
 * Offer status (spec 2.12). Until the publish pipeline exists, an offer is `neverPublished` until its first freeze
 * and `succeeded` (its last "submission" reached production) afterwards.
 */
export function offerStatus(record: OfferRecord): 'neverPublished' | 'succeeded' {
  return record.liveVersion > 0 ? 'succeeded' : 'neverPublished';
}

export function portalStatus(record: OfferRecord): 'Draft' | 'Live' {
  return record.liveVersion > 0 ? 'Live' : 'Draft';
}

export function summary(record: OfferRecord) {
  return {
    offerTypeId: record.offerTypeId,
    publisherId: record.publisherId,
    status: offerStatus(record),
    id: record.offerId,
    version: record.draftVersion,
    definition: { displayText: record.alias },
    changedTime: record.changedTime,
  };
}

/** The ETag of a frozen version: constant, and never equal to a draft ETag (so it never passes a PUT's If-Match). */
export function versionETag(record: OfferRecord, version: number): string {
  return `"${record.internalId}-v${version}"`;
}

export interface EnvelopeOptions {
  baseUrl: string;
  apiVersion: string;
  /** Present when rendering a frozen version rather than the draft. */
  frozen?: VersionRecord;
}

export function envelope(record: OfferRecord, document: OfferDocument, options: EnvelopeOptions) {
  const spec = offerTypes[document.offerTypeId];
  const licenseManaged =
    spec.id === 'microsoft-dynamics365-ce' && document.definition.offer[`${spec.namespace}.listingOption`] === 'appLicenseManagement';
  const plans = document.definition.plans.map((plan) => ({
    ...plan,
    ...(licenseManaged ? { serviceId: serviceIdOf(record.publisherId, record.offerId, plan.planId) } : {}),
    planStatus: record.frozenPlanIds.includes(plan.planId) ? 'live' : 'draft',
  }));
  const definition = resolveRefs(
    { displayText: document.definition.displayText, offer: maskSecrets(document.definition.offer), plans },
    record.publisherId,
    record.offerId,
    options.baseUrl,
    options.apiVersion,
  );
  const frozen = options.frozen;
  return {
    offerTypeId: record.offerTypeId,
    publisherId: record.publisherId,
    status: offerStatus(record),
    portalStatus: portalStatus(record),
    id: record.offerId,
    version: frozen ? frozen.version : record.draftVersion,
    offerTypeVersions: document.offerTypeVersions,
    definition,
    changedTime: frozen ? frozen.frozenTime : record.changedTime,
    eTag: frozen ? versionETag(record, frozen.version) : record.draftETag,
    internalId: record.internalId,
  };
}

export function etagOf(record: OfferRecord, frozen?: VersionRecord): string {
  return frozen ? versionETag(record, frozen.version) : record.draftETag;
}

export function artifactView(a: ArtifactRecord, baseUrl: string, apiVersion: string): JsonObject {
  return {
    id: a.id,
    kind: a.kind,
    fileName: a.fileName,
    contentType: a.contentType,
    size: a.size,
    sha256: a.sha256,
    status: 'ready',
    uri: `${baseUrl}${artifactDownloadPath(a.publisherId, a.offerId, a.id)}?api-version=${apiVersion}`,
    sourceUri: null,
    planId: a.planId ?? null,
    createdTime: a.createdTime,
    validation: { messages: [] },
  };
}

/** An offer (its draft or a frozen version) as the body and ETag of a response. */
export function offerResponse(
  result: { record: OfferRecord; document: OfferDocument; frozen?: VersionRecord | undefined },
  baseUrl: string,
  apiVersion: string,
): { body: ReturnType<typeof envelope>; headers: { etag: string } } {
  const body = envelope(result.record, result.document, { baseUrl, apiVersion, ...(result.frozen ? { frozen: result.frozen } : {}) });
  return { body, headers: { etag: etagOf(result.record, result.frozen) } };
}

/** The bytes of an artifact as a download, named after its file and tagged with its hash. */
export function artifactContent(artifact: ArtifactRecord, body: NodeJS.ReadableStream, size: number): HttpResponseInit {
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
}
