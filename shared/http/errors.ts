/**
 * Named errors that services and the HTTP edge throw. The error mapper (surfaces.ts) turns any of them into the
 * body the calling surface documents. `code` is the surface-neutral reason; surfaces may rename it.
 */

export interface Violation {
  /** JSON path of the offending value, e.g. `$.plans[0].planId`, or the query/header name. */
  path: string;
  message: string;
  /** A machine-readable reason when a surface needs one (for example the metering status vocabulary). */
  code?: string;
}

export abstract class AppError extends Error {
  abstract readonly status: number;
  readonly code: string;
  readonly violations: Violation[];
  readonly target: string | undefined;

  constructor(message: string, options: { code: string; violations?: Violation[]; target?: string }) {
    super(message);
    this.name = new.target.name;
    this.code = options.code;
    this.violations = options.violations ?? [];
    this.target = options.target;
  }
}

export class ValidationError extends AppError {
  readonly status = 400;
  constructor(message: string, violations: Violation[] = [], code = 'BadArgument', target?: string) {
    super(message, { code, violations, ...(target ? { target } : {}) });
  }
}

export class MalformedJsonError extends AppError {
  readonly status = 400;
  constructor(message: string) {
    super(message, { code: 'InvalidJson', violations: [{ path: '$', message }] });
  }
}

export type ApiVersionProblem = 'missing' | 'unsupported';

export class ApiVersionError extends AppError {
  readonly status = 400;
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

export class UnauthenticatedError extends AppError {
  readonly status = 401;
  constructor(message: string) {
    super(message, { code: 'Unauthorized' });
  }
}

export class ForbiddenError extends AppError {
  readonly status = 403;
  constructor(message: string) {
    super(message, { code: 'Forbidden' });
  }
}

export class NotFoundError extends AppError {
  readonly status = 404;
  constructor(message: string, code = 'EntityNotFound') {
    super(message, { code });
  }
}

export class ConflictError extends AppError {
  readonly status = 409;
  constructor(message: string, code = 'Conflict') {
    super(message, { code });
  }
}

export class PreconditionFailedError extends AppError {
  readonly status = 412;
  constructor(message: string) {
    super(message, { code: 'PreconditionFailed' });
  }
}

export class PayloadTooLargeError extends AppError {
  readonly status = 413;
  constructor(limitBytes: number) {
    super(`The request body is larger than the limit of ${limitBytes} bytes.`, { code: 'PayloadTooLarge' });
  }
}

export class UnsupportedMediaTypeError extends AppError {
  readonly status = 415;
  constructor(received: string | null, expected = 'application/json') {
    super(`The Content-Type must be ${expected}${received ? `, not ${received}` : ''}.`, {
      code: 'UnsupportedMediaType',
      violations: [{ path: 'content-type', message: `must be ${expected}` }],
    });
  }
}
