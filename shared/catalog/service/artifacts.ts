/**
 * Package artifacts (specs/publish.md 1.7, 2.11.1): upload, list, read, download, delete.
 *
 * An upload streams the request body into a staging blob while counting bytes (413 past the limit) and hashing
 * them; the bytes are then checked from the blob (zip structure and CRCs, PNG size, PDF signature), copied to
 * their content-addressed name and recorded with an insert-only row keyed by the SHA-256. The same bytes uploaded
 * again (a retry) find that row and return the same artifact. An artifact the draft or any frozen version refers
 * to cannot be deleted: the delete commits together with a conditional touch of the offer row, so it cannot slip
 * between a PUT's reference check and its write.
 */
import { createHash, randomUUID } from 'node:crypto';
import { Readable, Transform } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { Clock } from '../../clock';
import type { Faults } from '../../faults';
import { ConflictError, LengthRequiredError, NotFoundError, PayloadTooLargeError, UnsupportedMediaTypeError } from '../../errors';
import { inspect } from '../rules/packages/inspect';
import { ARTIFACT_KINDS, mediaTypeOf, type ArtifactKind } from '../model/artifact-kinds';
import { notProcessable, unsupportedFileType } from '../rules/errors';
import { ID_PATTERN } from '../model/ids';
import type { ArtifactRecord, OfferRecord, Stored } from '../model/offer';
import type { ArtifactBlobs, OfferStore } from '../ports';
import { blobPrefix } from '../store/table-offer-store';
import { authorize, describeCaller, type Caller } from './access';

export const FAULT_ARTIFACT_DELETE_BEFORE_COMMIT = 'catalog.artifact.delete.before-commit';
const MAX_ATTEMPTS = 8;

export interface ArtifactsDeps {
  store: OfferStore;
  blobs: ArtifactBlobs;
  clock: Clock;
  faults: Faults;
  maxArtifactBytes: number;
}

export interface UploadOptions {
  kind: ArtifactKind;
  fileName: string;
  planId?: string;
}

export interface UploadRequest {
  /** Parsed query (kind, fileName, planId); evaluated after the access and offer checks. */
  options: () => UploadOptions;
  contentType: string | null;
  contentLength: number | undefined;
  chunked: boolean;
  body: WebReadableStream<Uint8Array> | null;
}

class TooLarge extends Error {}

export class ArtifactsService {
  readonly #deps: ArtifactsDeps;

  constructor(deps: ArtifactsDeps) {
    this.#deps = deps;
  }

