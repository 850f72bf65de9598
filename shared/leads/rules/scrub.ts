/**
 * The scrubber of everything a target answered or an error said before it is stored or shown (specs/leads.md 3.0.3
 * rule 3, 3.0.5): the destination's own secret values (also URL-encoded, and the key and signature inside a
 * connection string or URL), then any `sig=`/`sv=`/`se=` query value, `AccountKey=`, `SharedAccessSignature=`,
 * Authorization / bearer tokens, JWTs and `password=`; the excerpt kept is at most 1 KiB of UTF-8.
 */
import type { DestinationConfig } from '../model';

export const MASK = '***';
export const EXCERPT_BYTES = 1024;

/** The first group of every match (each caller's group matches at least one character). */
function firstGroups(text: string, pattern: RegExp): string[] {
  return [...text.matchAll(pattern)].map((m) => m[1] as string);
}

/** The values of a destination that must never be shown, longest first (so a part never unmasks a whole). */
export function secretValues(config: DestinationConfig): string[] {
  const out: string[] = [];
  if (config.type === 'AzureTable') {
    out.push(config.connectionString);
    out.push(...firstGroups(config.connectionString, /(?:AccountKey|SharedAccessSignature)=([^;]+)/gi));
    out.push(...firstGroups(config.connectionString, /[?&;]sig=([^&;]+)/gi));
  }
  if (config.type === 'HttpsEndpoint') {
    out.push(config.httpsEndpointUri);
    // The query (without one, the whole URL again, which the Set below drops).
    out.push(config.httpsEndpointUri.slice(config.httpsEndpointUri.indexOf('?') + 1));
    out.push(...firstGroups(config.httpsEndpointUri, /[?&]sig=([^&#]+)/gi));
    if (config.signingSecret) out.push(config.signingSecret);
  }
  if (config.type === 'Dynamics') out.push(config.authentication === 'AzureActiveDirectory' ? config.applicationKey : config.password);
  const spelled = out.flatMap((v) => {
    const forms = [v, encodeURIComponent(v)];
    try {
      forms.push(decodeURIComponent(v));
    } catch {
      // not percent-encoded text
    }
    return forms;
  });
  // Very short values would mask ordinary words; secrets that short are refused by the destination rules anyway.
  return [...new Set(spelled.filter((v) => v.length >= 4))].sort((a, b) => b.length - a.length);
}

const PATTERNS: [RegExp, string][] = [
  [/(AccountKey|SharedAccessSignature)=[^;"'\s]+/gi, `$1=${MASK}`],
  [/([?&](?:sig|sv|se|sp|st|spr|skoid|sktid)=)[^&"'\s#]+/gi, `$1${MASK}`],
  [/(authorization["']?\s*[:=]\s*["']?)(?:bearer\s+|basic\s+)?[^"'\s,}]+/gi, `$1${MASK}`],
  [/bearer\s+[\w.~+/=-]+/gi, `Bearer ${MASK}`],
  [/eyJ[\w-]+\.[\w-]+\.[\w-]*/g, MASK],
  [/((?:password|client_secret|secret|signature|access_token|refresh_token)["']?\s*[=:]\s*["']?)[^"'&\s,}]+/gi, `$1${MASK}`],
];

export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) out = out.split(secret).join(MASK);
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/** At most `bytes` of UTF-8, cut at a code point. */
export function cutUtf8(text: string, bytes: number = EXCERPT_BYTES): string {
  let out = '';
  let size = 0;
  for (const ch of text) {
    const n = Buffer.byteLength(ch);
    if (size + n > bytes) break;
    out += ch;
    size += n;
  }
  return out;
}

/** The stored excerpt of an answer: scrubbed whole first (a cut must not leave half a secret), then cut to 1 KiB. */
export function excerpt(text: string, secrets: readonly string[]): string {
  return cutUtf8(scrub(text, secrets));
}
