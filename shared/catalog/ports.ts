/**
 * What other capabilities (SaaS subscriptions, metering, licensing) ask the catalog: the frozen, purchasable
 * version of an offer and its plans. Frozen versions never change, so a subscription that records
 * `(publisherId, offerId, version, planId)` always reads the terms the customer bought, whatever later drafts say.
 */
import type { Readable } from 'node:stream';
import type { ByteSource } from './rules/packages/bytes';
import type { ArtifactRecord, OfferDefinition, OfferDocument, OfferRecord, Stored, VersionRecord } from './model/offer';

export interface LiveDimension {
  id: string;
  displayName?: string;
  unitOfMeasure?: string;
  /** Whether the plan participates in the dimension (a dimension the plan does not list is not enabled). */
  enabled: boolean;
  pricePerUnitUSD?: number;
  /** Whole units included per month / per year, or 'unlimited' (∞: included, never charged [L16008]). */
  includedQuantityMonthly?: number | 'unlimited';
  includedQuantityAnnual?: number | 'unlimited';
}

export interface LivePricing {
  /** flatRate: terms + optional dimensions; perUser: price per seat and term. Azure managed apps map to flatRate monthly. */
  model: 'flatRate' | 'perUser';
  billingTerms: { monthly?: { priceUSD: number }; annual?: { priceUSD: number } };
  minUsers?: number;
  maxUsers?: number;
  dimensions: LiveDimension[];
}

export interface LivePlan {
  planId: string;
  name?: string;
  description?: string;
  visibility: 'public' | 'private';
  /** Tenant (SaaS) or subscription (Azure app) ids allowed to buy a private plan. */
  privateAudience: string[];
  stopSell: boolean;
  /** Not stop-sold; a private plan is purchasable by its audience only (see `canBuy` in rules/live.ts). */
  purchasable: boolean;
  freeTrial: boolean;
  pricing?: LivePricing;
  /** D365 CE app license management: the plan's Service ID [L11780]. */
  serviceId?: string;
  markets: string[];
  /** Azure Application plans only: a managed application (deployable, meterable) or a solution template. */
  planType?: 'solutionTemplate' | 'managedApplication';
}

export interface LiveOffer {
  publisherId: string;
  offerId: string;
  offerTypeId: string;
  internalId: string;
  version: number;
  frozenTime: string;
  /** True when this version is the one in production (the latest frozen version). */
  live: boolean;
  alias: string;
  title?: string;
  saas?: {
    sellThroughMicrosoft: boolean;
    landingPageUrl?: string;
    connectionWebhook?: string;
    aadTenantId?: string;
    aadAppId?: string;
  };
  licenseManagement?: { enabled: boolean; allowInstallWithoutLicense: boolean };
  meteredDimensions: { id: string; displayName?: string; unitOfMeasure?: string }[];
  plans: LivePlan[];
  /** The frozen definition with canonical keys; secrets stay sealed, artifacts as `artifact:<sha256>`. */
  definition: OfferDefinition;
}

export interface OfferCatalog {
  /** The production version, or undefined when the offer does not exist or was never made live. */
  getLiveOffer(publisherId: string, offerId: string): Promise<LiveOffer | undefined>;
  /** A plan of the production version. */
  getLivePlan(publisherId: string, offerId: string, planId: string): Promise<LivePlan | undefined>;
  /** Any frozen version (subscriptions refer to the version they were bought at). */
  getOfferVersion(publisherId: string, offerId: string, version: number): Promise<LiveOffer | undefined>;
  /** The production version with only its purchasable plans (stop-sold plans left out); undefined if none. */
  getPurchasable(publisherId: string, offerId: string): Promise<LiveOffer | undefined>;
  /**
   * The version in preview (`live: false`): frozen by the latest publish, opened by its preview step, not live yet;
   * undefined when there is none (decision 0605). Only its preview audience may buy it.
   */
  getPreviewOffer(publisherId: string, offerId: string): Promise<LiveOffer | undefined>;
}

/** Storage of offers: rows for the state that must change atomically, immutable blobs for definitions. */
export interface OfferStore {
  get(publisherId: string, offerId: string): Promise<Stored<OfferRecord> | undefined>;
  list(publisherId: string): Promise<OfferRecord[]>;
  /**
   * Offers with a live version, of every publisher, in (publisher, offer) order, a page at a time after `after`
   * (the storefront's list, decision 1003); `next` is the last offer of a full page.
   */
  listLive(pageSize: number, after?: OfferAddress): Promise<{ items: OfferRecord[]; next?: OfferAddress }>;
  /** Insert-only: 'exists' when the offer row is already there. */
  create(record: OfferRecord): Promise<Stored<OfferRecord> | 'exists'>;
  /** Replaces the row only if it still has `etag` (If-Match); 'conflict' otherwise. */
  update(record: OfferRecord, etag: string): Promise<Stored<OfferRecord> | 'conflict'>;
  /** In one transaction: the row update (If-Match `etag`) and the insert-only version row. */
  freeze(record: OfferRecord, etag: string, version: VersionRecord): Promise<Stored<OfferRecord> | 'conflict'>;
  delete(record: OfferRecord, etag: string): Promise<'deleted' | 'conflict'>;
  getVersion(publisherId: string, offerId: string, version: number): Promise<VersionRecord | undefined>;
  /** Writes a new immutable revision of the definition and returns its id. */
  writeDocument(offer: OfferKey, document: OfferDocument): Promise<string>;
  readDocument(offer: OfferKey, revision: string): Promise<OfferDocument | undefined>;
  /** Removes a revision that lost its race and was never referenced (best effort). */
  discardDocument(offer: OfferKey, revision: string): Promise<void>;
  getArtifact(offer: OfferKey, artifactId: string): Promise<ArtifactRecord | undefined>;
  listArtifacts(offer: OfferKey): Promise<ArtifactRecord[]>;
  /** Insert-only: 'exists' when the offer already has an artifact with these bytes. */
  insertArtifact(offer: OfferKey, artifact: ArtifactRecord): Promise<ArtifactRecord | 'exists'>;
  /**
   * Deletes the artifact row in one transaction with a conditional touch of the offer row (If-Match `offerEtag`):
   * a PUT that starts referring to the artifact meanwhile changes the offer row, so the delete fails ('conflict').
   */
  deleteArtifact(offer: OfferRecord, offerEtag: string, artifact: ArtifactRecord): Promise<'deleted' | 'conflict'>;
  /** Best-effort removal of everything a deleted offer incarnation left (artifact rows, blobs). */
  purge(offer: OfferKey): Promise<void>;
}

export type OfferKey = Pick<OfferRecord, 'publisherId' | 'offerId' | 'internalId'>;
export type OfferAddress = Pick<OfferRecord, 'publisherId' | 'offerId'>;

/** Artifact bytes in Blob storage. */
export interface ArtifactBlobs {
  /** Streams `data` into a new blob. */
  upload(name: string, data: Readable, contentType: string): Promise<void>;
  source(name: string, size: number): ByteSource;
  /** Copies a staged blob to its content-addressed name (a no-op when that blob already exists). */
  promote(from: string, to: string, contentType: string): Promise<void>;
  download(name: string): Promise<{ body: NodeJS.ReadableStream; size: number } | undefined>;
  delete(name: string): Promise<void>;
}
