/**
 * Catalog errors beyond the shared set (shared/http/errors.ts): 411 and 422 for uploads, and validation errors
 * whose top-level code is the first violation's, so `400 InvalidOfferId`, `400 DuplicatePlanId`, ... read as the
 * spec's test cases name them while `details[]` lists every violation.
 */
import { AppError, ValidationError, type Violation } from '../http/errors';

export class LengthRequiredError extends AppError {
  readonly status = 411;
  constructor() {
    super('The Content-Length header is required for an upload.', {
      code: 'LengthRequired',
      violations: [{ path: 'content-length', message: 'is required' }],
    });
  }
}

/** 415 for a file name whose extension does not fit the artifact kind (spec 4.E 47). */
export class UnsupportedFileTypeError extends AppError {
  readonly status = 415;
  constructor(kind: string, extensions: readonly string[]) {
    super(`A ${kind} file name must end with ${extensions.join(' or ')}.`, {
      code: 'UnsupportedMediaType',
      violations: [{ path: 'fileName', code: 'UnsupportedMediaType', message: `must end with ${extensions.join(' or ')}` }],
    });
  }
}

export class UnprocessableError extends AppError {
  readonly status = 422;
  constructor(message: string, code: string, violations: Violation[]) {
    super(message, { code, violations, ...(violations[0] ? { target: violations[0].path } : {}) });
  }
}

export function describe(v: Violation): string {
  return `${v.path} ${v.message}`;
}

export function invalid(message: string, violations: Violation[]): ValidationError {
  const first = violations[0];
  const summary = first ? `${message} ${describe(first)}${violations.length > 1 ? ` (and ${violations.length - 1} more)` : ''}.` : message;
  return new ValidationError(summary, violations, first?.code ?? 'BadArgument', first?.path);
}

export function notProcessable(message: string, code: string, violations: Violation[]): UnprocessableError {
  const first = violations[0];
  return new UnprocessableError(
    first ? `${message} ${describe(first)}${violations.length > 1 ? ` (and ${violations.length - 1} more)` : ''}.` : message,
    code,
    violations,
  );
}
