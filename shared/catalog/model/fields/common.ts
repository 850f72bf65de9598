/**
 * Building blocks for definition fields. Every rule carries a machine-readable code (specs/publish.md 2.4:
 * `FieldTooLong`, `TooManyItems`, `InvalidEnumValue`, `InvalidGuid`, `InvalidUrl`, ...): zod's own issue kinds map to
 * codes in rules/violations.ts, custom rules name theirs in `params.code`.
 */
import { z } from 'zod';
import { GUID_PATTERN } from '../../../guid';
import { ARTIFACT_ID_PATTERN, ARTIFACT_REF_PREFIX } from '../ids';
import { disallowedHtml, hasDisallowedEmoji, hasLineBreak, isHttpUrl, isVideoHostAllowed } from '../../rules/text';

export const MAX_URL_LENGTH = 2048;

export function coded(code: string, message: string) {
  return { message, params: { code } };
}

export const text = (max: number) => z.string().max(max);

/** Customer-facing names: no emoji except ™ and © (004 [L15302]). */
export const name = (max: number) =>
  text(max).refine((v) => !hasDisallowedEmoji(v), coded('EmojiNotAllowed', 'must not contain emoji (™ and © are allowed)'));

export const singleLine = (max: number) => text(max).refine((v) => !hasLineBreak(v), coded('LineBreakNotAllowed', 'must be a single line'));

export const html = (max: number) =>
  text(max).superRefine((v, ctx) => {
    const bad = disallowedHtml(v);
    if (bad) {
      ctx.addIssue({
        code: 'custom',
        message: `must use only the tags b, i, em, br, p, ul, ol, li, h1-h6 without attributes; found ${JSON.stringify(bad)}`,
        params: { code: 'DisallowedHtml' },
      });
    }
  });

export const httpUrl = text(MAX_URL_LENGTH).refine((v) => isHttpUrl(v), coded('InvalidUrl', 'must be an absolute http or https URL'));
export const httpsUrl = text(MAX_URL_LENGTH).refine((v) => isHttpUrl(v, true), coded('InvalidUrl', 'must be an absolute https URL'));
/** URL fields the seed sends as "" when unset ([L23040]–[L23041]). */
export const optionalHttpUrl = text(MAX_URL_LENGTH).refine(
  (v) => v === '' || isHttpUrl(v),
  coded('InvalidUrl', 'must be an absolute http or https URL or ""'),
);
export const optionalHttpsUrl = text(MAX_URL_LENGTH).refine(
  (v) => v === '' || isHttpUrl(v, true),
  coded('InvalidUrl', 'must be an absolute https URL or ""'),
);

/** A reference to an uploaded artifact (`artifact:<sha256>`) or an external http(s) URL. */
export const artifactUri = text(MAX_URL_LENGTH).refine(
  (v) => (v.startsWith(ARTIFACT_REF_PREFIX) ? ARTIFACT_ID_PATTERN.test(v.slice(ARTIFACT_REF_PREFIX.length)) : isHttpUrl(v)),
  coded('InvalidUrl', 'must be "artifact:<sha256>" of an uploaded artifact or an absolute http or https URL'),
);

export const videoUrl = httpsUrl.refine(isVideoHostAllowed, coded('VideoHostNotAllowed', 'must be a YouTube or Vimeo link'));

/** Any 8-4-4-4-12 hex GUID, as the marketplace accepts (shared/guid.ts, decision 0312). */
export const guid = z.string().regex(GUID_PATTERN, 'must be a GUID');
export const lowercaseGuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'must be a lowercase GUID');

export const email = z.email({ message: 'must be an email address' }).max(254);
export const phone = text(50);

/** ISO 3166-1 alpha-2 market codes. */
export const market = z.string().regex(/^[A-Z]{2}$/, 'must be a two-letter ISO 3166 country code in upper case');

/** Money in USD: a finite, non-negative amount (spec 1.10). */
export const priceUsd = z.number().finite().min(0);

/** Included quantities: a whole number ≥ 0 or "unlimited" (004 [L15980]–[L15985]). */
export const includedQuantity = z.union([z.number().int().min(0), z.literal('unlimited')], {
  error: 'must be a whole number ≥ 0 or "unlimited"',
});

/** An array whose items (or a key of each item) must not repeat; duplicates are reported at the repeated item. */
export function unique<T extends z.ZodType>(
  item: T,
  max: number,
  key: (value: z.output<T>) => string = (v) => String(v),
  code = 'DuplicateItem',
) {
  return z
    .array(item)
    .max(max)
    .superRefine((items, ctx) => {
      const seen = new Set<string>();
      items.forEach((value, index) => {
        const k = key(value).toLowerCase();
        if (seen.has(k)) ctx.addIssue({ code: 'custom', path: [index], message: 'must not repeat an earlier item', params: { code } });
        seen.add(k);
      });
    });
}

/** Arbitrary JSON, for settings stored as given and validated by their own capability later (lead, test drive). */
export const anyJson = z.json();
export const jsonObject = z.record(z.string(), z.json());
