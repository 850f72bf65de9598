/**
 * How the console's built files (dist/console, from web/ by Vite) are served under `/console/...` (decision 1000):
 * which file a request path names, its content type and its caching. Pure: the trigger (functions/console.ts)
 * reads the file and checks once more that the resolved path stays inside the folder.
 *
 * - a path whose last segment has no extension is a client route (`/console/publisher/webhooks`): index.html;
 * - Vite's fingerprinted files under `assets/` never change under their name: cached for a year, immutable;
 * - everything else (index.html, config) is revalidated on every load (`no-cache` with an ETag);
 * - `..`, `.`, empty segments, backslashes, control characters, `:` and hidden names are refused (404), so a path
 *   can never leave the folder, whatever the host decoded before.
 */

export const INDEX = 'index.html';
export const IMMUTABLE = 'public, max-age=31536000, immutable';
export const REVALIDATE = 'no-cache';

const TYPES: Readonly<Record<string, string>> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  mjs: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  json: 'application/json; charset=utf-8',
  map: 'application/json; charset=utf-8',
  svg: 'image/svg+xml',
  png: 'image/png',
  ico: 'image/x-icon',
  woff2: 'font/woff2',
  txt: 'text/plain; charset=utf-8',
};

export interface StaticFile {
  /** Relative to the console folder, `/`-separated. */
  file: string;
  contentType: string;
  cacheControl: string;
  /** True when the request named a client route and gets index.html. */
  fallback: boolean;
}

/** The content type of a file name by its extension; unknown ones are octet-stream (sent with nosniff). */
export function contentTypeOf(file: string): string {
  const dot = file.lastIndexOf('.');
  if (dot < 0 || dot < file.lastIndexOf('/')) return 'application/octet-stream';
  return TYPES[file.slice(dot + 1).toLowerCase()] ?? 'application/octet-stream';
}

// Control characters are exactly what the segment test refuses.
const BAD_SEGMENT = /[\\:\u0000-\u001f\u007f]/;

/** The file a path under `/console/` names, or undefined when the path is not one the console serves (404). */
export function resolveStatic(rest: string): StaticFile | undefined {
  const trimmed = rest.replace(/^\/+/, '').replace(/\/$/, '');
  if (trimmed === '') return { file: INDEX, contentType: contentTypeOf(INDEX), cacheControl: REVALIDATE, fallback: true };
  const segments = trimmed.split('/');
  for (const segment of segments) {
    if (segment === '' || segment === '.' || segment === '..' || segment.startsWith('.') || BAD_SEGMENT.test(segment)) return undefined;
  }
  const last = segments[segments.length - 1] as string;
  if (!last.includes('.')) return { file: INDEX, contentType: contentTypeOf(INDEX), cacheControl: REVALIDATE, fallback: true };
  const file = segments.join('/');
  return { file, contentType: contentTypeOf(file), cacheControl: segments[0] === 'assets' ? IMMUTABLE : REVALIDATE, fallback: false };
}

/** A strong ETag of the file's bytes' digest (hex); If-None-Match with it (or `*`) gets a 304. */
export function etagOf(digestHex: string): string {
  return `"${digestHex.slice(0, 32)}"`;
}

export function notModified(ifNoneMatch: string | null, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch
    .split(',')
    .map((t) => t.trim().replace(/^W\//, ''))
    .some((t) => t === '*' || t === etag);
}

/**
 * The Content-Security-Policy of the console: only its own scripts and styles (inline style attributes, which the
 * chart sets), API calls to its own origin and, when Entra sign-in is configured, to the Entra authority.
 */
export function contentSecurityPolicy(entraAuthority: string | undefined): string {
  const connect = ["'self'", ...(entraAuthority ? [new URL(entraAuthority).origin] : [])].join(' ');
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    `connect-src ${connect}`,
    ...(entraAuthority ? [`frame-src ${new URL(entraAuthority).origin}`] : []),
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "form-action 'self'",
  ].join('; ');
}
