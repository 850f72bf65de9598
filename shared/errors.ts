/**
 * Plain domain errors. Services, rules and stores throw them; they carry a `kind` (what went wrong, in the domain's
 * words) and a surface-neutral `code`, never an HTTP status. The one mapper in shared/http/ turns a kind into the
 * status, and the error into the body, that the calling surface documents.
 */

export interface Violation {
  /** JSON path of the offending value, e.g. `$.plans[0].planId`, or the query/header name. */
  path: string;
  message: string;
  /** A machine-readable reason when a surface needs one (for example the metering status vocabulary). */
  code?: string;
}

/** A JSON path for a violation: `$.plans[0].planId`. */
export function jsonPath(path: readonly PropertyKey[]): string {
  let out = '$';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z_$][\w$]*$/.test(key)) out += `.${key}`;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out;
}

export type ErrorKind =
  | 'invalid'
  | 'unauthenticated'
  | 'forbidden'
  | 'not-found'
  | 'conflict'
  | 'length-required'
  | 'precondition-failed'
  | 'too-large'
  | 'unsupported-media-type'
  | 'unprocessable';

export abstract class DomainError extends Error {
  abstract readonly kind: ErrorKind;
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

export class ValidationError extends DomainError {
  readonly kind = 'invalid';
  constructor(message: string, violations: Violation[] = [], code = 'BadArgument', target?: string) {
    super(message, { code, violations, ...(target ? { target } : {}) });
  }
}

export class UnauthenticatedError extends DomainError {
  readonly kind = 'unauthenticated';
  constructor(message: string) {
    super(message, { code: 'Unauthorized' });
  }
}

export class ForbiddenError extends DomainError {
  readonly kind = 'forbidden';
  constructor(message: string) {
    super(message, { code: 'Forbidden' });
  }
}

export class NotFoundError extends DomainError {
  readonly kind = 'not-found';
  constructor(message: string, code = 'EntityNotFound') {
    super(message, { code });
  }
}

export class ConflictError extends DomainError {
  readonly kind = 'conflict';
  constructor(message: string, code = 'Conflict') {
    super(message, { code });
  }
}

export class PreconditionFailedError extends DomainError {
  readonly kind = 'precondition-failed';
  constructor(message: string) {
    super(message, { code: 'PreconditionFailed' });
  }
}

export class LengthRequiredError extends DomainError {
  readonly kind = 'length-required';
  constructor() {
    super('The Content-Length header is required for an upload.', {
      code: 'LengthRequired',
      violations: [{ path: 'content-length', message: 'is required' }],
    });
  }
}

export class PayloadTooLargeError extends DomainError {
  readonly kind = 'too-large';
  constructor(limitBytes: number) {
    super(`The request body is larger than the limit of ${limitBytes} bytes.`, { code: 'PayloadTooLarge' });
  }
}

export class UnsupportedMediaTypeError extends DomainError {
  readonly kind = 'unsupported-media-type';
  constructor(message: string, violations: Violation[]) {
    super(message, { code: 'UnsupportedMediaType', violations });
  }

  /** The Content-Type of a request body is not the one expected. */
  static contentType(received: string | null, expected = 'application/json'): UnsupportedMediaTypeError {
    return new UnsupportedMediaTypeError(`The Content-Type must be ${expected}${received ? `, not ${received}` : ''}.`, [
      { path: 'content-type', message: `must be ${expected}` },
    ]);
  }
}

/** Well-formed input that breaks a rule of the whole (a draft that cannot be published, a package that fails checks). */
export class UnprocessableError extends DomainError {
  readonly kind = 'unprocessable';
  constructor(message: string, code: string, violations: Violation[]) {
    super(message, { code, violations, ...(violations[0] ? { target: violations[0].path } : {}) });
  }
}
