/**
 * Offer use cases: list, read (draft, version, slot), create or replace the draft (PUT), delete a draft plan,
 * delete a never-published offer, and freeze the draft into live version N.
 *
 * Every change is a conditional write of the offer row (If-Match on the row's storage ETag) after the new
 * definition was written as an immutable blob; the client's `If-Match` is compared with the row's draft ETag read
 * in the same attempt. Two writers that read the same row cannot both win: the second conditional write fails,
 * and its retry sees the new draft ETag and answers 412. A change that does not touch the draft (an artifact
 * delete) also fails the write, and the retry goes through.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../clock';
import type { SecretBox } from '../../crypto/secrets';
import type { Faults } from '../../faults';
import { ConflictError, ForbiddenError, NotFoundError, PreconditionFailedError, ValidationError } from '../../errors';
import { invalid, notProcessable } from '../rules/errors';
import { ID_PATTERN, ID_RULE } from '../model/ids';
import { envelopeSchema, type EnvelopeInput, type OfferDocument, type OfferRecord, type Stored, type VersionRecord } from '../model/offer';
import { offerTypes, type OfferTypeId } from '../model/offer-types';
import type { OfferStore } from '../ports';
import { artifactReferences, artifactRefs, unresolveUrls } from '../rules/artifact-refs';
import { validateDefinition } from '../rules/definition';
import { envelopeViolations } from '../rules/envelope';
import { ifMatchAllows, nextETag, parseIfMatch, timestamp, type IfMatch } from '../rules/etag';
import { freezeViolations } from '../rules/live';
import { pendingPreview } from '../rules/preview';
import { publishedViolations } from '../rules/published';
import { sealSecrets } from '../rules/secrets';
import { violation, violationsOf } from '../rules/violations';
import { deprecatedLeadDestination } from '../rules/lead-destination';
import { httpsWebhookViolations } from '../rules/webhook-urls';
import { authorize, describeCaller, type Caller } from './access';

/** Named fault points (shared/faults.ts) between reading the row and the conditional write. */
export const FAULT_PUT_BEFORE_WRITE = 'catalog.offer.put.before-write';
export const FAULT_FREEZE_BEFORE_COMMIT = 'catalog.offer.freeze.before-commit';

const MAX_ATTEMPTS = 8;

export interface OffersDeps {
  store: OfferStore;
  clock: Clock;
  faults: Faults;
  secrets: () => SecretBox;
  /** Whether a publisher namespace exists (for operators listing an unknown one: 404). */
  publisherKnown: (publisherId: string) => Promise<boolean>;
  /** Refuse plain-http webhook URLs (outside local mode; decision 0006). */
  httpsWebhooks?: boolean;
}

export interface Draft {
  record: OfferRecord;
  document: OfferDocument;
}

export interface PutRequest {
  ifMatch: string | null;
  ifNoneMatch: string | null;
  /** Reads the body; called only after the access, existence and ETag checks (spec 2.0 check order). */
  readBody: () => Promise<unknown>;
}

export type Slot = 'draft' | 'preview' | 'production';

function checkOfferId(offerId: string): void {
  if (!ID_PATTERN.test(offerId)) throw invalid('The offer id is not valid.', [violation(['id'], 'InvalidOfferId', ID_RULE)]);
}

function notFound(publisherId: string, offerId: string): NotFoundError {
  return new NotFoundError(`The offer ${offerId} does not exist in the namespace ${publisherId}.`, 'EntityNotFound');
}

function stale(): PreconditionFailedError {
  return new PreconditionFailedError(
    'The If-Match ETag does not match the current draft: another change came first. GET the offer and retry.',
  );
}

function requireIfMatchFor(ifMatch: IfMatch, etag: string): void {
  if (!ifMatchAllows(ifMatch, etag)) throw stale();
}

export class OffersService {
  readonly #deps: OffersDeps;

  constructor(deps: OffersDeps) {
    this.#deps = deps;
  }

