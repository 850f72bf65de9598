/**
 * The offer envelope on the wire (Cloud Partner Portal shape, specs/publish.md 1.3, [L23156]–[L23396]) and the
 * records the catalog stores: the offer row, the immutable document of a draft revision, frozen versions and
 * uploaded artifacts.
 */
import { z } from 'zod';
import type { OfferTypeId } from './offer-types';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** A plan: `planId` plus namespaced keys (canonical casing once validated). */
export type Plan = JsonObject & { planId: string };

export interface OfferDefinition {
  /** The offer alias: Partner Center's name for the offer, not shown to customers, immutable (spec 1.2, A35). */
  displayText: string;
  offer: JsonObject;
  plans: Plan[];
}

const requiredOr = (issue: { input?: unknown }) => (issue.input === undefined ? 'is required' : undefined);

/** What a PUT body may hold. Read-only envelope fields are accepted and ignored [L23100] (spec A40). */
export const envelopeSchema = z.strictObject({
  publisherId: z.string().optional(),
  offerTypeId: z.string({ error: requiredOr }),
  id: z.string().optional(),
  offerTypeVersions: z.record(z.string(), z.number().int().min(0)).optional(),
  definition: z.strictObject({
    displayText: z.string({ error: requiredOr }),
    offer: z.record(z.string(), z.json()).optional(),
    plans: z.array(z.record(z.string(), z.json())).optional(),
  }),
  status: z.json().optional(),
  portalStatus: z.json().optional(),
  version: z.json().optional(),
  eTag: z.json().optional(),
  changedTime: z.json().optional(),
  internalId: z.json().optional(),
});

export type EnvelopeInput = z.output<typeof envelopeSchema>;

/** One immutable revision of an offer's definition (a blob, written once). */
export interface OfferDocument {
  schemaVersion: 1;
  publisherId: string;
  offerId: string;
  offerTypeId: OfferTypeId;
  offerTypeVersions: Record<string, number>;
  definition: OfferDefinition;
}

/** The offer row: the draft pointer and ETag, the live version and what frozen versions hold. */
export interface OfferRecord {
  publisherId: string;
  offerId: string;
  offerTypeId: OfferTypeId;
  alias: string;
  internalId: string;
  /** The version number the draft will get when frozen; starts at 1 [L23276]. */
  draftVersion: number;
  draftRevision: string;
  /** The draft's client-facing ETag; changes on every draft change, never on anything else (spec 2.0). */
  draftETag: string;
  /** The live (production) version, 0 when never frozen. */
  liveVersion: number;
  /** The newest version a publish's preview step opened (forward only; rules/preview.ts derives the slot). */
  previewVersion?: number;
  /** The newest previewed version whose publish was canceled or failed (forward only). */
  previewWithdrawn?: number;
  /** Plan ids contained in any frozen version: they can no longer be removed (spec 1.12 F3). */
  frozenPlanIds: string[];
  /** Artifacts the draft refers to, and those any frozen version refers to: neither can be deleted. */
  draftArtifacts: string[];
  frozenArtifacts: string[];
  createdTime: string;
  changedTime: string;
  frozenTime?: string;
}

/** A stored row and the storage ETag it was read with, for conditional writes. */
export interface Stored<T> {
  value: T;
  etag: string;
}

export interface VersionRecord {
  publisherId: string;
  offerId: string;
  version: number;
  revision: string;
  frozenTime: string;
  frozenBy: string;
}

export interface ArtifactRecord {
  publisherId: string;
  offerId: string;
  /** The SHA-256 of the bytes, hex: artifacts are content-addressed. */
  id: string;
  kind: string;
  fileName: string;
  contentType: string;
  size: number;
  sha256: string;
  planId?: string;
  blobName: string;
  createdTime: string;
  uploadedBy: string;
}
