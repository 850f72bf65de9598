/**
 * The catalog's error vocabulary over the plain domain errors (shared/errors.ts): validation errors whose top-level
 * code is the first violation's, so `400 InvalidOfferId`, `400 DuplicatePlanId`, ... read as the spec's test cases
 * name them while `details[]` lists every violation; 422 for a whole that breaks a rule; 415 for a file name whose
 * extension does not fit the artifact kind (spec 4.E 47).
 */
import { UnprocessableError, UnsupportedMediaTypeError, ValidationError, type Violation } from '../../errors';

export function unsupportedFileType(kind: string, extensions: readonly string[]): UnsupportedMediaTypeError {
  return new UnsupportedMediaTypeError(`A ${kind} file name must end with ${extensions.join(' or ')}.`, [
    { path: 'fileName', code: 'UnsupportedMediaType', message: `must end with ${extensions.join(' or ')}` },
  ]);
}

export function describe(v: Violation): string {
  return `${v.path} ${v.message}`;
}

function summary(message: string, violations: Violation[]): string {
  const first = violations[0];
  return first ? `${message} ${describe(first)}${violations.length > 1 ? ` (and ${violations.length - 1} more)` : ''}.` : message;
}

export function invalid(message: string, violations: Violation[]): ValidationError {
  const first = violations[0];
  return new ValidationError(summary(message, violations), violations, first?.code ?? 'BadArgument', first?.path);
}

export function notProcessable(message: string, code: string, violations: Violation[]): UnprocessableError {
  return new UnprocessableError(summary(message, violations), code, violations);
}
