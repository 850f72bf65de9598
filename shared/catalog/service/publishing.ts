/**
 * The catalog's side of the publish pipeline (shared/publish/ports.ts `PublishCatalog`, decision 0602); the
 * catalog never imports publish, these types match that port structurally.
 *
 * A submission freezes the draft as version N without making it live (the draft moves on to N + 1, its ETag
 * changes, spec 1.3); the pipeline's go-live step later makes N the live version, only ever forward. Both are
 * conditional writes of the offer row, and both are idempotent: a re-run after a crash finds its own version
 * (`frozenBy`) or the live version already there. Between the two, the preview step opens N to its preview audience
 * (rules/preview.ts, decision 0605), also a conditional write.
 */
import { createHash } from 'node:crypto';
import type { Clock } from '../../clock';
import type { Violation } from '../../errors';
import { ARTIFACT_KINDS, type ArtifactKind } from '../model/artifact-kinds';
import type { OfferDefinition, OfferRecord, VersionRecord } from '../model/offer';
import { offerTypes } from '../model/offer-types';
import type { ArtifactBlobs, OfferStore } from '../ports';
import { artifactRefs } from '../rules/artifact-refs';
import { nextETag, timestamp } from '../rules/etag';
import { freezeViolations } from '../rules/live';
import { inspect } from '../rules/packages/inspect';
import { openPreview, withdrawsPreview } from '../rules/preview';

const MAX_ATTEMPTS = 8;
const MP = 'microsoft-azure-marketplace';
/** The anti-malware test file's signature (the EICAR string): the local malware scanner finds it in any artifact (A32). */
const EICAR = Buffer.from('EICAR-STANDARD-ANTIVIRUS-TEST-FILE');

export interface Finding {
  code: string;
  message: string;
  target?: string;
  level?: 'error' | 'warning';
}

function findingsOf(violations: Violation[]): Finding[] {
  return violations.map((v) => ({ code: v.code ?? 'ValidationFailed', message: v.message, target: v.path }));
}

function problemsOf(offerTypeId: string, definition: OfferDefinition): Finding[] {
  return findingsOf(freezeViolations(offerTypes[offerTypeId as keyof typeof offerTypes], definition));
}

export class CatalogPublishing {
  readonly #store: OfferStore;
  readonly #blobs: ArtifactBlobs;
  readonly #clock: Clock;

  constructor(deps: { store: OfferStore; blobs: ArtifactBlobs; clock: Clock }) {
    this.#store = deps.store;
    this.#blobs = deps.blobs;
    this.#clock = deps.clock;
  }

