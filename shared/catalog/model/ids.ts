/**
 * Identifiers of the catalog (specs/publish.md 1.2). Offer and plan ids: lowercase letters, digits, `-` and `_`,
 * no spaces, at most 50 characters, immutable after create (004 [L16134]–[L16136], [L2431]; 002 [L26]).
 */
import { z } from 'zod';

export const ID_PATTERN = /^[a-z0-9_-]{1,50}$/;
export const ID_RULE = 'must be 1-50 characters of lowercase letters, digits, "-" or "_" (no spaces)';

export const offerIdSchema = z.string().regex(ID_PATTERN, ID_RULE);
export const planIdSchema = z.string().regex(ID_PATTERN, ID_RULE);
/** Publisher ids are compared case-insensitively and stored lowercase (spec 1.2, A37). */
export const publisherIdSchema = z
  .string()
  .transform((v) => v.toLowerCase())
  .pipe(z.string().regex(ID_PATTERN, ID_RULE));

/** Metered dimension ids: the seed leaves the format open; CHOSEN `^[A-Za-z0-9_.-]{1,50}$` (spec 1.2, A36). */
export const DIMENSION_ID_PATTERN = /^[A-Za-z0-9_.-]{1,50}$/;

/** The Offer ID combined with the Publisher ID must be under 40 characters (002 [L26]); D365 CE only (spec A1, A2). */
export const MAX_COMBINED_ID_LENGTH = 39;

/** Artifacts are addressed by the SHA-256 of their bytes (hex); definitions refer to them as `artifact:<sha256>`. */
export const ARTIFACT_ID_PATTERN = /^[0-9a-f]{64}$/;
export const ARTIFACT_REF_PREFIX = 'artifact:';
export const artifactIdSchema = z.string().regex(ARTIFACT_ID_PATTERN, 'must be the 64-character hex SHA-256 of the artifact');

/** D365 CE license-managed plans: `ISV name.offer name.plan ID` (004 [L11780]); CHOSEN `${publisherId}.${offerId}.${planId}`. */
export function serviceIdOf(publisherId: string, offerId: string, planId: string): string {
  return `${publisherId}.${offerId}.${planId}`;
}
