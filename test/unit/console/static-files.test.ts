import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, contentTypeOf, etagOf, IMMUTABLE, notModified, resolveStatic, REVALIDATE } from '../../../shared/console/static-files';

describe('resolveStatic: which file a /console/ path names', () => {
  it('the root and client routes (no extension) get index.html, revalidated', () => {
    for (const path of ['', '/', 'publisher/webhooks', 'store/contoso/contoso-cns/']) {
      expect(resolveStatic(path)).toEqual({ file: 'index.html', contentType: 'text/html; charset=utf-8', cacheControl: REVALIDATE, fallback: true });
    }
  });

  it('fingerprinted assets are immutable for a year; other files are revalidated', () => {
    expect(resolveStatic('assets/index-UE3h8N8e.js')).toEqual({ file: 'assets/index-UE3h8N8e.js', contentType: 'text/javascript; charset=utf-8', cacheControl: IMMUTABLE, fallback: false });
    expect(resolveStatic('index.html')).toEqual({ file: 'index.html', contentType: 'text/html; charset=utf-8', cacheControl: REVALIDATE, fallback: false });
    expect(IMMUTABLE).toBe('public, max-age=31536000, immutable');
    expect(REVALIDATE).toBe('no-cache');
  });

  it('refuses every path that could leave the folder or name a hidden file', () => {
    for (const path of ['..', '../package.json', 'assets/../../x.js', './index.html', 'a//b.js', '.env', 'assets/.git', 'a\\..\\b.js', 'c:/x.js', 'a\u0000.js', 'x/..']) {
      expect(resolveStatic(path), path).toBeUndefined();
    }
  });
});

describe('contentTypeOf', () => {
  it('by extension, case-insensitive; unknown and extension-less names are octet-stream', () => {
    expect(contentTypeOf('a.CSS')).toBe('text/css; charset=utf-8');
    expect(contentTypeOf('a.svg')).toBe('image/svg+xml');
    expect(contentTypeOf('a.map')).toBe('application/json; charset=utf-8');
    expect(contentTypeOf('a.exe')).toBe('application/octet-stream');
    expect(contentTypeOf('dir.d/file')).toBe('application/octet-stream');
  });
});

describe('ETags', () => {
  it('quotes the first 32 hex digits; If-None-Match matches it, W/ and * too, not another', () => {
    const etag = etagOf('a'.repeat(64));
    expect(etag).toBe(`"${'a'.repeat(32)}"`);
    expect(notModified(etag, etag)).toBe(true);
    expect(notModified(`"x", W/${etag}`, etag)).toBe(true);
    expect(notModified('*', etag)).toBe(true);
    expect(notModified('"other"', etag)).toBe(false);
    expect(notModified(null, etag)).toBe(false);
  });
});

describe('contentSecurityPolicy', () => {
  it('self only, plus the Entra authority for calls and frames when configured', () => {
    expect(contentSecurityPolicy(undefined)).toContain("connect-src 'self';");
    expect(contentSecurityPolicy(undefined)).not.toContain('frame-src');
    const entra = contentSecurityPolicy('https://login.microsoftonline.com/');
    expect(entra).toContain("connect-src 'self' https://login.microsoftonline.com;");
    expect(entra).toContain('frame-src https://login.microsoftonline.com;');
    expect(entra).toContain("frame-ancestors 'none'");
  });
});
