/**
 * The HTTP surfaces (architecture.md, Surfaces) and the one error mapper. Each surface has its api-version rule,
 * the status it gives a missing or bad token, and the error body its documents specify:
 * - metering: `{message, target, details[], code}` with top-level `BadArgument` for 400s (specs/metering.md 1.1);
 * - saas: flat `{code, message, target, details}`; api-version errors as `{"Error":{"Code","Message"}}`;
 * - offers: `{"error":{"code","message","target?","details?"}}` (specs/publish.md 2.0);
 * - licenses: Partner Center `{code, description, data, source}` (seed 003);
 * - storefront, admin, public: application/problem+json (RFC 9457) with the field violations;
 * - leads: problem+json whose violations also carry their code (specs/leads.md: `path` and `code` per field);
 * - analytics: the programmatic-access envelope `{value: [], totalCount: 0, message, statusCode}` with the
 *   violations as `errors` (seed 004 ~20437–22434; decision 0900).
 * 5xx bodies are opaque on every surface.
 */
import type { HttpResponseInit } from '@azure/functions';
import { DomainError, type Violation } from '../errors';
import { ApiVersionError, statusOf } from './errors';

export type SurfaceName = 'metering' | 'saas' | 'offers' | 'licenses' | 'storefront' | 'admin' | 'public' | 'leads' | 'analytics';

export interface Surface {
  name: SurfaceName;
  /** Accepted api-version values; undefined when the surface takes none. */
  apiVersions?: string[];
  /** Status for a missing, invalid or expired token. */
  unauthenticatedStatus: 401 | 403;
  /** The metering surface's top-level `target` of a 400 (`usageEventRequest` unless set; the batch endpoint's differs, E3). */
  errorTarget?: string;
}

export const surfaces: Record<SurfaceName, Surface> = {
  metering: { name: 'metering', apiVersions: ['2018-08-31'], unauthenticatedStatus: 403 },
  saas: { name: 'saas', apiVersions: ['2018-08-31'], unauthenticatedStatus: 403 },
  offers: { name: 'offers', apiVersions: ['2017-10-31', '2016-08-01-preview'], unauthenticatedStatus: 401 },
  licenses: { name: 'licenses', unauthenticatedStatus: 401 },
  storefront: { name: 'storefront', unauthenticatedStatus: 401 },
  admin: { name: 'admin', unauthenticatedStatus: 401 },
  public: { name: 'public', unauthenticatedStatus: 401 },
  leads: { name: 'leads', unauthenticatedStatus: 401 },
  analytics: { name: 'analytics', unauthenticatedStatus: 401 },
};

const PROBLEM_TYPE_BASE = 'https://github.com/marketplace-backend/docs/errors#';

const titles: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

function pascal(path: string): string {
  const last =
    path
      .replace(/^\$\.?/, '')
      .split(/[.[\]]/)
      .filter(Boolean)[0] ?? path;
  return last.charAt(0).toUpperCase() + last.slice(1);
}

function json(status: number, body: unknown, contentType = 'application/json; charset=utf-8'): HttpResponseInit {
  return { status, jsonBody: body, headers: { 'content-type': contentType } };
}

function meteringBody(surface: Surface, error: DomainError, status: number): HttpResponseInit {
  if (status === 400) {
    // The seed's request table names the query parameter `ApiVersion` (seed 004 ~7788).
    const fallback = { path: error instanceof ApiVersionError ? 'ApiVersion' : (error.target ?? 'request'), message: error.message };
    const details = (error.violations.length > 0 ? error.violations : [fallback]).map((v: Violation) => ({
      message: v.message,
      target: pascal(v.path),
      code: v.code ?? 'BadArgument',
    }));
    const target = surface.errorTarget ?? 'usageEventRequest';
    return json(400, { message: 'One or more errors have occurred.', target, details, code: 'BadArgument' });
  }
  return json(status, { code: status === 403 ? 'Forbidden' : error.code, message: error.message });
}