  async list(caller: Caller, publisherId: string): Promise<OfferRecord[]> {
    authorize(caller, publisherId, 'read');
    const offers = await this.#deps.store.list(publisherId);
    if (offers.length === 0 && caller.kind === 'operator' && !(await this.#deps.publisherKnown(publisherId))) {
      throw new NotFoundError(`The publisher namespace ${publisherId} does not exist.`, 'PublisherNotFound');
    }
    return offers.sort((a, b) => a.offerId.localeCompare(b.offerId));
  }

  async #current(publisherId: string, offerId: string): Promise<Stored<OfferRecord>> {
    const current = ID_PATTERN.test(offerId) ? await this.#deps.store.get(publisherId, offerId) : undefined;
    if (!current) throw notFound(publisherId, offerId);
    return current;
  }

  async #document(record: OfferRecord, revision: string): Promise<OfferDocument> {
    const document = await this.#deps.store.readDocument(record, revision);
    if (!document) throw new Error(`Revision ${revision} of ${record.publisherId}/${record.offerId} is missing.`);
    return document;
  }

  async getDraft(caller: Caller, publisherId: string, offerId: string): Promise<Draft> {
    authorize(caller, publisherId, 'read');
    const { value: record } = await this.#current(publisherId, offerId);
    return { record, document: await this.#document(record, record.draftRevision) };
  }

  /** A frozen version, or the draft when `version` is the draft's number (spec 2.3). */
  async getVersion(caller: Caller, publisherId: string, offerId: string, version: number): Promise<Draft & { frozen?: VersionRecord }> {
    authorize(caller, publisherId, 'read');
    const { value: record } = await this.#current(publisherId, offerId);
    if (version === record.draftVersion) return { record, document: await this.#document(record, record.draftRevision) };
    const frozen = await this.#deps.store.getVersion(publisherId, offerId, version);
    if (!frozen) throw new NotFoundError(`The offer ${offerId} has no version ${version}.`, 'VersionNotFound');
    return { record, document: await this.#document(record, frozen.revision), frozen };
  }

  /** draft | preview | production; preview and production 404 until something is there [L22932]. */
  async getSlot(caller: Caller, publisherId: string, offerId: string, slot: Slot): Promise<Draft & { frozen?: VersionRecord }> {
    authorize(caller, publisherId, 'read');
    const { value: record } = await this.#current(publisherId, offerId);
    if (slot === 'draft') return { record, document: await this.#document(record, record.draftRevision) };
    // Preview: the latest frozen version once its pipeline opened the preview, until it goes live (rules/preview.ts).
    const version = slot === 'preview' ? (pendingPreview(record) ?? 0) : record.liveVersion;
    if (version === 0) throw new NotFoundError(`The offer ${offerId} has nothing in the ${slot} slot.`, 'SlotEmpty');
    return this.getVersion(caller, publisherId, offerId, version);
  }

  async put(caller: Caller, publisherId: string, offerId: string, request: PutRequest): Promise<Draft & { created: boolean }> {
    authorize(caller, publisherId, 'write');
    checkOfferId(offerId);
    const ifMatch = parseIfMatch(request.ifMatch);
    const createOnly = request.ifNoneMatch?.trim() === '*';
    let envelope: EnvelopeInput | undefined;
    let lostCreateRace = false;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const current = await this.#deps.store.get(publisherId, offerId);
      if (current) {
        if (createOnly) throw new PreconditionFailedError('The offer already exists and If-None-Match is *.');
        if (lostCreateRace && ifMatch.kind !== 'any')
          throw new PreconditionFailedError('Another request created the offer first. GET it and retry with its ETag.');
        if (ifMatch.kind === 'absent') {
          throw new ValidationError(
            'If-Match is required to change an existing offer: send the ETag from GET, or * for last one wins.',
            [{ path: 'if-match', code: 'MissingIfMatch', message: 'is required when the offer exists' }],
            'MissingIfMatch',
          );
        }
        requireIfMatchFor(ifMatch, current.value.draftETag);
      } else if (ifMatch.kind === 'list') {
        throw new PreconditionFailedError('The offer does not exist, so no ETag can match.');
      }
      envelope ??= parseEnvelope(await request.readBody());
      const { record, document } = await this.#prepare(publisherId, offerId, envelope, current?.value);
      await this.#deps.faults.reach(FAULT_PUT_BEFORE_WRITE);
      const revision = await this.#deps.store.writeDocument(record, document);
      const next = { ...record, draftRevision: revision };
      const result = current ? await this.#deps.store.update(next, current.etag) : await this.#deps.store.create(next);
      if (typeof result === 'object') return { record: result.value, document, created: !current };
      await this.#deps.store.discardDocument(record, revision);
      if (!current) lostCreateRace = true;
    }
    throw new ConflictError('The offer is changing too often to apply this update; retry.', 'ConcurrentUpdate');
  }

  async #prepare(publisherId: string, offerId: string, envelope: EnvelopeInput, existing: OfferRecord | undefined): Promise<Draft> {
    const envelopeProblems = envelopeViolations(envelope, publisherId, offerId, existing);
    if (envelopeProblems.length > 0) throw invalid('The offer is not valid.', envelopeProblems);
    const offerTypeId = envelope.offerTypeId as OfferTypeId;
    const spec = offerTypes[offerTypeId];
    const input = unresolveUrls({ ...envelope.definition }, publisherId, offerId) as EnvelopeInput['definition'];
    const { definition, violations } = validateDefinition(spec, input);
    if (this.#deps.httpsWebhooks) violations.push(...httpsWebhookViolations(spec, definition));
    if (violations.length > 0) throw invalid('The offer definition is not valid.', violations);

    const internalId = existing?.internalId ?? randomUUID();
    const previous = existing ? await this.#document(existing, existing.draftRevision) : undefined;
    const deprecated = deprecatedLeadDestination(definition.offer, previous?.definition.offer);
    if (deprecated.length > 0) throw invalid('The offer definition is not valid.', deprecated);
    const box = this.#deps.secrets();
    const sealed = sealSecrets(
      definition.offer,
      previous?.definition.offer,
      (text, context) => box.seal(text, context),
      `${publisherId}/${offerId}/${internalId}`,
    );
    if (sealed.violations.length > 0) throw invalid('The offer definition is not valid.', sealed.violations);
    definition.offer = sealed.offer;

    if (existing) {
      const live = existing.liveVersion > 0 ? await this.#deps.store.getVersion(publisherId, offerId, existing.liveVersion) : undefined;
      const liveDocument = live ? await this.#document(existing, live.revision) : undefined;
      const published = publishedViolations(spec, definition, liveDocument?.definition, existing.frozenPlanIds);
      if (published.length > 0) throw invalid('The change is not allowed on a published offer.', published);
    }

    const references = artifactReferences(definition);
    if (references.length > 0) {
      const known = new Set(existing ? (await this.#deps.store.listArtifacts(existing)).map((a) => a.id) : []);
      const missing = references
        .filter((r) => !known.has(r.id))
        .map((r) => violation(r.path, 'ArtifactNotFound', `refers to artifact ${r.id}, which this offer does not have`));
      if (missing.length > 0) throw invalid('The offer definition refers to unknown artifacts.', missing);
    }

    const { etag, changedTime } = nextETag(this.#deps.clock.now(), existing?.draftETag);
    const record: OfferRecord = existing
      ? { ...existing, draftETag: etag, changedTime, draftArtifacts: artifactRefs(definition) }
      : {
          publisherId,
          offerId,
          offerTypeId,
          alias: definition.displayText,
          internalId,
          draftVersion: 1,
          draftRevision: '',
          draftETag: etag,
          liveVersion: 0,
          frozenPlanIds: [],
          draftArtifacts: artifactRefs(definition),
          frozenArtifacts: [],
          createdTime: changedTime,
          changedTime,
        };
    const document: OfferDocument = {
      schemaVersion: 1,
      publisherId,
      offerId,
      offerTypeId,
      offerTypeVersions: envelope.offerTypeVersions ?? previous?.offerTypeVersions ?? {},
      definition,
    };
    return { record, document };
  }

  /** Removes a plan that no frozen version contains (spec 2.11.3, 4.K 123–124). */
  async deletePlan(
    caller: Caller,
    publisherId: string,
    offerId: string,
    planId: string,
    ifMatchHeader: string | null,
  ): Promise<OfferRecord> {
    authorize(caller, publisherId, 'write');
    const ifMatch = parseIfMatch(ifMatchHeader);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const current = await this.#current(publisherId, offerId);
      requireIfMatchFor(ifMatch, current.value.draftETag);
      const document = await this.#document(current.value, current.value.draftRevision);
      if (!document.definition.plans.some((p) => p.planId === planId))
        throw new NotFoundError(`The offer ${offerId} has no plan ${planId}.`, 'PlanNotFound');
      if (current.value.frozenPlanIds.includes(planId)) {
        throw new ConflictError(
          `The plan ${planId} is in a frozen version and can't be deleted; set stopSell on it instead.`,
          'PlanPublished',
        );
      }
      const definition = { ...document.definition, plans: document.definition.plans.filter((p) => p.planId !== planId) };
      const { etag, changedTime } = nextETag(this.#deps.clock.now(), current.value.draftETag);
      const next: OfferRecord = { ...current.value, draftETag: etag, changedTime, draftArtifacts: artifactRefs(definition) };
      await this.#deps.faults.reach(FAULT_PUT_BEFORE_WRITE);
      const revision = await this.#deps.store.writeDocument(next, { ...document, definition });
      const result = await this.#deps.store.update({ ...next, draftRevision: revision }, current.etag);
      if (typeof result === 'object') return result.value;
      await this.#deps.store.discardDocument(next, revision);
    }
    throw new ConflictError('The offer is changing too often to apply this change; retry.', 'ConcurrentUpdate');
  }

  /** Deletes an offer that was never frozen, with everything it holds. */
  async delete(caller: Caller, publisherId: string, offerId: string, ifMatchHeader: string | null): Promise<void> {
    authorize(caller, publisherId, 'write');
    const ifMatch = parseIfMatch(ifMatchHeader);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const current = await this.#current(publisherId, offerId);
      requireIfMatchFor(ifMatch, current.value.draftETag);
      if (current.value.liveVersion > 0 || (current.value.previewVersion ?? 0) > 0) {
        throw new ConflictError(
          `The offer ${offerId} has frozen versions that customers may have bought; it can't be deleted.`,
          'OfferPublished',
        );
      }
      if ((await this.#deps.store.delete(current.value, current.etag)) === 'deleted') {
        await this.#deps.store.purge(current.value);
        return;
      }
    }
    throw new ConflictError('The offer is changing too often to delete it; retry.', 'ConcurrentUpdate');
  }

  /**
   * Operator stand-in for the publish pipeline: the current draft becomes version N, live and purchasable, in one
   * transaction with the draft moving on to N + 1 (its ETag changes, spec 1.3, A34). The version row is insert-only
   * and the definition blob it points at is immutable, so what a customer bought never changes.
   */
  async freeze(
    caller: Caller,
    publisherId: string,
    offerId: string,
    ifMatchHeader: string | null,
  ): Promise<Draft & { frozen: VersionRecord }> {
    if (caller.kind !== 'operator') throw new ForbiddenError('Only operators freeze offers.');
    const ifMatch = parseIfMatch(ifMatchHeader);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const current = await this.#current(publisherId, offerId);
      requireIfMatchFor(ifMatch, current.value.draftETag);
      const document = await this.#document(current.value, current.value.draftRevision);
      const problems = freezeViolations(offerTypes[document.offerTypeId], document.definition);
      if (problems.length > 0) throw notProcessable('The draft cannot be made purchasable.', 'ValidationFailed', problems);
      const now = this.#deps.clock.now();
      const n = current.value.draftVersion;
      const { etag, changedTime } = nextETag(now, current.value.draftETag);
      const frozen: VersionRecord = {
        publisherId,
        offerId,
        version: n,
        revision: current.value.draftRevision,
        frozenTime: timestamp(now),
        frozenBy: describeCaller(caller),
      };
      const next: OfferRecord = {
        ...current.value,
        draftVersion: n + 1,
        liveVersion: n,
        draftETag: etag,
        changedTime,
        frozenTime: frozen.frozenTime,
        frozenPlanIds: [...new Set([...current.value.frozenPlanIds, ...document.definition.plans.map((p) => p.planId)])].sort(),
        frozenArtifacts: [...new Set([...current.value.frozenArtifacts, ...current.value.draftArtifacts])].sort(),
      };
      await this.#deps.faults.reach(FAULT_FREEZE_BEFORE_COMMIT);
      const result = await this.#deps.store.freeze(next, current.etag, frozen);
      if (typeof result === 'object') return { record: result.value, document, frozen };
    }
    throw new ConflictError('The offer is changing too often to freeze it; retry.', 'ConcurrentUpdate');
  }
}

export function parseEnvelope(body: unknown): EnvelopeInput {
  const result = envelopeSchema.safeParse(body);
  if (!result.success) throw invalid('The request body is not a valid offer.', violationsOf(result.error));
  return result.data;
}
