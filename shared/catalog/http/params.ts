/**
 * The paths, queries and headers of the offers and artifact routes (specs/publish.md 2.2–2.4, 2.11), checked with
 * zod. Publisher ids in a path match case-insensitively (spec 1.2, A37); offer and plan ids are the service's to
 * judge (a malformed id is simply not found).
 */
import { z } from 'zod';
import { ARTIFACT_KIND_NAMES, type ArtifactKind } from '../model/artifact-kinds';
import { planIdSchema } from '../model/ids';

export const publisherParams = z.object({ publisherId: z.string().transform((v) => v.toLowerCase()) });
export const offerParams = publisherParams.extend({ offerId: z.string() });
export const versionParams = offerParams.extend({
  version: z
    .string()
    .regex(/^[1-9]\d{0,9}$/, 'must be a positive whole number')
    .transform(Number),
});
export const slotParams = offerParams.extend({
  slotId: z
    .string()
    .transform((v) => v.toLowerCase())
    .pipe(z.enum(['draft', 'preview', 'production'], { error: 'must be draft, preview or production' })),
});
export const planParams = offerParams.extend({ planId: z.string() });
export const artifactParams = offerParams.extend({ artifactId: z.string() });

export const uploadQuery = z.object({
  kind: z.enum(ARTIFACT_KIND_NAMES as [ArtifactKind, ...ArtifactKind[]], { error: `must be one of ${ARTIFACT_KIND_NAMES.join(', ')}` }),
  fileName: z
    .string({ error: 'is required' })
    .min(1, 'is required')
    .max(255, 'must be at most 255 characters')
    .refine((v) => !/[\\/\0]/.test(v), 'must be a file name without a path'),
  planId: planIdSchema.optional(),
});

/** A Content-Length header as a byte count; undefined when absent or not a plain number. */
export function declaredLength(header: string | null): number | undefined {
  if (header === null || !/^\d+$/.test(header.trim())) return undefined;
  return Number(header);
}