  async #definition(record: OfferRecord, revision: string): Promise<{ offerTypeId: string; definition: OfferDefinition }> {
    const document = await this.#store.readDocument(record, revision);
    if (!document) throw new Error(`Revision ${revision} of ${record.publisherId}/${record.offerId} is missing.`);
    return document;
  }

  async draft(publisherId: string, offerId: string) {
    const current = await this.#store.get(publisherId, offerId);
    if (!current) return undefined;
    const { offerTypeId, definition } = await this.#definition(current.value, current.value.draftRevision);
    const destination = definition.offer[`${MP}.leadDestination`];
    return {
      version: current.value.draftVersion,
      draftETag: current.value.draftETag,
      offerTypeId,
      leadDestination: typeof destination === 'string' ? destination : 'None',
      problems: problemsOf(offerTypeId, definition),
    };
  }

  async freeze(publisherId: string, offerId: string, version: number, draftETag: string, by: string): Promise<'frozen' | 'stale'> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const existing = await this.#store.getVersion(publisherId, offerId, version);
      if (existing) return existing.frozenBy === by ? 'frozen' : 'stale';
      const current = await this.#store.get(publisherId, offerId);
      if (!current || current.value.draftETag !== draftETag || current.value.draftVersion !== version) return 'stale';
      const { definition } = await this.#definition(current.value, current.value.draftRevision);
      const now = this.#clock.now();
      const { etag, changedTime } = nextETag(now, current.value.draftETag);
      const frozen: VersionRecord = { publisherId, offerId, version, revision: current.value.draftRevision, frozenTime: timestamp(now), frozenBy: by };
      const next: OfferRecord = {
        ...current.value,
        draftVersion: version + 1,
        draftETag: etag,
        changedTime,
        frozenPlanIds: [...new Set([...current.value.frozenPlanIds, ...definition.plans.map((p) => p.planId)])].sort(),
        frozenArtifacts: [...new Set([...current.value.frozenArtifacts, ...current.value.draftArtifacts])].sort(),
      };
      if (typeof (await this.#store.freeze(next, current.etag, frozen)) === 'object') return 'frozen';
    }
    throw new Error(`The offer ${publisherId}/${offerId} kept changing while version ${version} was frozen.`);
  }

  async version(publisherId: string, offerId: string, version: number) {
    const current = await this.#store.get(publisherId, offerId);
    const frozen = current ? await this.#store.getVersion(publisherId, offerId, version) : undefined;
    if (!current || !frozen) return undefined;
    const { offerTypeId, definition } = await this.#definition(current.value, frozen.revision);
    const offer = definition.offer;
    const audience = Array.isArray(offer[`${MP}.previewAudience`]) ? (offer[`${MP}.previewAudience`] as { id?: unknown }[]) : [];
    const contact = offer[`${MP}.engineeringContactEmail`];
    const destination = offer[`${MP}.leadDestination`];
    return {
      version,
      offerTypeId,
      problems: problemsOf(offerTypeId, definition),
      artifactIds: artifactRefs(definition),
      leadDestination: typeof destination === 'string' ? destination : 'None',
      previewAudience: audience.map((a) => a.id).filter((id): id is string => typeof id === 'string'),
      ...(typeof contact === 'string' ? { contactEmail: contact } : {}),
      frozenBy: frozen.frozenBy,
      live: current.value.liveVersion === version,
    };
  }

  async checkArtifacts(publisherId: string, offerId: string, artifactIds: string[]): Promise<{ package: Finding[]; malware: Finding[] }> {
    const current = await this.#store.get(publisherId, offerId);
    const out = { package: [] as Finding[], malware: [] as Finding[] };
    if (!current) return out;
    for (const id of artifactIds) {
      const artifact = await this.#store.getArtifact(current.value, id);
      const content = artifact ? await this.#blobs.download(artifact.blobName) : undefined;
      if (!artifact || !content) {
        out.package.push({ code: 'ArtifactMissing', message: `artifact ${id} is missing`, target: artifact?.fileName ?? id });
        continue;
      }
      const hash = createHash('sha256');
      let tail = Buffer.alloc(0);
      let infected = false;
      for await (const chunk of content.body as AsyncIterable<Buffer>) {
        hash.update(chunk);
        const window = Buffer.concat([tail, chunk]);
        infected ||= window.includes(EICAR);
        tail = window.subarray(Math.max(0, window.length - EICAR.length));
      }
      if (infected) out.malware.push({ code: 'MalwareDetected', message: 'contains malware (the EICAR test signature)', target: artifact.fileName });
      if (hash.digest('hex') !== artifact.sha256) {
        out.package.push({ code: 'ArtifactCorrupted', message: 'is corrupted: its bytes no longer match the uploaded file', target: artifact.fileName });
        continue;
      }
      const spec = ARTIFACT_KINDS[artifact.kind as ArtifactKind];
      const issues = spec ? await inspect(spec, this.#blobs.source(artifact.blobName, artifact.size)) : [];
      for (const issue of issues) out.package.push({ code: issue.code, message: issue.message, target: issue.target ?? artifact.fileName });
    }
    return out;
  }

  /** The live version's number, 0 when the offer was never live (or does not exist). */
  async liveVersion(publisherId: string, offerId: string): Promise<number> {
    return (await this.#store.get(publisherId, offerId))?.value.liveVersion ?? 0;
  }

  /**
   * Stop distribution of the offer (spec 3.10, decision 0604): the live definition with every plan stop-sold is
   * frozen as the next version and made live in one transaction, so nobody can buy it any more while subscriptions
   * keep the version they bought. Idempotent: a re-run finds the live version it froze (`by`). The draft moves on
   * to the next number; publishing and going live again re-lists the offer.
   */
  async stopDistribution(publisherId: string, offerId: string, by: string): Promise<'stopped' | 'notLive'> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const current = await this.#store.get(publisherId, offerId);
      if (!current || current.value.liveVersion === 0) return 'notLive';
      const live = await this.#store.getVersion(publisherId, offerId, current.value.liveVersion);
      if (!live) throw new Error(`Version ${current.value.liveVersion} of ${publisherId}/${offerId} is missing.`);
      if (live.frozenBy === by) return 'stopped';
      const document = await this.#store.readDocument(current.value, live.revision);
      if (!document) throw new Error(`Revision ${live.revision} of ${publisherId}/${offerId} is missing.`);
      const stopSell = offerTypes[document.offerTypeId].keys.stopSell;
      const definition = { ...document.definition, plans: document.definition.plans.map((p) => ({ ...p, [stopSell]: true })) };
      const revision = await this.#store.writeDocument(current.value, { ...document, definition });
      const now = this.#clock.now();
      const version = current.value.draftVersion;
      const { etag, changedTime } = nextETag(now, current.value.draftETag);
      const frozen: VersionRecord = { publisherId, offerId, version, revision, frozenTime: timestamp(now), frozenBy: by };
      const next: OfferRecord = { ...current.value, draftVersion: version + 1, draftETag: etag, changedTime, liveVersion: version, frozenTime: frozen.frozenTime };
      if (typeof (await this.#store.freeze(next, current.etag, frozen)) === 'object') return 'stopped';
      await this.#store.discardDocument(current.value, revision);
    }
    throw new Error(`The offer ${publisherId}/${offerId} kept changing while its distribution was stopped.`);
  }

  /**
   * The preview step (spec 3.2 step 13, decision 0605): opens the preview of `version` for its preview audience, a
   * conditional update of the offer row. Idempotent ('preview' again on a re-run); 'superseded' changes nothing
   * (a newer version is frozen or live, or the preview was withdrawn).
   */
  async preview(publisherId: string, offerId: string, version: number): Promise<'preview' | 'superseded'> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const current = await this.#store.get(publisherId, offerId);
      if (!current) throw new Error(`The offer ${publisherId}/${offerId} is gone.`);
      const action = openPreview(current.value, version);
      if (action !== 'write') return action === 'done' ? 'preview' : 'superseded';
      if (typeof (await this.#store.update({ ...current.value, previewVersion: version }, current.etag)) === 'object') return 'preview';
    }
    throw new Error(`The offer ${publisherId}/${offerId} kept changing while the preview of version ${version} opened.`);
  }

  /** Ends the preview of `version` (its publish was canceled or failed); nothing changes when another one is open. */
  async withdrawPreview(publisherId: string, offerId: string, version: number): Promise<void> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const current = await this.#store.get(publisherId, offerId);
      if (!current || !withdrawsPreview(current.value, version)) return;
      if (typeof (await this.#store.update({ ...current.value, previewWithdrawn: version }, current.etag)) === 'object') return;
    }
    throw new Error(`The offer ${publisherId}/${offerId} kept changing while the preview of version ${version} was withdrawn.`);
  }

  async goLive(publisherId: string, offerId: string, version: number): Promise<'live' | 'newer'> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const current = await this.#store.get(publisherId, offerId);
      if (!current) throw new Error(`The offer ${publisherId}/${offerId} is gone.`);
      if (current.value.liveVersion === version) return 'live';
      if (current.value.liveVersion > version) return 'newer';
      const frozen = await this.#store.getVersion(publisherId, offerId, version);
      if (!frozen) throw new Error(`Version ${version} of ${publisherId}/${offerId} was never frozen.`);
      const next: OfferRecord = { ...current.value, liveVersion: version, frozenTime: frozen.frozenTime };
      if (typeof (await this.#store.update(next, current.etag)) === 'object') return 'live';
    }
    throw new Error(`The offer ${publisherId}/${offerId} kept changing while version ${version} went live.`);
  }
}
