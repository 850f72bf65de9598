/** Text rules of listing fields (specs/publish.md 1.6). Pure predicates; the schemas in model/ attach codes to them. */

/** Offer names allow no emoji except ™ and © (004 [L15302]). Both are Extended_Pictographic, so they are exempted. */
export function hasDisallowedEmoji(text: string): boolean {
  for (const char of text) {
    if (char === '\u2122' || char === '\u00a9') continue;
    if (/\p{Extended_Pictographic}|\p{Regional_Indicator}/u.test(char)) return true;
  }
  return false;
}

export function hasLineBreak(text: string): boolean {
  return /[\r\n\u2028\u2029]/.test(text);
}

/** Tags allowed in descriptions (004 [L27513]–[L27524], plus `em` [L2749]). */
export const ALLOWED_HTML_TAGS = ['b', 'i', 'em', 'br', 'p', 'ul', 'ol', 'li', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6'] as const;
const allowed = new Set<string>(ALLOWED_HTML_TAGS);

/**
 * The first markup construct that is not an allowed tag, or undefined. A `<` followed by a letter, `/`, `!` or `?`
 * starts markup; anything else (`a < b`, `<3`) is text. Allowed tags carry no attributes (CHOSEN: attributes are the
 * usual carrier of script, and the listing renderer needs none).
 */
export function disallowedHtml(text: string): string | undefined {
  const markup = /<(?=[A-Za-z/!?])[^>]*>?/g;
  for (const match of text.matchAll(markup)) {
    // Stryker disable next-line Regex: the markup match ends at its first >, so a tag that reaches > ends the match with or without $
    const tag = /^<\s*\/?\s*([A-Za-z][A-Za-z0-9]*)\s*\/?\s*>$/.exec(match[0]);
    if (!tag?.[1] || !allowed.has(tag[1].toLowerCase())) return match[0].slice(0, 40);
  }
  return undefined;
}

/** An absolute http(s) URL (or only https when asked). */
export function isHttpUrl(value: string, httpsOnly = false): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  // An http(s) URL always has a host: the URL parser refuses `https://`.
  return url.protocol === 'https:' || (!httpsOnly && url.protocol === 'http:');
}

/** Video links must point at YouTube or Vimeo (004 [L16396]). */
export function isVideoHostAllowed(value: string): boolean {
  try {
    const host = new URL(value).hostname.toLowerCase();
    return ['youtube.com', 'youtu.be', 'vimeo.com'].some((h) => host === h || host.endsWith(`.${h}`));
  } catch {
    return false;
  }
}