function saasBody(error: DomainError, status: number): HttpResponseInit {
  if (error instanceof ApiVersionError) return json(400, { Error: { Code: error.code, Message: error.message } });
  return json(status, {
    code: error.code,
    message: error.message,
    target: error.target ?? error.violations[0]?.path ?? null,
    details: error.violations.map((v) => ({ code: v.code ?? error.code, message: v.message, target: v.path })),
  });
}

function offersBody(error: DomainError, status: number): HttpResponseInit {
  if (error instanceof ApiVersionError) {
    return json(400, {
      error: { code: 'InvalidAPIVersion', message: `Invalid api version. Allowed values are [${error.allowed.join(', ')}]` },
    });
  }
  return json(status, {
    error: {
      code: error.code,
      message: error.message,
      ...(error.target ? { target: error.target } : {}),
      ...(error.violations.length > 0
        ? { details: error.violations.map((v) => ({ code: v.code ?? error.code, target: v.path, message: v.message })) }
        : {}),
    },
  });
}

function licensesBody(error: DomainError, status: number): HttpResponseInit {
  return json(status, {
    code: Number.isInteger(Number(error.code)) ? Number(error.code) : status,
    description: error.message,
    ...(error.violations.length > 0 ? { data: error.violations.map((v) => `${v.path}: ${v.message}`) } : {}),
    source: 'PartnerFD',
  });
}

function analyticsBody(error: DomainError, status: number): HttpResponseInit {
  return json(status, {
    value: [],
    totalCount: 0,
    message: error.message,
    statusCode: status,
    ...(error.violations.length > 0 ? { errors: error.violations.map((v) => ({ target: v.path, code: v.code ?? error.code, message: v.message })) } : {}),
  });
}

export function problem(
  status: number,
  detail: string,
  extra: { code?: string; errors?: Violation[]; errorCodes?: boolean } = {},
): HttpResponseInit {
  return json(
    status,
    {
      type: extra.code ? `${PROBLEM_TYPE_BASE}${extra.code}` : 'about:blank',
      title: titles[status] ?? 'Error',
      status,
      detail,
      ...(extra.code ? { code: extra.code } : {}),
      ...(extra.errors && extra.errors.length > 0
        ? {
            errors: extra.errors.map((v) => ({
              path: v.path,
              ...(extra.errorCodes && v.code ? { code: v.code } : {}),
              message: v.message,
            })),
          }
        : {}),
    },
    'application/problem+json; charset=utf-8',
  );
}

/** Maps any error to the surface's response. Unknown errors become an opaque 500. */
export function errorResponse(surface: Surface, error: unknown): HttpResponseInit {
  if (!(error instanceof DomainError)) return internalErrorResponse(surface);
  const status = statusOf(error);
  switch (surface.name) {
    case 'metering':
      return meteringBody(surface, error, status);
    case 'saas':
      return saasBody(error, status);
    case 'offers':
      return offersBody(error, status);
    case 'licenses':
      return licensesBody(error, status);
    case 'leads':
      return problem(status, error.message, { code: error.code, errors: error.violations, errorCodes: true });
    case 'analytics':
      return analyticsBody(error, status);
    default:
      return problem(status, error.message, { code: error.code, errors: error.violations });
  }
}

export function internalErrorResponse(surface: Surface): HttpResponseInit {
  const message = 'An internal error occurred. Retry the request; if it persists, contact the operator.';
  switch (surface.name) {
    case 'metering':
    case 'saas':
      return json(500, { code: 'InternalServerError', message });
    case 'offers':
      return json(500, { error: { code: 'InternalServerError', message } });
    case 'licenses':
      return json(500, { code: 500, description: message, source: 'PartnerFD' });
    case 'analytics':
      return json(500, { value: [], totalCount: 0, message, statusCode: 500 });
    default:
      return problem(500, message);
  }
}
