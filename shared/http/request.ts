/**
 * Parsing at the edge: every body, query and path value goes through a zod schema. Failures become 4xx errors
 * naming the field (a JSON path for bodies), never a 500.
 */
import type { HttpRequest } from '@azure/functions';
import type { z } from 'zod';
import { jsonPath, PayloadTooLargeError, UnsupportedMediaTypeError, ValidationError, type Violation } from '../errors';
import { ApiVersionError, MalformedJsonError } from './errors';
import type { Surface } from './surfaces';

export function violationsFrom(error: z.ZodError, toPath: (path: readonly PropertyKey[]) => string = jsonPath): Violation[] {
  return error.issues.map((issue) => ({ path: toPath(issue.path), message: issue.message }));
}

function isJsonContentType(value: string | null): boolean {
  if (!value) return false;
  const mediaType = value.split(';')[0]?.trim().toLowerCase() ?? '';
  return mediaType === 'application/json' || /^application\/[\w.+-]+\+json$/.test(mediaType);
}

/** Reads and validates a JSON body: 415 for another content type, 413 over the limit, 400 for bad JSON or schema. */
export async function readJson<S extends z.ZodType>(request: HttpRequest, schema: S, maxBytes: number): Promise<z.output<S>> {
  const contentType = request.headers.get('content-type');
  if (!isJsonContentType(contentType)) throw UnsupportedMediaTypeError.contentType(contentType);
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > maxBytes) throw new PayloadTooLargeError(maxBytes);
  const bytes = Buffer.from(await request.arrayBuffer());
  if (bytes.length > maxBytes) throw new PayloadTooLargeError(maxBytes);
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new MalformedJsonError(`The request body is not valid JSON: ${(error as Error).message}`);
  }
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new ValidationError('The request body is not valid.', violationsFrom(result.error));
  }
  return result.data;
}

/** Query parameters with names matched case-insensitively (the docs spell `UsageEndDate` and `usageEndDate`). */
export function queryObject(request: HttpRequest, names: readonly string[]): Record<string, string> {
  const wanted = new Map(names.map((n) => [n.toLowerCase(), n]));
  const out: Record<string, string> = {};
  for (const [key, value] of request.query.entries()) {
    const name = wanted.get(key.toLowerCase());
    if (name !== undefined && out[name] === undefined) out[name] = value;
  }
  return out;
}

export function parseQuery<S extends z.ZodObject>(request: HttpRequest, schema: S): z.output<S> {
  const result = schema.safeParse(queryObject(request, Object.keys(schema.shape)));
  if (!result.success) {
    throw new ValidationError(
      'The query string is not valid.',
      violationsFrom(result.error, (p) => String(p[0] ?? 'query')),
    );
  }
  return result.data;
}

export function parseParams<S extends z.ZodObject>(request: HttpRequest, schema: S): z.output<S> {
  const result = schema.safeParse({ ...request.params });
  if (!result.success) {
    throw new ValidationError(
      'The path is not valid.',
      violationsFrom(result.error, (p) => String(p[0] ?? 'path')),
    );
  }
  return result.data;
}

/** Enforces the surface's api-version rule (a query parameter, name matched case-insensitively). */
export function checkApiVersion(request: HttpRequest, surface: Surface): string | undefined {
  if (!surface.apiVersions) return undefined;
  const value = queryObject(request, ['api-version'])['api-version'];
  if (value === undefined || value === '') throw new ApiVersionError('missing', surface.apiVersions);
  if (!surface.apiVersions.includes(value)) throw new ApiVersionError('unsupported', surface.apiVersions, value);
  return value;
}

/** Absolute base of this deployment for links in responses: PUBLIC_BASE_URL when set (behind a proxy), else the origin the request came to. */
export function baseUrlOf(request: HttpRequest, publicBaseUrl: string | undefined): string {
  return publicBaseUrl ?? new URL(request.url).origin;
}
