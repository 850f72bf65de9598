/**
 * The continuation tokens of the storefront's lists (decision 1003): where the next page starts, as opaque
 * base64url text (`v1:` and the parts as JSON), so a curl user passes back what `@nextLink` gave and nothing in
 * the query names a storage key.
 */
const PREFIX = 'v1:';

export function encodePageToken(parts: readonly string[]): string {
  return Buffer.from(`${PREFIX}${JSON.stringify(parts)}`, 'utf8').toString('base64url');
}

/** The `count` parts of a token, each accepted by `valid`; undefined for anything else (a bad token is a 400). */
export function decodePageToken(token: string, count: number, valid: (part: string) => boolean): string[] | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(token)) return undefined;
  const text = Buffer.from(token, 'base64url').toString('utf8');
  if (!text.startsWith(PREFIX)) return undefined;
  let parts: unknown;
  try {
    parts = JSON.parse(text.slice(PREFIX.length));
  } catch {
    return undefined;
  }
  if (!Array.isArray(parts) || parts.length !== count) return undefined;
  return parts.every((p): p is string => typeof p === 'string' && valid(p)) ? parts : undefined;
}
