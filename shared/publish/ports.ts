/**
 * What the publish use cases need from the outside: their own store (operations, the per-offer lock row,
 * notifications), the catalog (drafts, frozen versions, artifacts, the go-live step), the durable runtime and the
 * leads capability's destination check.
 */
import type { Notification, Operation, PublishState } from './model';
import type { Finding } from './rules/outcomes';

export interface Stored<T> {
  value: T;
  etag: string;
}

/** One row change of a transaction: `etag` undefined inserts (fails if present), a string replaces If-Match. */
export interface RowChange<T> {
  value: T;
  etag?: string;
}

export interface PublishStore {
  getState(publisherId: string, offerId: string): Promise<Stored<PublishState> | undefined>;
  getOperation(publisherId: string, offerId: string, operationId: string): Promise<Stored<Operation> | undefined>;
  /** Newest first. */
  listOperations(publisherId: string, offerId: string): Promise<Operation[]>;
  /** The state row and operation rows of one offer in one transaction; 'conflict' when any condition fails. */
  commit(changes: { state?: RowChange<PublishState>; operations: RowChange<Operation>[] }): Promise<'committed' | 'conflict'>;
  /** Insert-only: a notification already there (same id) is left as it is. */
  addNotification(notification: Notification): Promise<void>;
  listNotifications(publisherId: string, offerId?: string): Promise<Notification[]>;
}

export interface DraftFacts {
  /** The number the draft gets when frozen. */
  version: number;
  draftETag: string;
  offerTypeId: string;
  leadDestination: string;
  /** What keeps the draft from being published (spec 3.3), per field. */
  problems: Finding[];
}

export interface VersionFacts {
  version: number;
  offerTypeId: string;
  /** The frozen version's checks re-run (spec 3.2 step 1). */
  problems: Finding[];
  artifactIds: string[];
  leadDestination: string;
  previewAudience: string[];
  /** Where certification issues go (spec 2.13: the engineering contact). */
  contactEmail?: string;
  /** `by` given when the version was frozen. */
  frozenBy: string;
  live: boolean;
}

/** The catalog's side of publishing (implemented by shared/catalog/service/publishing.ts). */
export interface PublishCatalog {
  draft(publisherId: string, offerId: string): Promise<DraftFacts | undefined>;
  /**
   * Freezes the draft that has `draftETag` as version `version`, not live yet: 'frozen' (also when it already was,
   * by `by`), 'stale' when the draft changed or the version number was taken by something else.
   */
  freeze(publisherId: string, offerId: string, version: number, draftETag: string, by: string): Promise<'frozen' | 'stale'>;
  version(publisherId: string, offerId: string, version: number): Promise<VersionFacts | undefined>;
  /** Re-reads each artifact: integrity and content (`package`), and the malware scan (`malware`). */
  checkArtifacts(publisherId: string, offerId: string, artifactIds: string[]): Promise<{ package: Finding[]; malware: Finding[] }>;
  /**
   * Opens the preview of `version` to its preview audience (decision 0605); 'superseded' when a newer version is
   * frozen or live, or the preview was withdrawn (nothing changes). Idempotent.
   */
  preview(publisherId: string, offerId: string, version: number): Promise<'preview' | 'superseded'>;
  /** Ends the preview of `version` (its publish was canceled or failed); a no-op when it is not the one open. */
  withdrawPreview(publisherId: string, offerId: string, version: number): Promise<void>;
  /** Makes `version` the live version; 'newer' when a newer version is live already (nothing changes). */
  goLive(publisherId: string, offerId: string, version: number): Promise<'live' | 'newer'>;
  /** The live version's number, 0 when never live. */
  liveVersion(publisherId: string, offerId: string): Promise<number>;
  /** Makes a stop-sold copy of the live version the live version (idempotent by `by`); 'notLive' when nothing is live. */
  stopDistribution(publisherId: string, offerId: string, by: string): Promise<'stopped' | 'notLive'>;
}

/** The durable runtime (functions/publish-pipeline.ts registers the orchestration). */
export interface PipelineClient {
  start(operation: Operation): Promise<void>;
  raise(instanceId: string, event: string, data: unknown): Promise<void>;
  /** Ends an orchestration (cancel, a superseded preview); an instance that is not running is left as it is. */
  terminate(instanceId: string, reason: string): Promise<void>;
}

/** The leads capability's check of a lead destination (a test lead); undefined when leads are not wired. */
export type LeadCheck = (publisherId: string, offerId: string, version: number) => Promise<Finding[]>;