  async #offer(publisherId: string, offerId: string): Promise<Stored<OfferRecord>> {
    const offer = ID_PATTERN.test(offerId) ? await this.#deps.store.get(publisherId, offerId) : undefined;
    if (!offer) throw new NotFoundError(`The offer ${offerId} does not exist in the namespace ${publisherId}.`, 'EntityNotFound');
    return offer;
  }

  async #artifact(offer: OfferRecord, artifactId: string): Promise<ArtifactRecord> {
    const artifact = /^[0-9a-f]{64}$/.test(artifactId) ? await this.#deps.store.getArtifact(offer, artifactId) : undefined;
    if (!artifact) throw new NotFoundError(`The offer ${offer.offerId} has no artifact ${artifactId}.`, 'ArtifactNotFound');
    return artifact;
  }

  async upload(
    caller: Caller,
    publisherId: string,
    offerId: string,
    request: UploadRequest,
  ): Promise<{ artifact: ArtifactRecord; created: boolean }> {
    authorize(caller, publisherId, 'write');
    const { value: offer } = await this.#offer(publisherId, offerId);
    const options = request.options();
    const spec = ARTIFACT_KINDS[options.kind];
    const mediaType = mediaTypeOf(request.contentType);
    if (!mediaType || !spec.contentTypes.includes(mediaType)) {
      throw UnsupportedMediaTypeError.contentType(request.contentType, spec.contentTypes.join(' or '));
    }
    if (!spec.extensions.some((ext) => options.fileName.toLowerCase().endsWith(ext))) {
      throw unsupportedFileType(options.kind, spec.extensions);
    }
    if (request.contentLength === undefined && !request.chunked) throw new LengthRequiredError();
    const limit = Math.min(spec.maxBytes, this.#deps.maxArtifactBytes);
    if ((request.contentLength ?? 0) > limit) throw new PayloadTooLargeError(limit);

    const staging = `${blobPrefix(offer)}staging/${randomUUID()}`;
    const hash = createHash('sha256');
    let size = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        size += chunk.length;
        if (size > limit) return callback(new TooLarge());
        hash.update(chunk);
        callback(null, chunk);
      },
    });
    const source = request.body ? Readable.fromWeb(request.body) : Readable.from([]);
    source.on('error', (error) => meter.destroy(error));
    try {
      await this.#deps.blobs.upload(staging, source.pipe(meter), mediaType);
    } catch (error) {
      await this.#deps.blobs.delete(staging);
      if (error instanceof TooLarge || meter.errored instanceof TooLarge) throw new PayloadTooLargeError(limit);
      throw error;
    }
    try {
      const issues = await inspect(spec, this.#deps.blobs.source(staging, size));
      if (issues.length > 0) {
        const code = issues.some((i) => i.code === 'EmptyFile') ? 'EmptyFile' : spec.failure;
        throw notProcessable(
          `The ${options.kind} failed its content checks:`,
          code,
          issues.map((i) => ({ path: i.target ?? options.fileName, code: i.code, message: i.message })),
        );
      }
      const sha256 = hash.digest('hex');
      const blobName = `${blobPrefix(offer)}artifacts/${sha256}`;
      await this.#deps.blobs.promote(staging, blobName, mediaType);
      const artifact: ArtifactRecord = {
        publisherId,
        offerId,
        id: sha256,
        kind: options.kind,
        fileName: options.fileName,
        contentType: mediaType,
        size,
        sha256,
        ...(options.planId ? { planId: options.planId } : {}),
        blobName,
        createdTime: this.#deps.clock.now().toISOString(),
        uploadedBy: describeCaller(caller),
      };
      const inserted = await this.#deps.store.insertArtifact(offer, artifact);
      if (inserted !== 'exists') return { artifact: inserted, created: true };
      const existing = await this.#artifact(offer, sha256);
      if (existing.kind !== options.kind) {
        throw new ConflictError(
          `These bytes are already uploaded to this offer as a ${existing.kind} (artifact ${sha256}).`,
          'ArtifactExists',
        );
      }
      return { artifact: existing, created: false };
    } finally {
      await this.#deps.blobs.delete(staging);
    }
  }

  async list(caller: Caller, publisherId: string, offerId: string): Promise<ArtifactRecord[]> {
    authorize(caller, publisherId, 'read');
    const { value: offer } = await this.#offer(publisherId, offerId);
    return (await this.#deps.store.listArtifacts(offer)).sort(
      (a, b) => a.createdTime.localeCompare(b.createdTime) || a.id.localeCompare(b.id),
    );
  }

  async get(caller: Caller, publisherId: string, offerId: string, artifactId: string): Promise<ArtifactRecord> {
    authorize(caller, publisherId, 'read');
    const { value: offer } = await this.#offer(publisherId, offerId);
    return this.#artifact(offer, artifactId);
  }

  async download(
    caller: Caller,
    publisherId: string,
    offerId: string,
    artifactId: string,
  ): Promise<{ artifact: ArtifactRecord; body: NodeJS.ReadableStream; size: number }> {
    const artifact = await this.get(caller, publisherId, offerId, artifactId);
    const content = await this.#deps.blobs.download(artifact.blobName);
    if (!content) throw new NotFoundError(`The content of artifact ${artifactId} is missing.`, 'ArtifactNotFound');
    return { artifact, ...content };
  }

  async delete(caller: Caller, publisherId: string, offerId: string, artifactId: string): Promise<void> {
    authorize(caller, publisherId, 'write');
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const offer = await this.#offer(publisherId, offerId);
      const artifact = await this.#artifact(offer.value, artifactId);
      if (offer.value.draftArtifacts.includes(artifactId) || offer.value.frozenArtifacts.includes(artifactId)) {
        const where = offer.value.frozenArtifacts.includes(artifactId) ? 'a frozen version' : 'the draft';
        throw new ConflictError(
          `The artifact ${artifactId} is referenced by ${where} of offer ${offerId} and can't be deleted.`,
          'ArtifactInUse',
        );
      }
      await this.#deps.faults.reach(FAULT_ARTIFACT_DELETE_BEFORE_COMMIT);
      // The content blob stays: content-addressed bytes may be uploaded again at any moment, and deleting them here
      // could race with that upload. Unreferenced blobs are removed with the offer (decision 0104).
      if ((await this.#deps.store.deleteArtifact(offer.value, offer.etag, artifact)) === 'deleted') return;
    }
    throw new ConflictError('The offer is changing too often to delete the artifact; retry.', 'ConcurrentUpdate');
  }
}
