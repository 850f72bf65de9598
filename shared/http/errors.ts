/**
 * The HTTP edge's own errors (a body that is not JSON, a missing or unsupported api-version) and the one map from a
 * domain error's kind to its HTTP status. Domain code never imports this file: it throws shared/errors.ts.
 */
import { DomainError, type ErrorKind } from '../errors';

export class MalformedJsonError extends DomainError {
  readonly kind = 'invalid';
  constructor(message: string) {
    super(message, { code: 'InvalidJson', violations: [{ path: '$', message }] });
  }
}

export type ApiVersionProblem = 'missing' | 'unsupported';

export class ApiVersionError extends DomainError {
  readonly kind = 'invalid';
  constructor(
    readonly problem: ApiVersionProblem,
    readonly allowed: string[],
    received?: string,
  ) {
    super(
      problem === 'missing'
        ? `The api-version query parameter is required. Allowed values are [${allowed.join(', ')}].`
        : `The api-version '${received ?? ''}' is not supported. Allowed values are [${allowed.join(', ')}].`,
      { code: problem === 'missing' ? 'ApiVersionUnspecified' : 'UnsupportedApiVersion', target: 'api-version' },
    );
  }
}

const STATUS: Record<ErrorKind, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  'length-required': 411,
  'precondition-failed': 412,
  'too-large': 413,
  'unsupported-media-type': 415,
  unprocessable: 422,
};

/** The HTTP status of a domain error, the same on every surface (the bodies differ: surfaces.ts). */
export function statusOf(error: DomainError): number {
  return STATUS[error.kind];
}
