/**
 * Artifact references inside definitions. Stored definitions refer to uploaded artifacts as `artifact:<sha256>`;
 * GET shows them as this service's download URL (like CPP returning its own storage URLs for artifacts [L23416]),
 * and a PUT that sends such a URL back (the CPP round trip: GET, edit, PUT) turns it into the reference again.
 */
import { ARTIFACT_REF_PREFIX } from '../model/ids';
import type { Json, JsonObject, OfferDefinition } from '../model/offer';

const REF = new RegExp(`^${ARTIFACT_REF_PREFIX}([0-9a-f]{64})$`);

function mapStrings(value: Json, f: (s: string) => string): Json {
  if (typeof value === 'string') return f(value);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, f));
  if (value !== null && typeof value === 'object') {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value)) out[k] = mapStrings(v, f);
    return out;
  }
  return value;
}

function mapDefinition(definition: OfferDefinition, f: (s: string) => string): OfferDefinition {
  return {
    displayText: definition.displayText,
    offer: mapStrings(definition.offer, f) as JsonObject,
    plans: definition.plans.map((p) => ({ ...(mapStrings(p, f) as JsonObject), planId: p.planId })),
  };
}

/** Every artifact reference in a definition, with where it is (for error paths). */
export function artifactReferences(definition: OfferDefinition): { id: string; path: PropertyKey[] }[] {
  const found: { id: string; path: PropertyKey[] }[] = [];
  const walk = (value: Json, path: PropertyKey[]) => {
    if (typeof value === 'string') {
      const m = REF.exec(value);
      if (m?.[1]) found.push({ id: m[1], path });
    } else if (Array.isArray(value)) value.forEach((v, i) => walk(v, [...path, i]));
    else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, [...path, k]);
  };
  walk(definition.offer, ['definition', 'offer']);
  definition.plans.forEach((p, i) => walk(p, ['definition', 'plans', i]));
  return found;
}

/** Distinct artifact ids a definition refers to. */
export function artifactRefs(definition: OfferDefinition): string[] {
  return [...new Set(artifactReferences(definition).map((r) => r.id))].sort();
}

export function artifactDownloadPath(publisherId: string, offerId: string, artifactId: string): string {
  return `/api/publishers/${publisherId}/offers/${offerId}/artifacts/${artifactId}/content`;
}

/** References → absolute download URLs under `baseUrl`. */
export function resolveRefs(
  definition: OfferDefinition,
  publisherId: string,
  offerId: string,
  baseUrl: string,
  apiVersion: string,
): OfferDefinition {
  return mapDefinition(definition, (s) => {
    const m = REF.exec(s);
    return m?.[1] ? `${baseUrl}${artifactDownloadPath(publisherId, offerId, m[1])}?api-version=${apiVersion}` : s;
  });
}

/** Download URLs of this offer's artifacts (any host) → references. */
export function unresolveUrls(value: Record<string, Json>, publisherId: string, offerId: string): Record<string, Json> {
  // Stryker disable next-line StringLiteral: ids are validated to [a-z0-9_-] before this (offers.ts), so escaping never changes them
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(
    `^https?://[^/?#]+${escape(artifactDownloadPath(publisherId, offerId, 'ID')).replace('ID', '([0-9a-f]{64})')}(?:\\?[^#]*)?$`,
  );
  return mapStrings(value, (s) => {
    const m = pattern.exec(s);
    // The pattern admits only 64 lower-case hex digits, i.e. an artifact id.
    return m?.[1] ? `${ARTIFACT_REF_PREFIX}${m[1]}` : s;
  }) as Record<string, Json>;
}
